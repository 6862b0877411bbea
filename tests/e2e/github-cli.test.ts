import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { micromark } from 'micromark';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/lib/github/pr-comment.ts';
import { MAX_NEW_ISSUES_A_NIGHT, REGRESSION_LABEL, seriesKey } from '../../src/lib/github/regression-issues.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { type FakeGitHub, startFakeGitHub } from '../github-api-fake.ts';
import { HOSTILE_TEXT, makeRecord, regressedMetrics, runScript, tempDir } from '../helpers.ts';

const REPOSITORY = 'octo/project';
const TOKEN = 'test-token';
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const github = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runScript('scripts/github.ts', args, {
    env: { GITHUB_REPOSITORY: REPOSITORY, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: fake?.url ?? 'http://127.0.0.1:9', ...env },
  });

describe('npm run github -- comment', () => {
  it('posts one report comment and updates it on every push, found among other comments on any page', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    for (const [index, body] of ['LGTM', 'please rebase', `mentions ${REPORT_MARKER} in the middle`].entries()) {
      fake.comments.push({ id: index + 1, issue: 7, body, user: 'a-reviewer' });
    }
    const dir = await tempDir();
    const report = path.join(dir, 'report.md');
    await writeFile(report, '## Performance report\n\nfirst push\n');
    const first = await github(['comment', '--pr', '7', '--body-file', report]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^created https:\/\/github\.invalid\/octo\/project\/issues\/7#issuecomment-\d+/);

    await writeFile(report, '## Performance report\n\nsecond push\n');
    const second = await github(['comment', '--pr', '7', '--body-file', report]);
    expect(second.stdout).toMatch(/^updated /);
    const ours = fake.comments.filter((comment) => comment.body.startsWith(REPORT_MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(`${REPORT_MARKER}\n## Performance report\n\nsecond push\n`);
    expect(fake.comments).toHaveLength(4);
    // The comment list was read page by page, always with the token.
    expect(fake.requests.filter((request) => request.method === 'GET' && request.path.includes('page=2')).length).toBeGreaterThan(0);
    expect(fake.requests.every((request) => request.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it('posts only to the pull request whose head is the commit the report was made on', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    fake.pulls.set(7, 'a'.repeat(40));
    fake.pulls.set(8, 'b'.repeat(40));
    const dir = await tempDir();
    const report = path.join(dir, 'report.md');
    await writeFile(report, 'report of commit aaaa');
    // An artifact naming pull request 8 for a report made on 7's head: refused, nothing posted.
    const forged = await github(['comment', '--pr', '8', '--body-file', report, '--head-sha', 'a'.repeat(40)]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/pull request #8 is at bbbbbbbbbb, not aaaaaaaaaa/);
    expect(fake.comments).toEqual([]);
    // The number comes from a file in the artifact, as pr-comment.yml passes it.
    await writeFile(path.join(dir, 'pr-number'), '7\n');
    const genuine = await github([
      'comment',
      '--pr-file',
      path.join(dir, 'pr-number'),
      '--body-file',
      report,
      '--head-sha',
      'a'.repeat(40),
    ]);
    expect(genuine.code, genuine.stderr).toBe(0);
    expect(fake.comments.map((comment) => comment.issue)).toEqual([7]);
    // As pr-comment.yml passes both: the number GitHub gives for the run wins over the artifact's file…
    const asTheWorkflow = (fromEvent: string) =>
      github(['comment', '--pr', fromEvent, '--pr-file', path.join(dir, 'pr-number'), '--body-file', report, '--head-sha', 'a'.repeat(40)]);
    expect((await asTheWorkflow('8')).stderr).toMatch(/pull request #8 is at bbbbbbbbbb/);
    // …and a fork's run, which GitHub names no pull request for, falls back to the file.
    const fromFile = await asTheWorkflow('');
    expect(fromFile.code, fromFile.stderr).toBe(0);
  });

  it('refuses a report for a pull request from a fork at the same commit as another pull request', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    const sha = 'c'.repeat(40);
    fake.pulls.set(7, { sha, repository: REPOSITORY, branch: 'speed-up' });
    fake.pulls.set(9, { sha, repository: 'mallory/project', branch: 'speed-up' });
    const dir = await tempDir();
    const report = path.join(dir, 'report.md');
    await writeFile(report, 'a forged report');
    // As pr-comment.yml calls it: the pull request, the report, and the head the workflow run was made on.
    const comment = (pr: string, repository: string, branch: string) =>
      github(['comment', '--pr', pr, '--body-file', report, '--head-sha', sha, '--head-repo', repository, '--head-branch', branch]);
    // The workflow run was made on mallory's fork; its artifact names pull request 7, which has the same commit.
    const forged = await comment('7', 'mallory/project', 'speed-up');
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/pull request #7 comes from "octo\/project", not "mallory\/project"/);
    const otherBranch = await comment('7', REPOSITORY, 'main');
    expect(otherBranch.code).toBe(1);
    expect(otherBranch.stderr).toMatch(/pull request #7 is branch "speed-up", not "main"/);
    expect(fake.comments).toEqual([]);
    const genuine = await comment('9', 'mallory/project', 'speed-up');
    expect(genuine.code, genuine.stderr).toBe(0);
    expect(fake.comments.map((comment) => comment.issue)).toEqual([9]);
  });

  it('never edits a marked comment someone else wrote, only its own', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    const planted = `${REPORT_MARKER}\n## Performance report\n\nAll good, merge it.`;
    fake.comments.push({ id: 1, issue: 7, body: planted, user: 'mallory' });
    const dir = await tempDir();
    const report = path.join(dir, 'report.md');
    await writeFile(report, '## Performance report\n\n1 regression\n');
    const first = await github(['comment', '--pr', '7', '--body-file', report]);
    expect(first.stdout).toMatch(/^created /);
    expect(fake.comments.find((comment) => comment.id === 1)?.body).toBe(planted);
    await writeFile(report, '## Performance report\n\n2 regressions\n');
    expect((await github(['comment', '--pr', '7', '--body-file', report])).stdout).toMatch(/^updated /);
    expect(fake.comments.map((comment) => [comment.user, comment.body.split('\n').at(-2)])).toEqual([
      ['mallory', ''],
      ['github-actions[bot]', '2 regressions'],
    ]);
    // A personal token is whoever GET /user says: its comments, not the Actions bot's, are its own.
    fake.tokenUser = 'perf-bot';
    expect((await github(['comment', '--pr', '7', '--body-file', report])).stdout).toMatch(/^created /);
    expect(fake.comments.filter((comment) => comment.user === 'perf-bot')).toHaveLength(1);
  });

  it('rides out a flaky network and a secondary rate limit, and gives up with a clear message', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    const dir = await tempDir();
    const report = path.join(dir, 'report.md');
    await writeFile(report, 'report');
    const quick = { PERFSITE_GITHUB_RETRY_BASE_MS: '10' };
    fake.failNext(2, 502, { message: 'Bad Gateway' });
    const flaky = await github(['comment', '--pr', '7', '--body-file', report], quick);
    expect(flaky.code, flaky.stderr).toBe(0);
    expect(fake.comments).toHaveLength(1);
    // GitHub's secondary rate limit: 403 with Retry-After; the throttling plugin waits and tries again.
    fake.failNext(
      1,
      403,
      { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      { 'retry-after': '1' },
    );
    const limited = await github(['comment', '--pr', '7', '--body-file', report], quick);
    expect(limited.code, limited.stderr).toBe(0);
    const before = fake.requests.length;
    fake.failNext(100, 502, { message: 'Bad Gateway' });
    const down = await github(['comment', '--pr', '7', '--body-file', report], quick);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/failed: HTTP 502/);
    // The first request (who the token is) gives up quietly; the next is tried 1 + 3 times, then the command stops.
    expect(fake.requests.length - before).toBeGreaterThanOrEqual(4);
  });

  it('explains a missing token, a bad repository and a refused request', async () => {
    const missing = await github(['comment', '--pr', '7', '--body-file', 'x'], { GITHUB_TOKEN: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('GITHUB_TOKEN is not set');
    const bad = await github(['comment', '--pr', '7', '--body-file', 'x'], { GITHUB_REPOSITORY: '../etc' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('GITHUB_REPOSITORY must be owner/name');
    fake = await startFakeGitHub(REPOSITORY, 'another-token');
    const dir = await tempDir();
    await writeFile(path.join(dir, 'r.md'), 'report');
    const refused = await github(['comment', '--pr', '7', '--body-file', path.join(dir, 'r.md')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 401/);
    expect(refused.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('npm run github -- issues', () => {
  it('opens one issue per regressed metric and comments on the open one instead of a duplicate', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    const data = await tempDir();
    // Five steady runs, then one where two metrics got 50 % slower (one with a hostile name).
    const records = [1, 1, 1, 1, 1, 1.5].map((value, index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 10, 1 + index)));
      record.metrics = [
        { suite: 'demo', name: 'latency', value, unit: 's', direction: 'lower' },
        { suite: 'demo', name: `${HOSTILE_TEXT} -->`, value, unit: 's', direction: 'lower' },
        { suite: 'demo', name: 'steady', value: 1, unit: 's', direction: 'lower' },
      ];
      return record;
    });
    await appendRuns(data, records);
    const dir = await tempDir();
    const reportFile = path.join(dir, 'report.json');
    const report = await runScript('scripts/report.ts', ['--data', data, '--format', 'json', '--output', reportFile], {
      env: { REGRESSION_THRESHOLD: '' },
    });
    expect(report.code, report.stderr).toBe(0);
    // Here the regressions are series no event explains (a report without events): one issue each.
    const written = JSON.parse(await readFile(reportFile, 'utf8'));
    await writeFile(reportFile, JSON.stringify({ ...written, events: [] }));

    // An issue for the latency regression is already open (with another title, and a closed one beside it).
    const platform = records[5]?.platform.id ?? '';
    fake.issues.push(
      {
        number: 1,
        title: 'renamed by a maintainer',
        body: `${seriesKey({ platform, suite: 'demo', metric: 'latency' })}\nold`,
        labels: [REGRESSION_LABEL],
        state: 'open',
      },
      {
        number: 2,
        title: 'old one',
        body: seriesKey({ platform, suite: 'demo', metric: `${HOSTILE_TEXT} -->` }),
        labels: [REGRESSION_LABEL],
        state: 'closed',
      },
    );
    const first = await github(['issues', '--report', reportFile]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^commented https:\/\/github\.invalid\/octo\/project\/issues\/1 /m);
    expect(first.stdout).toMatch(/^opened https:\/\/github\.invalid\/octo\/project\/issues\/\d+ /m);
    const opened = fake.issues.filter((issue) => issue.state === 'open' && issue.number > 2);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.labels).toEqual([REGRESSION_LABEL]);
    // The hostile name cannot close the hidden key early, nor become markup in the body.
    expect(opened[0]?.body.split('\n')[0]).toMatch(/^<!-- perfsite:regression [^>]*%3E -->$/);
    expect(opened[0]?.body).not.toContain('<img');
    // As GitHub renders it: the numbers read plainly.
    expect(micromark(fake.comments.filter((comment) => comment.issue === 1)[0]?.body ?? '')).toContain(
      `Still regressed: 1.5 s against a baseline of 1 s (+50.0%) in <a href="https://octo.github.io/project/runs/${records[5]?.id}/">run`,
    );

    // The next night, the same regressions: comments only, no new issue.
    const second = await github(['issues', '--report', reportFile, '--site-url', 'https://perf.example.org']);
    expect(second.stdout.match(/^commented/gm)).toHaveLength(2);
    expect(fake.comments.at(-1)?.body).toContain(`https://perf.example.org/runs/${records[5]?.id}/`);
    expect(fake.issues).toHaveLength(3);
  });

  it('opens one issue per regression event, not one per series, and comments on it the next night', async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    const dir = await tempDir();
    const series = ['P1', 'P2', 'P3'].map((platform) => ({
      platform,
      suite: 'demo',
      metric: 'latency',
      unit: 's',
      meanBefore: 1,
      meanAfter: 1.3,
      change: 0.3,
      worse: true,
    }));
    const report = {
      reportVersion: 1,
      run: { runId: 'run-9', platform: 'P1', gitCommit: 'a'.repeat(40), timestamp: '2026-11-30T02:00:00.000Z' },
      metrics: [
        ...series.map((one) => ({ ...one, current: 1.3, baseline: 1, status: 'regression' })),
        { platform: 'P1', suite: 'demo', metric: 'other', unit: 's', current: 2, baseline: 1, change: 1, status: 'regression' },
      ],
      events: [
        {
          id: 'e-run-7',
          toTime: '2026-11-28T02:00:00.000Z',
          series,
          commits: [{ commit: 'b'.repeat(40), message: `${HOSTILE_TEXT} @octocat` }],
          cause: { kind: 'unknown', evidence: 'Only Linux moved, and no machine change is recorded' },
        },
      ],
    };
    const file = path.join(dir, 'report.json');
    await writeFile(file, JSON.stringify(report));
    const first = await github(['issues', '--report', file, '--site-url', 'https://perf.example.org/']);
    expect(first.code, first.stderr).toBe(0);
    // One issue for the event (three series), one for the regression no event explains yet.
    expect(fake.issues.map((issue) => issue.title)).toEqual([
      'Performance regression: demo / latency on P1 +30.0%',
      'Performance regression: demo / other on P1',
    ]);
    const body = fake.issues[0]?.body ?? '';
    expect(body).toContain('<!-- perfsite:event e-run-7 -->');
    expect(body).toContain('https://perf.example.org/events/e-run-7/');
    expect(body.match(/^\| P\d \|/gm)).toHaveLength(3);
    expect(micromark(body)).not.toMatch(/<(img|script|svg)\b/);
    expect(body).not.toMatch(/@octocat/);
    const second = await github(['issues', '--report', file, '--site-url', 'https://perf.example.org/']);
    expect(second.stdout.match(/^commented/gm)).toHaveLength(2);
    expect(fake.issues).toHaveLength(2);
  });

  it("refuses a forged report, and opens at most a night's cap of issues from one that is not", async () => {
    fake = await startFakeGitHub(REPOSITORY, TOKEN);
    const dir = await tempDir();
    const run = { runId: 'run-9', platform: 'P1', gitCommit: 'a'.repeat(40), timestamp: '2026-11-30T02:00:00.000Z' };
    const file = path.join(dir, 'report.json');
    // The commit field, placed between backticks in the issue, made to close the code span and mention someone.
    const forgedEvent = {
      id: 'e-run-7',
      toTime: run.timestamp,
      series: [],
      commits: [{ commit: 'x` @bob `y', message: null }],
      cause: { kind: 'unknown', evidence: 'Only Linux moved, and no machine change is recorded' },
    };
    await writeFile(file, JSON.stringify({ reportVersion: 1, run, metrics: [], events: [forgedEvent] }));
    const forged = await github(['issues', '--report', file]);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toMatch(/is not a perfsite JSON report.*is not a commit hash/);
    await writeFile(file, JSON.stringify({ reportVersion: 1, run: { ...run, gitCommit: '`@bob`' }, metrics: [], events: [] }));
    expect((await github(['issues', '--report', file])).code).toBe(2);
    expect(fake.issues).toEqual([]);

    // More regressions than a night opens (forty in the forged report of issue #29; fewer here, as each issue
    // waits for the API client's pace for writes): the cap's worth tonight, the rest said.
    await writeFile(
      file,
      JSON.stringify({
        reportVersion: 1,
        run,
        metrics: regressedMetrics(MAX_NEW_ISSUES_A_NIGHT + 2),
        events: [],
      }),
    );
    const flood = await github(['issues', '--report', file]);
    expect(flood.code, flood.stderr).toBe(0);
    expect(fake.issues).toHaveLength(MAX_NEW_ISSUES_A_NIGHT);
    expect(flood.stdout.match(/^left out /gm)).toHaveLength(2);
    expect(flood.stdout).toContain(`2 regressions left out: one night opens at most ${MAX_NEW_ISSUES_A_NIGHT} issues`);
  });
});
