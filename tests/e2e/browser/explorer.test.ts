/**
 * The explorer in Debian's Chromium, on a site built under a base path: DuckDB loads from the site
 * alone, an example query and a typed one give the numbers the analysis core gives, the query lives
 * in the address bar, a bad query says what went wrong, and no request leaves the site.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../../scripts/chromium.ts';
import { type StaticServer, serveStatic } from '../../../scripts/static-server.ts';
import { queryRows, sqlString } from '../../../src/lib/store/duckdb.ts';
import { openHistory } from '../../../src/lib/store/history.ts';
import { appendRuns } from '../../../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../../../src/lib/store/synthetic.ts';
import { runScript, siteBuildDir } from '../../helpers.ts';

const chromiumHere = existsSync(CHROMIUM_PATH);
if (!chromiumHere && process.env.PERFSITE_REQUIRE_BROWSER)
  throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)`);
if (!chromiumHere)
  console.warn(`${CHROMIUM_PATH} not found: skipping the explorer's browser tests (apt-get install chromium to run them).`);

const BASE = '/perfsite-demo/';
let browser: Browser;
let data: string;
let out: string;
let server: StaticServer;
/** The same site from a host that sends its .gz files with Content-Encoding: gzip. */
let encodingServer: StaticServer;

beforeAll(async () => {
  if (!chromiumHere) return;
  browser = await launchChromium();
  data = await mkdtemp(path.join(tmpdir(), 'perfsite-explorer-'));
  // Labelled synthetic: generated records on Synthetic_Platform_* ids.
  await appendRuns(data, generateSyntheticRecords({ runs: 60, platforms: 2, metrics: 4, metricsPerSuite: 2 }));
  out = await siteBuildDir();
  const result = await runScript('scripts/build.ts', ['--outDir', out], {
    env: { PERFORMANCE_DB_PATH: data, PERFSITE_BASE: BASE },
  });
  expect(result.code, result.stderr).toBe(0);
  server = await serveStatic(out, BASE);
  encodingServer = await serveStatic(out, BASE, { gzipAsEncoding: true });
}, 180_000);

afterAll(async () => {
  server?.close();
  encodingServer?.close();
  await browser?.close();
  await Promise.all([data, out].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** What the core's DuckDB says, as the explorer shows it: numbers as text. */
async function coreRows(sql: string): Promise<string[][]> {
  const history = await openHistory(data);
  const rows = await queryRows(history.connection, sql);
  history.close();
  return rows.map((row) => Object.values(row).map((value) => (value === null ? '' : String(value))));
}

async function resultRows(page: Page): Promise<string[][]> {
  return page.$$eval('#explorer-result tbody tr', (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
  );
}

async function expectFailure(page: Page, sql: string, reason: RegExp): Promise<void> {
  await page.fill('#explorer-sql', sql);
  await page.click('#explorer-run');
  await expect.poll(() => page.locator('#explorer-error').textContent()).toMatch(new RegExp(`^The query failed: .*${reason.source}`));
}

async function openExplorer(query?: string, host: StaticServer = server) {
  const page = await browser.newPage();
  const outside: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(`${host.origin}${BASE}`) && !request.url().startsWith('blob:')) outside.push(request.url());
  });
  await page.goto(`${host.origin}${BASE}explore/${query ? `?${new URLSearchParams({ q: query })}` : ''}`);
  return { page, outside, errors };
}

describe.skipIf(!chromiumHere)('the explorer', () => {
  it('runs an example and a typed query with the numbers of the analysis core, from the site alone', async () => {
    const { page, outside, errors } = await openExplorer();
    await page.waitForSelector('#explorer[data-ready="true"]', { timeout: 60_000 });
    expect(await page.locator('#explorer-status').textContent()).toMatch(/^Ready: 60 runs, 240 measurements/);

    // The "platforms side by side" example.
    const example = page.locator('button.example', { hasText: 'platforms side by side' });
    const exampleSql = (await example.getAttribute('data-sql')) ?? '';
    await example.click();
    await page.waitForSelector('#explorer-result tbody tr');
    expect(await resultRows(page)).toEqual(await coreRows(exampleSql));
    expect(new URL(page.url()).searchParams.get('q')).toBe(exampleSql);
    expect(await page.locator('#explorer-chart svg').count()).toBeGreaterThan(0);

    // A typed query, run with Ctrl + Enter.
    const typed = `SELECT platform, suite, metric, count(*) AS runs, min(value) AS lowest, max(value) AS highest
FROM metrics WHERE status = 'ok' GROUP BY ALL ORDER BY ALL`;
    await page.fill('#explorer-sql', typed);
    await page.press('#explorer-sql', 'Control+Enter');
    await page.waitForFunction(() => document.querySelectorAll('#explorer-result thead th').length === 6);
    expect(await resultRows(page)).toEqual(await coreRows(typed));

    // A query that fails says why, and leaves the page usable.
    await expectFailure(page, 'SELECT no_such_column FROM metrics', /no_such_column/);
    await page.close();
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    // The engine itself came from the site.
    expect(server.requests.some((request) => request.startsWith(`${BASE}_astro/`) && request.endsWith('.wasm'))).toBe(true);
  });

  it('runs the query a link carries at once, and cannot be made to fetch anything', async () => {
    const sql = `SELECT timestamp, platform, value FROM metrics WHERE metric = 'metric_001' AND status = 'ok' ORDER BY timestamp, platform`;
    const { page, outside, errors } = await openExplorer(sql);
    await page.waitForSelector('#explorer-result tbody tr', { timeout: 60_000 });
    expect(await page.inputValue('#explorer-sql')).toBe(sql);
    const rows = await resultRows(page);
    const core = await coreRows(`SELECT strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%g') || 'Z', platform, value FROM (${sql})`);
    expect(rows).toEqual(core);
    // A time column and a number: a chart with one colour per platform.
    expect(await page.locator('#explorer-chart figcaption').textContent()).toContain('one colour per platform');

    // The engine reads no file and no URL, and a query cannot turn that back on.
    await expectFailure(page, `SELECT * FROM read_csv('${server.origin}/elsewhere.csv')`, /disabled by configuration/);
    await expectFailure(page, 'SET enable_external_access = true', /locked/);
    await page.close();
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    expect(server.requests).not.toContain('/elsewhere.csv');
  });

  it('loads its data whether the host sends the .gz files as they are or with Content-Encoding: gzip', async () => {
    const sql = 'SELECT count(*) AS measurements FROM metrics';
    const { page, errors } = await openExplorer(sql, encodingServer);
    await page.waitForSelector('#explorer-result tbody tr', { timeout: 60_000 });
    expect(await resultRows(page)).toEqual(await coreRows(sql));
    await page.close();
    expect(errors).toEqual([]);
    expect(encodingServer.requests.some((request) => request.endsWith('.gz'))).toBe(true);
  });

  it('offers the history as Parquet and CSV, the same rows as the site', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}${BASE}explore/`);
    const hrefs = await page.$$eval('#downloads + p + ul a[download]', (anchors) =>
      anchors.map((anchor) => (anchor as HTMLAnchorElement).href),
    );
    expect(hrefs.map((href) => new URL(href).pathname)).toEqual([`${BASE}data/history.parquet`, `${BASE}data/history.csv.gz`]);
    const saved = await mkdtemp(path.join(tmpdir(), 'perfsite-downloads-'));
    const counts: string[][] = [];
    for (const href of hrefs) {
      const response = await page.request.get(href);
      expect(response.status()).toBe(200);
      const file = path.join(saved, path.basename(new URL(href).pathname));
      await writeFile(file, await response.body());
      counts.push(...(await coreRows(`SELECT count(*), count(DISTINCT run_id), sum(value) FROM ${sqlString(file)}`)));
    }
    await rm(saved, { recursive: true, force: true });
    const [expected] = await coreRows('SELECT count(*), count(DISTINCT run_id), sum(value) FROM metrics');
    expect(counts).toEqual([expected, expected]);
    expect(await page.locator('.download-command').textContent()).toContain(`curl -LO ${server.origin}${BASE}data/history.parquet`);
    await page.close();
  });
});
