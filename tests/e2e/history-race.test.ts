/**
 * Many writers pushing the history branch at once, as a burst of CI jobs does: 8 writers in each of 4 rounds,
 * 5 runs each. Every run lands, none is pushed twice, and nothing is force-pushed.
 */
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { expect, it } from 'vitest';
import { pushHistory, restoreHistory } from '../../src/lib/store/history-branch.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { makeRecord, projectWithRemote, tempDir } from '../helpers.ts';

const WRITERS = 8;
const ROUNDS = 4;
const RUNS_EACH = 5;

it(`${WRITERS} writers × ${ROUNDS} rounds push every run to the history branch`, async () => {
  const { remote } = await projectWithRemote();
  const clones = await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      const clone = path.join(await tempDir('perfsite-race-'), `writer-${writer}`);
      await simpleGit().clone(remote, clone);
      return clone;
    }),
  );
  const options = (repo: string) => ({ repo, dir: path.join(repo, '.perf-history'), remote: 'origin', branch: 'perf-history' });
  let attempts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes = await Promise.all(
      clones.map(async (clone, writer) => {
        await restoreHistory(options(clone));
        const at = (run: number) => new Date(Date.UTC(2026, 10, 1 + round, writer, run));
        await appendRuns(
          options(clone).dir,
          Array.from({ length: RUNS_EACH }, (_, run) => makeRecord({}, at(run))),
        );
        return pushHistory({ ...options(clone), message: `round ${round} writer ${writer}` });
      }),
    );
    expect(outcomes.every((outcome) => outcome.pushed)).toBe(true);
    attempts += outcomes.reduce((sum, outcome) => sum + outcome.attempts, 0);
  }
  const files = (await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', 'perf-history']))
    .split('\n')
    .filter((file) => /^runs\/.+\.json$/.test(file));
  expect(files).toHaveLength(WRITERS * ROUNDS * RUNS_EACH);
  // They did collide, and were rebased rather than forced: one commit per push, and the first one still there.
  expect(attempts).toBeGreaterThan(WRITERS * ROUNDS);
  const subjects = (await simpleGit({ baseDir: remote }).raw(['log', '--format=%s', 'perf-history'])).trim().split('\n');
  expect(subjects.filter((subject) => subject.startsWith('round '))).toHaveLength(WRITERS * ROUNDS);
}, 600_000);
