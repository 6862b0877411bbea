import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { alternation } from '../../src/lib/analysis/ab-runner.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { runCommand, tempDir } from '../helpers.ts';

const lib = (module: string) => pathToFileURL(path.resolve('src/lib', module)).href;

/** A project whose benchmark really measures: sorting N numbers, with N ten times larger in the second commit. */
async function projectWithSlowerHead(): Promise<{ dir: string; base: string; head: string }> {
  const dir = await tempDir('perfsite-ab-project-');
  const git = simpleGit({ baseDir: dir });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  const bench = (size: number) => `
import { appendRun } from '${lib('store/store.ts')}';
import { buildRunRecord, detectRunContext } from '${lib('store/run-context.ts')}';
const samples = [];
for (let sample = 0; sample < 5; sample++) {
  const numbers = Array.from({ length: ${size} }, (_, i) => (i * 7919) % 10007);
  const start = performance.now();
  numbers.sort((a, b) => a - b);
  samples.push((performance.now() - start) / 1000);
}
samples.sort((a, b) => a - b);
const context = await detectRunContext({ dataDir: process.env.PERFORMANCE_DB_PATH });
const metrics = [{ suite: 'demo', name: 'sort_latency', value: samples[2], unit: 's', direction: 'lower', samples }];
await appendRun(process.env.PERFORMANCE_DB_PATH, buildRunRecord(context, { runType: 'pr', mode: 'quick', metrics }));
`;
  await writeFile(path.join(dir, 'bench.mjs'), bench(20_000));
  await git.add('bench.mjs').commit('sort 20k numbers');
  const base = (await git.revparse(['HEAD'])).trim();
  await writeFile(path.join(dir, 'bench.mjs'), bench(400_000));
  await git.add('bench.mjs').commit('sort 400k numbers');
  const head = (await git.revparse(['HEAD'])).trim();
  return { dir, base, head };
}

const ab = (cwd: string, args: string[]) =>
  runCommand('scripts/ab.ts', [...args, '--install', '', '--', 'node', 'bench.mjs'], { cwd, env: { REGRESSION_THRESHOLD: '' } });

describe('npm run ab', () => {
  it('alternates which side goes first, round by round', () => {
    expect(alternation(3)).toEqual(['base', 'head', 'head', 'base', 'base', 'head']);
  });

  it('benchmarks head against base in alternation on this machine, and fails when head is slower', async () => {
    const { dir, base, head } = await projectWithSlowerHead();
    const out = await tempDir('perfsite-ab-out-');
    const result = await ab(dir, [
      '--base',
      base,
      '--head',
      head,
      '--rounds',
      '3',
      '--out',
      out,
      '--site-url',
      'https://octo.github.io/project/',
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^worse\s+\S+\s+demo\/sort_latency/m);

    // Every run is in the scratch history, in the promised order, each recorded from its own checkout.
    const history = await openHistory(path.join(out, 'data'));
    const runs = await queryRows<{ git_commit: string }>(history.connection, 'SELECT git_commit FROM runs ORDER BY timestamp, run_id');
    history.close();
    expect(runs.map((run) => (run.git_commit === base ? 'base' : run.git_commit === head ? 'head' : 'other'))).toEqual(alternation(3));

    const markdown = await readFile(path.join(out, 'ab.md'), 'utf8');
    expect(markdown).toContain('### ❌ 1 metric worse than the merge base');
    expect(markdown).toMatch(
      /\[demo \/ sort\\?_latency\]\(https:\/\/octo\.github\.io\/project\/metrics\/demo-sort-latency-[0-9a-f]{8}\/\)/,
    );
    const json = JSON.parse(await readFile(path.join(out, 'ab.json'), 'utf8'));
    expect(json).toMatchObject({ base, head, rounds: 3, passed: false });
    const headRun = JSON.parse(await readFile(path.join(out, 'head-run.json'), 'utf8'));
    expect(headRun.git.commit).toBe(head);
    // The checkouts are gone; the project's own working tree is untouched.
    expect((await simpleGit({ baseDir: dir }).raw(['worktree', 'list'])).trim().split('\n')).toHaveLength(1);
    expect((await simpleGit({ baseDir: dir }).status()).isClean()).toBe(true);
  });

  it('passes when head is faster, and explains a commit it cannot find', async () => {
    const { dir, base, head } = await projectWithSlowerHead();
    const out = await tempDir('perfsite-ab-out-');
    const faster = await ab(dir, ['--base', head, '--head', base, '--rounds', '1', '--out', out]);
    expect(faster.code, faster.stderr).toBe(0);
    expect(await readFile(path.join(out, 'ab.md'), 'utf8')).toContain('### ✅ Nothing worse than the merge base; 1 better');
    const missing = await ab(dir, ['--base', 'f'.repeat(40), '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('fetch-depth: 0');
  });
});
