import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { handOverChanges, pushHistory, restoreHistory } from '../../src/lib/store/history-branch.ts';
import { appendRun } from '../../src/lib/store/store.ts';
import { makeRecord, projectWithRemote, runCommand, tempDir } from '../helpers.ts';

/** A bare repository standing in for GitHub, and two clones of the project (two CI jobs). */
async function setup() {
  const { remote, repo } = await projectWithRemote();
  const second = path.join(await tempDir('perfsite-clone-'), 'b');
  await simpleGit().clone(remote, second);
  return { remote, clones: [repo, second] };
}

async function branchFiles(remote: string, branch: string): Promise<string[]> {
  const listing = await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', branch]);
  return listing.trim().split('\n').filter(Boolean).sort();
}

describe('the history branch', () => {
  it('starts on first use, and two writers pushing at once both land their runs without a force push', async () => {
    const { remote, clones } = await setup();
    const options = (repo: string) => ({ repo, dir: path.join(repo, '.perf-history'), remote: 'origin', branch: 'perf-history' });

    expect(await restoreHistory(options(clones[0] as string))).toEqual({ existed: false });
    const first = await appendRun(options(clones[0] as string).dir, makeRecord({}, new Date('2026-11-20T02:00:00Z')));
    expect((await pushHistory({ ...options(clones[0] as string), message: 'nightly run' })).pushed).toBe(true);
    // Only the facts travel: the Parquet index is rebuilt after a restore.
    expect(await branchFiles(remote, 'perf-history')).toEqual(['.gitignore', path.join('runs', '2026-11', `${first.record.id}.json`)]);

    // Two jobs restore the same state, each records a run, and they push at the same moment.
    for (const clone of clones) expect(await restoreHistory(options(clone))).toEqual({ existed: true });
    const runs = await Promise.all(
      clones.map((clone, index) => appendRun(options(clone).dir, makeRecord({}, new Date(`2026-11-2${index + 1}T02:00:00Z`)))),
    );
    const outcomes = await Promise.all(clones.map((clone) => pushHistory({ ...options(clone), message: 'nightly run' })));
    expect(outcomes.every((outcome) => outcome.pushed)).toBe(true);
    expect(outcomes.map((outcome) => outcome.attempts).sort()).toEqual([1, 2]);
    expect(await branchFiles(remote, 'perf-history')).toEqual(
      ['.gitignore', ...[first, ...runs].map((run) => path.join('runs', run.record.timestamp.slice(0, 7), `${run.record.id}.json`))].sort(),
    );
    // Nothing was rewritten: the first push is an ancestor of the branch.
    const log = await simpleGit({ baseDir: remote }).raw(['log', '--format=%s', 'perf-history']);
    expect(log.trim().split('\n')).toEqual(['nightly run', 'nightly run', 'nightly run', 'Start the performance history']);

    // A restore brings every run back, and nothing new means nothing to push.
    await restoreHistory(options(clones[0] as string));
    expect((await readdir(path.join(options(clones[0] as string).dir, 'runs', '2026-11'))).length).toBe(3);
    expect((await pushHistory({ ...options(clones[0] as string), message: 'nothing' })).pushed).toBe(false);
  });

  it('keeps the other writer’s baselines when both changed them, and says so', async () => {
    const { remote, clones } = await setup();
    const options = (repo: string) => ({ repo, dir: path.join(repo, '.perf-history'), remote: 'origin', branch: 'perf-history' });
    await restoreHistory(options(clones[0] as string));
    await pushHistory({ ...options(clones[0] as string), message: 'start' });
    for (const clone of clones) await restoreHistory(options(clone));
    await writeFile(path.join(options(clones[0] as string).dir, 'baselines.json'), '{"from": "a"}\n');
    await appendRun(options(clones[1] as string).dir, makeRecord());
    await writeFile(path.join(options(clones[1] as string).dir, 'baselines.json'), '{"from": "b"}\n');
    await pushHistory({ ...options(clones[0] as string), message: 'baselines from a' });
    const outcome = await pushHistory({ ...options(clones[1] as string), message: 'run and baselines from b' });
    expect(outcome).toMatchObject({ pushed: true, attempts: 2, dropped: ['baselines.json'] });
    const remoteGit = simpleGit({ baseDir: remote });
    expect(await remoteGit.raw(['show', 'perf-history:baselines.json'])).toBe('{"from": "a"}\n');
    expect((await branchFiles(remote, 'perf-history')).filter((file) => file.startsWith('runs'))).toHaveLength(1);
    expect(await readFile(path.join(options(clones[1] as string).dir, 'baselines.json'), 'utf8')).toBe('{"from": "a"}\n');
  });

  it('never takes an unreachable remote for a missing branch, and can insist on an existing history', async () => {
    const { clones } = await setup();
    const repo = clones[0] as string;
    const dir = path.join(repo, '.perf-history');
    await expect(restoreHistory({ repo, dir, remote: 'origin', branch: 'perf-history', requireExisting: true })).rejects.toThrow(
      /origin has no perf-history branch yet/,
    );
    await expect(restoreHistory({ repo, dir, remote: 'nowhere', branch: 'perf-history' })).rejects.toThrow(/cannot read nowhere/);
  });

  it('refuses a branch name that could be read as an option or a path outside refs', async () => {
    await expect(restoreHistory({ repo: '.', dir: '/tmp/x', remote: 'origin', branch: '--upload-pack=evil' })).rejects.toThrow(
      /not a usable branch name/,
    );
    await expect(restoreHistory({ repo: '.', dir: '/tmp/x', remote: 'origin', branch: 'a/../../b' })).rejects.toThrow(
      /not a usable branch name/,
    );
  });

  it('hands a night over from the job that benchmarked to the job that pushes, with the token on no disk', async () => {
    const { remote, clones } = await setup();
    const token = 'ghs_not-a-real-token';
    const [benchmarker, publisher] = clones as [string, string];
    const options = (repo: string) => ({ repo, dir: path.join(repo, '.perf-history'), remote: 'origin', branch: 'perf-history', token });
    await restoreHistory(options(benchmarker));
    const run = await appendRun(options(benchmarker).dir, makeRecord({}, new Date('2026-11-20T02:00:00Z')));
    await writeFile(path.join(options(benchmarker).dir, 'baselines.json'), '{}\n');
    const handover = await tempDir('perfsite-handover-');
    const handed = await handOverChanges(options(benchmarker).dir, handover);
    expect(handed.sort()).toEqual(['baselines.json', `runs/2026-11/${run.record.id}.json`]);

    await restoreHistory(options(publisher));
    const takeOver = (from: string) => runCommand('scripts/history.ts', ['take-over', '--from', from, '--dir', options(publisher).dir]);
    const taken = await takeOver(handover);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toContain(`took over 2 files into ${options(publisher).dir}`);
    expect((await pushHistory({ ...options(publisher), message: 'nightly run' })).pushed).toBe(true);
    expect(await branchFiles(remote, 'perf-history')).toEqual([
      '.gitignore',
      'baselines.json',
      path.join('runs', '2026-11', `${run.record.id}.json`),
    ]);
    for (const repo of clones) {
      const config = await readFile(path.join(repo, '.git', 'config'), 'utf8');
      expect(config).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
      expect(config).not.toContain('extraheader');
    }
    // A hand-over holds only run records and baselines.json, and never rewrites a record.
    const rewritten = await tempDir('perfsite-handover-');
    await mkdir(path.join(rewritten, 'runs', '2026-11'), { recursive: true });
    await writeFile(
      path.join(rewritten, 'runs', '2026-11', `${run.record.id}.json`),
      JSON.stringify({ ...run.record, mode: 'comprehensive' }),
    );
    expect((await takeOver(rewritten)).stderr).toMatch(/already in the history with other contents/);
    const sneaky = await tempDir('perfsite-handover-');
    await writeFile(path.join(sneaky, 'package.json'), '{}');
    expect((await takeOver(sneaky)).stderr).toMatch(/is not a run record, baselines.json, triage.json or culprits.json/);
  });

  it('refuses a forged hand-over whole, with every file checked as a local write is', async () => {
    const { clones } = await setup();
    const [publisher] = clones as [string];
    const dir = path.join(publisher, '.perf-history');
    await restoreHistory({ repo: publisher, dir, remote: 'origin', branch: 'perf-history' });
    const forged = await tempDir('perfsite-handover-');
    const good = makeRecord({}, new Date('2026-11-20T02:00:00Z'));
    await mkdir(path.join(forged, 'runs', '2026-11'), { recursive: true });
    await writeFile(path.join(forged, 'runs', '2026-11', `${good.id}.json`), JSON.stringify(good));
    // What a compromised install script in the benchmarking job could leave behind.
    await writeFile(path.join(forged, 'runs', '2026-11', 'not-a-record.json'), '{"hello": "world"}');
    await writeFile(
      path.join(forged, 'runs', '2026-11', 'other-name.json'),
      JSON.stringify(makeRecord({}, new Date('2026-11-21T02:00:00Z'))),
    );
    await writeFile(path.join(forged, 'baselines.json'), '"garbage"');
    await writeFile(path.join(forged, 'triage.json'), '{"e-x": {"state": "ignored"}}');
    await writeFile(path.join(forged, 'culprits.json'), '{"e-x": {"commit": "$(rm -rf ~)", "by": "bisect"}}');
    const refused = await runCommand('scripts/history.ts', ['take-over', '--from', forged, '--dir', dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('was refused whole, nothing was taken over');
    for (const file of ['runs/2026-11/not-a-record.json', 'runs/2026-11/other-name.json', 'baselines.json', 'triage.json', 'culprits.json'])
      expect(refused.stderr).toContain(`  ${file}: `);
    expect(refused.stderr).not.toContain(`${good.id}.json: `);
    // Nothing landed, the good record included.
    expect((await readdir(dir)).sort()).toEqual(['.git', '.gitignore']);
  });
});
