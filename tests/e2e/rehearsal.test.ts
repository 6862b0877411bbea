import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { pushHistory, restoreHistory } from '../../src/lib/store/history-branch.ts';
import { appendRun } from '../../src/lib/store/store.ts';
import { startFakeGitHub } from '../github-api-fake.ts';
import { childEnv, makeRecord, PROJECT_ROOT, projectWithRemote, regressedMetrics, runScript, tempDir } from '../helpers.ts';
import { rehearseJob } from '../workflow-rehearsal.ts';

describe('npm run rehearse:nightly', () => {
  // It rehearses the committed state of this project (a fresh clone of HEAD), as CI would run it.
  it('restores the history, benchmarks, appends, pushes to the stand-in remote and builds the site', async () => {
    const work = await tempDir('perfsite-rehearsal-');
    const result = await runScript('scripts/rehearse-nightly.ts', ['--work', work, '--mode', 'quick']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('-- Open or update regression issues: skipped (needs the GitHub API)');
    expect(result.stdout).toMatch(/-- Build the site\n/);
    // This project's config gives bisect no runs: the step runs, and says so.
    expect(result.stdout).toMatch(/-- Bisect open regressions\n[\s\S]*bisect\.runsPerNight is 0/);

    const remote = path.join(work, 'remote.git');
    const files = (await simpleGit({ baseDir: remote }).raw(['ls-tree', '-r', '--name-only', 'perf-history'])).trim().split('\n');
    const records = files.filter((file) => /^runs\/\d{4}-\d{2}\/[^/]+\.json$/.test(file));
    expect(records).toHaveLength(1);
    const runId = path.basename(records[0] ?? '', '.json');
    const site = path.join(work, 'checkout', 'dist');
    expect(await readdir(path.join(site, 'runs'))).toEqual([runId]);
    expect((await readdir(site)).sort()).toEqual(expect.arrayContaining(['index.html', 'platforms', 'regressions.xml', 'runs']));
    // A whole night (benchmarks, push, build) waits for its processes to exit; this only caps a hang.
  }, 900_000);
});

describe("the nightly publish job's take-over", () => {
  it('refuses a forged hand-over whole: nothing pushed, no issue opened', async () => {
    // This project at HEAD as the publish job checks it out, its dependencies those installed here.
    // The history as it stands: one run, pushed by an earlier night to the project's remote.
    const { remote, repo: seeded } = await projectWithRemote();
    const workspace = path.join(await tempDir('perfsite-publish-'), 'checkout');
    await simpleGit().clone(PROJECT_ROOT, workspace);
    await simpleGit({ baseDir: workspace }).remote(['set-url', 'origin', remote]);
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(workspace, 'node_modules'), 'dir');
    const history = { repo: seeded, dir: path.join(seeded, '.perf-history'), remote: 'origin', branch: 'perf-history' };
    await restoreHistory(history);
    await appendRun(history.dir, makeRecord({}, new Date('2026-11-20T02:00:00Z')));
    await pushHistory({ ...history, message: 'an earlier night' });
    const before = await simpleGit({ baseDir: remote }).revparse(['perf-history']);

    // What a compromised install script in the benchmark job could have handed over.
    const artifacts = await tempDir('perfsite-artifacts-');
    const handover = path.join(artifacts, 'nightly-handover');
    const good = makeRecord({}, new Date('2026-11-21T02:00:00Z'));
    await mkdir(path.join(handover, 'history', 'runs', '2026-11'), { recursive: true });
    await writeFile(path.join(handover, 'history', 'runs', '2026-11', `${good.id}.json`), JSON.stringify(good));
    await writeFile(path.join(handover, 'history', 'runs', '2026-11', 'not-a-record.json'), '{"hello": "world"}');
    await writeFile(path.join(handover, 'history', 'baselines.json'), '"garbage"');
    await mkdir(path.join(handover, 'reports'));
    await writeFile(
      path.join(handover, 'reports', 'report.json'),
      JSON.stringify({
        reportVersion: 1,
        run: { runId: 'run-1', platform: 'P1', gitCommit: 'x` @bob `y', timestamp: '2026-11-21T02:00:00.000Z' },
        metrics: regressedMetrics(40),
        events: [],
      }),
    );
    const github = await startFakeGitHub('octo/project', 'rehearsal-token');
    try {
      const result = await rehearseJob(path.join(workspace, '.github', 'workflows', 'nightly-benchmark.yml'), 'publish', {
        workspace,
        runnerTemp: await tempDir('perfsite-runner-'),
        artifacts,
        actions: {},
        event: {
          name: 'schedule',
          payload: {},
          ref: 'refs/heads/main',
          sha: (await simpleGit({ baseDir: workspace }).revparse(['HEAD'])).trim(),
        },
        env: childEnv({ GITHUB_REPOSITORY: 'octo/project', GITHUB_API_URL: github.url }),
        skip: [{ run: /^npm ci /, why: "this project's dependencies are installed" }],
      });
      expect(result.code).toBe(1);
      expect(await simpleGit({ baseDir: remote }).revparse(['perf-history'])).toBe(before);
      expect(github.issues).toEqual([]);
    } finally {
      github.close();
    }
  }, 300_000);
});
