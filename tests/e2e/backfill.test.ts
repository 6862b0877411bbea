/**
 * `npm run backfill` on a real git repository: the suites as each past commit has them, run in a worktree
 * and recorded at the commit's time, so that a suite added today gets a history; a second backfill adds none.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/lib/store/record.ts';
import { runScript, tempDir } from '../helpers.ts';

/** A suite whose one metric is the commit's `work.txt` number, so each recorded run says which commit it measured. */
const SUITE = `import { readFileSync } from 'node:fs';
export default {
  name: 'tiny',
  description: 'reads the amount of work of its commit',
  metrics: { work: { unit: 's', direction: 'lower', description: 'the commit\\'s work.txt, as seconds' } },
  samples: { quick: 2, standard: 2, comprehensive: 2 },
  async setup() { return Number(readFileSync(new URL('../work.txt', import.meta.url), 'utf8')); },
  async sample(work) { return { work }; },
};
`;

describe('npm run backfill', () => {
  it("runs today's suites on each of 10 past commits since a date, each recorded at its commit and its commit time; a second backfill records none", async () => {
    const repo = await tempDir('perfsite-backfill-repo-');
    const git = simpleGit({ baseDir: repo });
    await git.init(['--quiet', '--initial-branch=main']);
    await git.addConfig('user.name', 'perfsite test').addConfig('user.email', 'test@example.invalid');
    await writeFile(path.join(repo, '.gitignore'), '/data/\n');
    // One commit before the range, then 10 in it, a day apart, each with its own amount of work.
    const commits: Array<{ sha: string; time: string }> = [];
    for (let day = 0; day <= 10; day++) {
      await writeFile(path.join(repo, 'work.txt'), String(day / 1000));
      await git.add('.');
      const time = `2026-10-${String(day + 1).padStart(2, '0')}T12:00:00Z`;
      // simple-git refuses to pass git's date variables: the commit is made with git itself.
      execFileSync('git', ['commit', '--quiet', '-m', `day ${day}`], {
        cwd: repo,
        env: { ...process.env, GIT_COMMITTER_DATE: time, GIT_AUTHOR_DATE: time },
      });
      commits.push({ sha: (await git.revparse(['HEAD'])).trim(), time });
    }
    // The suite is added today, not yet committed: no past commit has it.
    await mkdir(path.join(repo, 'bench'));
    await writeFile(path.join(repo, 'bench', 'tiny.suite.mts'), SUITE);
    const env = { PERFORMANCE_PLATFORM: 'backfill-machine', BENCHMARK_MODE: 'quick' };
    const data = path.join(repo, 'data');

    const first = await runScript('scripts/backfill.ts', ['--since', '2026-10-02', '--data', data], { cwd: repo, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('10 runs recorded');
    const records: RunRecord[] = [];
    for (const month of await readdir(path.join(data, 'runs'))) {
      for (const file of await readdir(path.join(data, 'runs', month))) {
        records.push(JSON.parse(await readFile(path.join(data, 'runs', month, file), 'utf8')) as RunRecord);
      }
    }
    const measured = records
      .map((record) => ({
        commit: record.git?.commit,
        branch: record.git?.branch,
        time: record.timestamp,
        type: record.runType,
        work: record.metrics[0]?.value,
      }))
      .sort((a, b) => a.time.localeCompare(b.time));
    expect(measured).toEqual(
      commits.slice(1).map((commit, index) => ({
        commit: commit.sha,
        branch: 'main',
        time: new Date(commit.time).toISOString(),
        type: 'backfill',
        work: (index + 1) / 1000,
      })),
    );

    const second = await runScript('scripts/backfill.ts', ['--since', '2026-10-02', '--data', data], { cwd: repo, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('10 already recorded, 0 to measure');
    expect(await git.raw(['worktree', 'list'])).not.toContain(path.join('.cache', 'backfill'));
  });
});
