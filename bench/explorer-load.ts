/**
 * npm run bench:explorer -- [--runs 10000,100000]: what opening the explorer costs a reader. Builds the
 * site over the generated histories bench/scale-analysis.ts keeps (labelled synthetic: 6 platforms × 50
 * metrics), serves it locally (no compression, like a host that sends files as they are), and opens a
 * link to the explorer with a query in headless Chromium. Reports the bytes the page fetched (and the
 * history files' part of them), the time to the first result from navigation, and the time of a query
 * over every measurement once loaded.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../scripts/chromium.ts';
import { serveStatic } from '../scripts/static-server.ts';
import { buildSite, syntheticHistory } from './scale-histories.ts';

const BASE = '/perfsite/';
const TREND = `SELECT timestamp, value FROM metrics
WHERE platform = 'Synthetic_Platform_01' AND suite = 'suite_00' AND metric = 'metric_001' AND status = 'ok' ORDER BY timestamp`;
const EVERYTHING = `SELECT platform, suite, metric, median(value) AS median, count(*) AS runs FROM metrics GROUP BY ALL ORDER BY ALL`;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000,100000' } } });
const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
console.log(
  '| runs (synthetic) | measurements | fetched | of it, the history | first result after navigation | query over every measurement |',
);
console.log('|---|---|---|---|---|---|');
for (const runs of values.runs.split(',').map(Number)) {
  const { out } = await buildSite(await syntheticHistory(runs), `explorer-${runs}`, BASE);
  const server = await serveStatic(out, BASE);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}${BASE}explore/?${new URLSearchParams({ q: TREND })}`);
    await page.waitForSelector('#explorer-result tbody tr', { timeout: 600_000 });
    const firstResult = await page.evaluate(
      () => performance.getEntriesByName('perfsite-explorer-first-result')[0]?.startTime ?? Number.NaN,
    );
    const status = (await page.locator('#explorer-status').textContent()) ?? '';
    const measurements = status.match(/([\d,]+) measurements/)?.[1] ?? '?';
    await page.fill('#explorer-sql', EVERYTHING);
    await page.click('#explorer-run');
    await page.waitForFunction(
      () =>
        /rows? in/.test(document.getElementById('explorer-summary')?.textContent ?? '') &&
        document.querySelectorAll('#explorer-result thead th').length === 5,
    );
    const queryTime = (await page.locator('#explorer-summary').textContent())?.match(/in ([\d.]+) s/)?.[1];
    let fetched = 0;
    let history = 0;
    for (const request of new Set(server.requests)) {
      const file = path.join(out, request.slice(BASE.length - 1));
      const size = (await stat(file).catch(() => null))?.isFile()
        ? (await stat(file)).size
        : (await stat(path.join(file, 'index.html')).catch(() => ({ size: 0 }))).size;
      fetched += size;
      if (request.includes('/data/explorer/')) history += size;
    }
    console.log(
      `| ${runs.toLocaleString('en')} | ${measurements} | ${megabytes(fetched)} | ${megabytes(history)} | ${(firstResult / 1000).toFixed(1)} s | ${queryTime} s |`,
    );
  } finally {
    await browser.close();
    server.close();
    await rm(out, { recursive: true, force: true });
  }
}
