import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { eventRanges } from '../../src/lib/analysis/bisect-runner.ts';
import type { Culprit } from '../../src/lib/analysis/culprits-file.ts';
import { loadSettings } from '../../src/lib/reports/report-target.ts';
import { shortCommit } from '../../src/lib/shared/short-commit.ts';
import { pushHistory, restoreHistory } from '../../src/lib/store/history-branch.ts';
import { appendRun, appendRuns } from '../../src/lib/store/store.ts';
import { BENCH, BISECT_BENCH, runsAcrossStep } from '../fixtures/bisect-repo.ts';
import { startFakeGitHub } from '../github-api-fake.ts';
import { childEnv, makeRecord, PROJECT_ROOT, projectWithRemote, regressedMetrics, runScript, tempDir } from '../helpers.ts';
import { rehearseJob } from '../workflow-rehearsal.ts';

describe('npm run rehearse:nightly', () => {
  // It rehearses a fresh clone of a project: this one at HEAD, with a benchmark that slows at a known commit of
  // the eight after its last good night, and a history whose nights before and after left a regression open.
  it('restores the history, benchmarks, bisects the open regression within its budget, pushes, and builds a site that names the culprit', async () => {
    const project = path.join(await tempDir('perfsite-rehearsed-'), 'project');
    await simpleGit().clone(PROJECT_ROOT, project, ['--quiet', '--no-hardlinks']);
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    const git = simpleGit({ baseDir: project });
    await git.addConfig('user.name', 'perfsite test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
    const budget = 80;
    await writeFile(path.join(project, 'bench.mjs'), BENCH);
    await writeFile(path.join(project, 'perfsite.config.json'), JSON.stringify({ bisect: { runsPerNight: budget, ...BISECT_BENCH } }));
    const shas: string[] = [];
    for (let index = 0; index <= 8; index++) {
      // 30 % slower from the fifth commit: beyond the 20 % threshold, so the nights saw a regression.
      await writeFile(path.join(project, 'factor.txt'), index >= 5 ? '1.3' : '1');
      await writeFile(path.join(project, 'change.txt'), `change ${index}\n`);
      await git.add('.');
      await git.commit(`rehearsed change ${index}`);
      shas.push((await git.revparse(['HEAD'])).trim());
    }
    // The nights so far, as the stand-in remote's history branch keeps them: ten at the good commit, three at the bad one.
    const remote = path.join(await tempDir('perfsite-rehearsed-remote-'), 'remote.git');
    await simpleGit().init(true, [remote, '--initial-branch=main']);
    await git.addRemote('rehearsal', remote);
    await git.push('rehearsal', 'HEAD:refs/heads/main');
    const history = { repo: project, dir: path.join(project, '.perf-history'), remote: 'rehearsal', branch: 'perf-history' };
    await restoreHistory(history);
    const platform = makeRecord().platform.id;
    await appendRuns(
      history.dir,
      runsAcrossStep(shas[0] as string, shas[8] as string, { before: 10, after: 3, step: 0.3, platform, runType: 'nightly' }),
    );
    await pushHistory({ ...history, message: 'the nights so far' });
    const [event] = await eventRanges(history.dir, await loadSettings(history.dir));
    expect(event).toMatchObject({ good: shas[0], bad: shas[8], open: true, bisected: false });

    const work = await tempDir('perfsite-rehearsal-');
    const result = await runScript('scripts/rehearse-nightly.ts', ['--work', work, '--mode', 'quick', '--remote', remote], {
      cwd: project,
      // The runner of the earlier nights: its open regression is this night's to bisect.
      env: { BISECT_SEED: '11', BISECT_COUNTER: path.join(work, 'bench-count'), PERFORMANCE_PLATFORM: platform },
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('-- Open or update regression issues: skipped (needs the GitHub API)');
    expect(result.stdout).toMatch(/-- Build the site\n/);
    expect(result.stdout).toMatch(/-- Bisect open regressions\n[\s\S]*8 commits, 80 runs left to spend/);
    expect(result.stdout).toContain(`culprit ${shas[5]} rehearsed change 5`);

    // Pushed: the night's run beside the earlier ones, and the culprit, found within the budget.
    const pushed = simpleGit({ baseDir: remote });
    const files = (await pushed.raw(['ls-tree', '-r', '--name-only', 'perf-history'])).trim().split('\n');
    expect(files.filter((file) => /^runs\/\d{4}-\d{2}\/[^/]+\.json$/.test(file))).toHaveLength(14);
    const culprits = JSON.parse(await pushed.show(['perf-history:culprits.json'])) as Record<string, Culprit>;
    const culprit = culprits[event?.id ?? ''];
    expect(culprit).toMatchObject({ commit: shas[5], by: 'bisect' });
    expect(culprit?.runs).toBeLessThanOrEqual(budget);

    // The site the night built names it on the event's page, with the probes' chart.
    const page = await readFile(path.join(work, 'checkout', 'dist', 'events', event?.id ?? '', 'index.html'), 'utf8');
    expect(page).toMatch(/<dt[^>]*>culprit<\/dt>/);
    expect(page).toContain(shortCommit(shas[5] as string));
    expect(page).toContain('as bisect measured it');
    // A whole night (benchmarks, bisect, push, build) waits for its processes to exit; this only caps a hang.
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
