/**
 * The built site in Debian's Chromium, at / and under a base path: every kind of page loads without
 * console errors, shows its charts and tables with and without JavaScript, shows the numbers the
 * analysis core gives, and no internal link is broken.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../../scripts/chromium.ts';
import { type StaticServer, serveStatic } from '../../../scripts/static-server.ts';
import { recentRuns } from '../../../src/lib/analysis/queries.ts';
import { defaultSettings, latestStatuses } from '../../../src/lib/analysis/status.ts';
import { openHistory } from '../../../src/lib/store/history.ts';
import { appendRuns } from '../../../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../../../src/lib/store/synthetic.ts';
import { runScript, siteBuildDir } from '../../helpers.ts';

// A machine without Chromium skips these tests, saying so; CI installs it and requires them.
const chromiumHere = existsSync(CHROMIUM_PATH);
if (!chromiumHere && process.env.PERFSITE_REQUIRE_BROWSER)
  throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)`);
if (!chromiumHere) console.warn(`${CHROMIUM_PATH} not found: skipping the browser tests (apt-get install chromium to run them).`);

let browser: Browser;
let data: string;
const outputs: string[] = [];

beforeAll(async () => {
  if (!chromiumHere) return;
  browser = await launchChromium();
  // Not tempDir(): that one is emptied after each test, and this history serves the whole file.
  data = await mkdtemp(path.join(tmpdir(), 'perfsite-browser-'));
  // Labelled synthetic: generated records on Synthetic_Platform_* ids, with a step to detect at the end.
  await appendRuns(
    data,
    generateSyntheticRecords({ runs: 90, platforms: 3, metrics: 6, metricsPerSuite: 3, step: { fromRun: 87, metric: 1, factor: 1.5 } }),
  );
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([data, ...outputs].map((dir) => rm(dir, { recursive: true, force: true })));
});

async function buildSite(base: string): Promise<string> {
  const out = await siteBuildDir();
  outputs.push(out);
  const result = await runScript('scripts/build.ts', ['--outDir', out], {
    env: { PERFORMANCE_DB_PATH: data, PERFSITE_BASE: base },
  });
  expect(result.code, result.stderr).toBe(0);
  return out;
}

async function crawl(server: StaticServer, base: string, javaScript: boolean) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // Chromium asks for /favicon.ico by itself when it shows the XML feed; the site links its own icon.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  const start = `${server.origin}${base}`;
  const queue = [start];
  const seen = new Set(queue);
  const broken: string[] = [];
  const downloads: string[] = [];
  const explorerLinks: string[] = [];
  const kinds = new Map<string, number>();
  while (queue.length > 0) {
    const url = queue.shift() as string;
    const response = await page.goto(url);
    if (response?.status() !== 200) {
      broken.push(`${url} → ${response?.status()}`);
      continue;
    }
    const kind = new URL(url).pathname.slice(base.length).split('/')[0] || 'overview';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (!(response.headers()['content-type'] ?? '').includes('html')) continue;
    const anchors = await page.$$eval('a[href]', (all) =>
      all.map((anchor) => ({ href: (anchor as HTMLAnchorElement).href, download: anchor.hasAttribute('download') })),
    );
    // Every image (the charts of a platform page) is there, under the base path.
    const images = await page.$$eval('img[src]', (all) => all.map((image) => (image as HTMLImageElement).src));
    for (const src of images) {
      if (seen.has(src)) continue;
      seen.add(src);
      const status = (await page.request.get(src)).status();
      if (status !== 200 || !new URL(src).pathname.startsWith(base)) broken.push(`${src} → ${status}`);
    }
    for (const { href, download } of anchors) {
      const target = new URL(href);
      target.hash = '';
      if (target.origin !== server.origin || seen.has(target.href)) continue;
      seen.add(target.href);
      // A download is fetched, not opened; a prepared query opens the explorer, which has tests of its own.
      if (download) {
        const status = (await page.request.get(target.href)).status();
        if (status !== 200) broken.push(`${target.href} → ${status}`);
        downloads.push(target.pathname);
      } else if (target.pathname === `${base}explore/` && target.search) explorerLinks.push(target.searchParams.get('q') ?? '');
      else queue.push(target.href);
    }
  }
  await context.close();
  return { errors, broken, kinds, seen, downloads, explorerLinks };
}

describe.skipIf(!chromiumHere).each([
  ['/', '/'],
  ['under a base path', '/perfsite-demo/'],
])('the built site %s', (_label, base) => {
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveStatic(await buildSite(base), base);
  });
  afterAll(() => server?.close());

  it('has no broken internal link and no console error, with JavaScript', async () => {
    const { errors, broken, kinds, downloads, explorerLinks } = await crawl(server, base, true);
    expect(broken).toEqual([]);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(kinds)).toMatchObject({
      overview: 1,
      platforms: 3,
      metrics: 6,
      runs: 90,
      regressions: 1,
      about: 1,
      explore: 1,
      'regressions.xml': 1,
    });
    expect(downloads.sort()).toEqual([`${base}data/history.csv.gz`, `${base}data/history.parquet`]);
    // Every run page, platform page and metric page opens the explorer on its own query.
    expect(explorerLinks.length).toBe(90 + 3 + 6);
    expect(explorerLinks.every((query) => query.startsWith('SELECT ') && query.includes('FROM metrics'))).toBe(true);
    // Nothing outside the site was requested (Chromium itself asks the origin for /favicon.ico when it shows the XML feed).
    expect(server.requests.filter((request) => !request.startsWith(base) && request !== '/favicon.ico')).toEqual([]);
  });

  it('shows the statuses the analysis core computes', async () => {
    const history = await openHistory(data);
    const latest = await latestStatuses(history, defaultSettings());
    history.close();
    const regressions = latest.filter((status) => status.status === 'regression');
    expect(regressions.length).toBeGreaterThan(0);
    const page = await browser.newPage();
    await page.goto(`${server.origin}${base}`);
    await expect(page.locator('h2#now').textContent()).resolves.toBe(
      `${regressions.length} latest measurement${regressions.length === 1 ? '' : 's'} beyond the threshold`,
    );
    expect(await page.locator('td.cell.regression').count()).toBe(regressions.length);
    // The run page judges the same measurement the same way, and sets it beside the previous run of its platform.
    const stepped = regressions[0];
    await page.goto(`${server.origin}${base}runs/${stepped?.runId}/`);
    await expect(page.locator('p.verdict').textContent()).resolves.toMatch(/^1 regression detected/);
    const worse = page.locator('.run-page tbody tr', { has: page.locator('td.mark.worse') });
    expect(await worse.count()).toBe(1);
    await expect(worse.locator('td').first().textContent()).resolves.toContain(stepped?.metric);
    await page.close();
  });

  it('shows every chart and table without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.origin}${base}platforms/Synthetic_Platform_01/`);
    // The platform page's charts are images of their SVG files: every one loaded, at the size it was drawn.
    await page.waitForFunction(() => [...document.images].every((image) => image.complete));
    expect(
      await page.locator('figure img[alt]').evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth)),
    ).toEqual(Array(6).fill(480));
    await page.goto(`${server.origin}${base}`);
    expect(await page.locator('table.grid').count()).toBe(2);
    await context.close();
  });

  it('follows the system theme, and the toggle overrides it on every page', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.goto(`${server.origin}${base}`);
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.click('.theme-toggle');
    expect(await background()).toBe('rgb(13, 17, 23)');
    await page.goto(`${server.origin}${base}regressions/`);
    expect(await background()).toBe('rgb(13, 17, 23)');
    await context.close();
  });

  it('makes charts interactive: tooltips from the run, date range, log scale, platform toggles, a click opens the run', async () => {
    const history = await openHistory(data);
    const runs = new Map((await recentRuns(history, { limit: 1_000 })).map((run) => [run.runId, run]));
    history.close();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.origin}${base}platforms/Synthetic_Platform_01/`);
    const figure = page.locator('figure[data-chart]').first();
    const box = await figure.boundingBox();
    if (!box) throw new Error('no chart');
    const tools = page.locator('.chart-tools').first();
    // Pointing at a chart loads its data and redraws it; the tooltip follows the next move.
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await expect.poll(() => tools.locator('.chart-status').textContent()).toMatch(/^All time/);
    await page.mouse.move(box.x + box.width * 0.6 + 2, box.y + box.height * 0.5);
    const tip = figure.locator('g[aria-label="tip"]');
    await tip.waitFor();
    const pointed = await figure.evaluate((element) => (element.querySelector('svg') as unknown as { value?: { runId: string } }).value);
    const run = runs.get(pointed?.runId ?? '');
    expect(run).toBeDefined();
    const tipText = await tip.textContent();
    expect(tipText).toContain(`commit ${run?.gitCommit?.slice(0, 8)}`);
    expect(tipText).toContain(run?.gitMessage ?? '');

    const xDomainDays = () =>
      figure.evaluate((element) => {
        const [from, to] = (element.querySelector('svg') as unknown as { scale(name: string): { domain: Date[] } }).scale('x').domain;
        return ((to as Date).getTime() - (from as Date).getTime()) / 86_400_000;
      });
    await tools.locator('button[data-range="7"]').click();
    await expect.poll(xDomainDays).toBeCloseTo(7, 5);
    // A range ends at the latest run, not a week after it.
    const latest = Math.max(
      ...[...runs.values()].filter((each) => each.platform === 'Synthetic_Platform_01').map((each) => Date.parse(each.timestamp)),
    );
    const domainEnd = () =>
      figure.evaluate((element) =>
        ((element.querySelector('svg') as unknown as { scale(name: string): { domain: Date[] } }).scale('x').domain[1] as Date).getTime(),
      );
    expect(await domainEnd()).toBe(latest);
    await expect(tools.locator('button[data-range="7"]').getAttribute('aria-pressed')).resolves.toBe('true');
    await tools.locator('button[data-zoom="in"]').click();
    await expect.poll(xDomainDays).toBeCloseTo(3.5, 5);
    await tools.locator('input[data-log]').check();
    await expect
      .poll(() =>
        figure.evaluate(
          (element) => (element.querySelector('svg') as unknown as { scale(name: string): { type: string } }).scale('y').type,
        ),
      )
      .toBe('log');

    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await tip.waitFor();
    const target = await figure.evaluate(
      (element) => (element.querySelector('svg') as unknown as { value?: { runId: string } }).value?.runId,
    );
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForURL(`**${base}runs/${target}/`);

    await page.goto(`${server.origin}${base}`);
    const metricLink = await page.locator('a[href*="/metrics/"]').first().getAttribute('href');
    await page.goto(`${server.origin}${metricLink}`);
    const lines = () => page.locator('#chart-absolute g[aria-label="line"] path').count();
    await page.locator('#chart-absolute').hover();
    await expect.poll(lines).toBe(3);
    await page.locator('button[data-platform-toggle="Synthetic_Platform_02"]').click();
    await expect.poll(lines).toBe(2);
    await expect.poll(() => page.locator('#chart-relative g[aria-label="line"] path').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds a metric by part of its name, and folds suites', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}${base}`);
    await page.fill('#metric-filter', 'metric_004');
    const visible = await page.locator('tr[data-metric]:visible').allTextContents();
    expect(visible.map((text) => text.trim().split(/\s/)[0])).toEqual(['metric_004']);
    await page.close();
  });
});
