/**
 * The answer to "which commit made what slower, where", in Chromium, on a generated 4-platform history:
 * the regressions page's first screen shows the step every platform took at one commit as one event with
 * its commit message, and the event page, the feed, the issue text, npm run regressions and check agree.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticServer } from '../../../scripts/static-server.ts';
import type { GitHubApi } from '../../../src/lib/github/github-api.ts';
import { type ReportForIssues, reportForIssuesSchema, reportRegressionIssues } from '../../../src/lib/github/regression-issues.ts';
import { appendRuns } from '../../../src/lib/store/store.ts';
import { eventHistory, PLATFORMS, RUNS, STEP_MESSAGE, STEP_RUN } from '../../fixtures/event-history.ts';
import { runScript } from '../../helpers.ts';
import { type BuiltSite, buildAndServe, chromiumHere } from './built-site.ts';

let browser: Browser;
let server: StaticServer;
let data: string;
let out: string;
let site: BuiltSite | undefined;
/** The event's id: the first run after the step (P1's run, an hour before P2's). */
let stepId: string;
let records: ReturnType<typeof eventHistory>;

beforeAll(async () => {
  if (!chromiumHere) return;
  data = await mkdtemp(path.join(tmpdir(), 'perfsite-events-'));
  records = eventHistory();
  await appendRuns(data, records);
  stepId = `e-${records[STEP_RUN]?.git?.commit.slice(0, 12)}-r`;
  site = await buildAndServe(data);
  ({ browser, server, out } = site);
});

afterAll(async () => {
  await site?.close(data);
});

describe.skipIf(!chromiumHere)('a step every platform took at one commit', () => {
  it('is one event on the first screen of the regressions page, with its commit message, and on its own page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.origin}/regressions/`);
    const event = page.locator('ol.events > li', { has: page.locator(`a[href="/events/${stepId}/"]`) });
    await expect(event.count()).resolves.toBe(1);
    const box = await event.boundingBox();
    expect(box && box.y + box.height).toBeLessThan(800);
    const text = (await event.textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain(STEP_MESSAGE);
    expect(text).toMatch(/\+3\d\.\d% demo \/ m0 on P\d and 3 more platforms/);
    // Its page: the four series, the commit, and a chart of each around the change.
    await page.click(`a[href="/events/${stepId}/"]`);
    await page.waitForURL(`**/events/${stepId}/`);
    const rows = await page.locator('table tbody tr').allTextContents();
    expect(rows.map((row) => row.match(/P\d/)?.[0]).sort()).toEqual(PLATFORMS);
    expect(rows.every((row) => row.includes('demo / m0'))).toBe(true);
    await expect(page.locator('.facts').textContent()).resolves.toContain(STEP_MESSAGE);
    await expect(page.locator('.event-charts figure svg').count()).resolves.toBe(4);
    await page.close();
  });

  it('is the same event in the feed, the issue, npm run regressions and check', async () => {
    const feed = await readFile(path.join(out, 'regressions.xml'), 'utf8');
    expect(feed).toContain(`<id>urn:perfsite:event:${stepId}</id>`);
    expect(feed).toContain(STEP_MESSAGE);

    const regressions = await runScript('scripts/regressions.ts', ['--data', data, '--json']);
    const listed = JSON.parse(regressions.stdout) as Array<{ id: string; series: Array<{ platform: string }> }>;
    expect(
      listed
        .find((event) => event.id === stepId)
        ?.series.map((change) => change.platform)
        .sort(),
    ).toEqual(PLATFORMS);

    const check = await runScript('scripts/check.ts', ['--data', data], { env: { REGRESSION_THRESHOLD: '' } });
    expect(check.stdout).toContain(`part of open event ${stepId}`);

    // The nightly issue, from the JSON report of the latest run on P4, as `npm run github -- issues` opens it.
    const latest = records[PLATFORMS.indexOf('P4') * RUNS + RUNS - 1]?.id ?? '';
    const json = await runScript('scripts/report.ts', ['--data', data, '--run', latest, '--format', 'json']);
    const report: ReportForIssues = reportForIssuesSchema.parse(JSON.parse(json.stdout));
    const posted: Array<{ title: string; body: string }> = [];
    const api: GitHubApi = {
      list: async () => [] as never[],
      request: async <T>(_method: string, _path: string, body?: Record<string, unknown>) => {
        posted.push(body as { title: string; body: string });
        return { number: posted.length, html_url: `https://github.invalid/issues/${posted.length}` } as T;
      },
    };
    await reportRegressionIssues(api, 'octo/project', report, {
      run: 'https://perf.example/runs/x/',
      event: (id) => `https://perf.example/events/${id}/`,
    });
    const issue = posted.find((each) => each.body.includes(`perfsite:event ${stepId}`));
    expect(issue?.title).toMatch(/^Performance regression: demo \/ m0 on P\d \+3\d\.\d%$/);
    expect(issue?.body).toContain(`https://perf.example/events/${stepId}/`);
    expect(issue?.body.match(/^\| P\d \|/gm)).toHaveLength(4);
  });
});
