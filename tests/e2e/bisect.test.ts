/**
 * `npm run bisect` on a real git repository: a benchmark whose timing is generated with a run-to-run spread
 * of 3 % (seeded, so the test is the same on every machine), 10 % slower from a known commit among 32. Its
 * results are written in github-action-benchmark's format and imported after each run, as the action takes a
 * tool's output.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import type { BisectResult } from '../../src/lib/analysis/bisect-search.ts';
import { runScript, tempDir } from '../helpers.ts';

/**
 * The benchmark: 1 ms × the commit's factor × log-normal noise of 3 %, drawn from a generator seeded by
 * BISECT_SEED and by how many runs came before (a counter beside the repository), so every run differs.
 * With FAIL_AT, the run of that number fails, as an interrupted bisect would stop.
 */
const BENCH = `import { readFileSync, writeFileSync } from 'node:fs';
const counter = process.env.BISECT_COUNTER;
const count = Number((() => { try { return readFileSync(counter, 'utf8'); } catch { return '0'; } })()) + 1;
writeFileSync(counter, String(count));
if (Number(process.env.FAIL_AT) === count) process.exit(1);
let state = (Number(process.env.BISECT_SEED) * 7919 + count * 104729) >>> 0;
const uniform = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return (state + 0.5) / 2 ** 32; };
const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
const factor = Number(readFileSync('factor.txt', 'utf8'));
writeFileSync('out.json', JSON.stringify([{ name: 'parse', unit: 'ms', value: factor * Math.exp(0.03 * normal) }]));
`;

/** A repository of a good commit and `count` more, the one of index `stepAt` (and those after) 10 % slower. */
async function repository(count: number, stepAt: number | null): Promise<{ dir: string; shas: string[] }> {
  const dir = await tempDir('perfsite-bisect-repo-');
  const git = simpleGit({ baseDir: dir });
  await git.init(['--quiet', '--initial-branch=main']);
  await git.addConfig('user.name', 'perfsite test').addConfig('user.email', 'test@example.invalid');
  await writeFile(path.join(dir, 'bench.mjs'), BENCH);
  await writeFile(path.join(dir, '.gitignore'), 'out.json\n');
  const shas: string[] = [];
  for (let index = 0; index <= count; index++) {
    await writeFile(path.join(dir, 'factor.txt'), stepAt !== null && index >= stepAt ? '1.1' : '1');
    await writeFile(path.join(dir, 'change.txt'), `change ${index}\n`);
    await git.add('.');
    await git.commit(`change ${index}`);
    shas.push((await git.revparse(['HEAD'])).trim());
  }
  return { dir, shas };
}

async function bisectIn(repo: string, good: string, bad: string, env: NodeJS.ProcessEnv) {
  const data = path.join(repo, '.perf-data');
  const json = path.join(repo, '..', `${path.basename(repo)}-result.json`);
  const result = await runScript(
    'scripts/bisect.ts',
    [
      '--good',
      good,
      '--bad',
      bad,
      '--data',
      data,
      '--tool',
      'customSmallerIsBetter',
      '--output-file-path',
      'out.json',
      '--json',
      json,
      // Fewer runs than the defaults (3 a turn, 12 a probe): each run here starts two processes.
      '--repeats',
      '2',
      '--max-runs',
      '8',
      '--',
      process.execPath,
      'bench.mjs',
    ],
    { cwd: repo, env: { BISECT_COUNTER: path.join(repo, '..', `${path.basename(repo)}-count`), ...env } },
  );
  return { ...result, json };
}

describe('npm run bisect', () => {
  it('names the commit of a 10 % step among 32 within ⌈log₂ 32⌉ + 2 rounds, records its runs, and resumes when interrupted', async () => {
    const { dir, shas } = await repository(32, 21);
    const interrupted = await bisectIn(dir, shas[0] as string, shas[32] as string, { BISECT_SEED: '1', FAIL_AT: '40' });
    expect(interrupted.code, interrupted.stderr).toBe(1);
    expect(interrupted.stderr).toContain('failed in');

    const resumed = await bisectIn(dir, shas[0] as string, shas[32] as string, { BISECT_SEED: '1' });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming from 39 recorded runs');
    expect(resumed.stdout).toContain(`culprit ${shas[21]} change 21`);
    const result = JSON.parse(await readFile(resumed.json, 'utf8')) as BisectResult & { commits: Array<{ sha: string }> };
    expect(result.culprits.map((culprit) => culprit.commit)).toEqual([shas[21]]);
    expect(result.rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(32)) + 2);
    const change = result.culprits[0]?.changes[0]?.test;
    expect(change?.low).toBeLessThan(0.1);
    expect(change?.high).toBeGreaterThan(0.1);
    // Its checkouts are gone; its runs stay, each of the commit it measured.
    expect(await simpleGit({ baseDir: dir }).raw(['worktree', 'list'])).not.toContain('checkouts');
  });

  it('says there is no change across a range with no step, and exits 1', async () => {
    const { dir, shas } = await repository(8, null);
    const run = await bisectIn(dir, shas[0] as string, shas[8] as string, { BISECT_SEED: '2' });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('no change across this range');
  });

  it('refuses a range the wrong way round, naming the fix', async () => {
    const { dir, shas } = await repository(2, null);
    const run = await bisectIn(dir, shas[2] as string, shas[0] as string, { BISECT_SEED: '3' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an ancestor of --bad');
  });
});
