/**
 * Parameterised benchmarks on the site, from a generated asv history in asv's own format (2 parameters,
 * 8 combinations, 2 machines, two combinations regressed on the last commit): the overview lists each
 * benchmark once with its combinations as a grid that reads without JavaScript, summarises each suite
 * and platform first, and its search finds a benchmark by a parameter value; the benchmark page draws
 * the parameter chart; no page is heavier than the page-weight target.
 */
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASV_MACHINES, ASV_REGRESSED, writeParameterisedAsv } from '../../../bench/synthetic-asv.ts';
import { metricSlug } from '../../../src/lib/store/metric-slug.ts';
import { runScript } from '../../helpers.ts';
import { type BuiltSite, buildAndServe, chromiumHere } from './built-site.ts';

let site: BuiltSite;
let scratch: string;
const SUITE = 'virtualenv-py3.12';
const GEMV = metricSlug(SUITE, ASV_REGRESSED.benchmark);
/** The page-weight target of the build-speed issue: no HTML page over 300 KB. */
const PAGE_LIMIT = 300_000;

beforeAll(async () => {
  if (!chromiumHere) return;
  scratch = await mkdtemp(path.join(tmpdir(), 'perfsite-params-'));
  await writeParameterisedAsv(path.join(scratch, 'results'));
  const imported = await runScript('scripts/import.ts', [
    '--format',
    'asv',
    '--data',
    path.join(scratch, 'data'),
    path.join(scratch, 'results'),
  ]);
  expect(imported.code, imported.stderr).toBe(0);
  site = await buildAndServe(path.join(scratch, 'data'));
});

afterAll(async () => {
  await site?.close(scratch);
});

describe.skipIf(!chromiumHere)('parameterised benchmarks', () => {
  it('the overview summarises each suite and platform first, and lists each benchmark once, regressed first', async () => {
    const html = await readFile(path.join(site.out, 'index.html'), 'utf8');
    const context = await site.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.server.origin}/`);
    const summary = await page
      .locator('table.summary tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim())));
    expect(summary).toEqual([
      [SUITE, ASV_MACHINES[0], '17', '2', '0', '0', '15', '0'],
      [SUITE, ASV_MACHINES[1], '17', '0', '0', '0', '17', '0'],
    ]);
    // Three rows: two benchmarks of 8 combinations and one plain metric; the regressed benchmark first.
    const rows = await page.locator('.suite-block tr[data-metric] > th > a:first-child').allTextContents();
    expect(rows).toEqual([ASV_REGRESSED.benchmark, 'benchmarks.io.time_read', 'benchmarks.linalg.time_dot']);
    expect(html).not.toContain('>benchmarks.linalg.time_gemv(100');
    // The measurements beyond the threshold: two, of one benchmark, in one row that names it.
    expect(await page.locator('#now').textContent()).toBe('2 latest measurements beyond the threshold');
    const beyond = page.locator('section[aria-labelledby="now"] tbody tr');
    expect(await beyond.count()).toBe(1);
    expect(await beyond.locator('td[data-label="metric"]').textContent()).toMatch(
      new RegExp(`^${SUITE} / ${ASV_REGRESSED.benchmark.replaceAll('.', '\\.')} 2 of 8 combinations; the worst: .*\\(51200, 'c'\\)$`),
    );
    await context.close();
  });

  it('shows a benchmark’s combinations as a grid coloured by status, readable without JavaScript', async () => {
    const context = await site.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.server.origin}/`);
    const row = page.locator('tr.benchmark-row', { hasText: ASV_REGRESSED.benchmark });
    const cells = row.locator('td.cell');
    await expect.poll(() => cells.count()).toBe(2);
    // In natural order of n, then order: 100 c, 100 f, 800 c, … the 6400 c dot (the fifth) is a regressed one.
    const first = cells.nth(0).locator('.dot');
    expect(await first.count()).toBe(8);
    expect(await cells.nth(0).locator('.dot.regression').count()).toBe(2);
    expect(await first.nth(4).getAttribute('title')).toMatch(/^n=6400, order=c: [\d.]+ µs, regression$/);
    expect(await cells.nth(0).locator('.combo-grid').getAttribute('aria-label')).toBe('8 combinations: 6 unchanged, 2 regression');
    expect(await first.nth(4).evaluate((dot) => getComputedStyle(dot).backgroundColor)).not.toBe(
      await first.nth(0).evaluate((dot) => getComputedStyle(dot).backgroundColor),
    );
    expect(await cells.nth(1).locator('.dot.regression').count()).toBe(0);
    // Each combination is a click away, in order, without JavaScript.
    await row.locator('details.combos summary').click();
    const combos = await row.locator('details.combos li').allTextContents();
    expect(combos.slice(0, 3)).toEqual(['n=100, order=c', 'n=100, order=f', 'n=800, order=c']);
    expect(combos).toHaveLength(8);
    await context.close();
  });

  it('finds a benchmark by a parameter value', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.server.origin}/`);
    const visible = () => page.locator('.suite-block tr[data-metric]:not([hidden]) > th > a:first-child').allTextContents();
    await page.locator('#metric-filter').fill('gemv 51200');
    await expect.poll(visible).toEqual([ASV_REGRESSED.benchmark]);
    await page.locator('#metric-filter').fill('dot 800');
    await expect.poll(visible).toEqual(['benchmarks.linalg.time_dot']);
    await page.locator('#metric-filter').fill('gemv 12345');
    await expect.poll(visible).toEqual([]);
    await page.close();
  });

  it('draws the parameter chart on the benchmark page: n across (log, it spans decades), a line per order, an earlier run beside', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.server.origin}/benchmarks/${GEMV}/`);
    const chart = page.locator(`section[aria-labelledby="on-${ASV_MACHINES[0]}"] figure.parameter-chart svg`);
    expect(await chart.getAttribute('aria-label')).toBe(
      `${ASV_REGRESSED.benchmark} on ${ASV_MACHINES[0]}, across n: latest (solid) and the baseline (dashed)`,
    );
    // Latest and baseline, a line per order.
    expect(await chart.locator('[stroke-dasharray]').count()).toBeGreaterThan(0);
    expect(await chart.locator('text').allTextContents()).toEqual(expect.arrayContaining(['1k', '10k']));
    expect(await page.locator(`section[aria-labelledby="on-${ASV_MACHINES[0]}"] .parameter-legend li`).allTextContents()).toEqual([
      ' order=c',
      ' order=f',
    ]);
    // Another earlier run beside the latest: the run before it, redrawn in the page.
    const section = page.locator(`section[aria-labelledby="on-${ASV_MACHINES[0]}"]`);
    const before = await section.locator('figure svg [stroke-dasharray] path').first().getAttribute('d');
    await section.locator('select[data-parameter-earlier]').selectOption({ label: 'the run of 2026-10-07 00:00' });
    await expect
      .poll(() => section.locator('figure svg').getAttribute('aria-label'))
      .toBe(`${ASV_REGRESSED.benchmark} on ${ASV_MACHINES[0]}, across n: latest (solid) and the run of 2026-10-07 00:00 (dashed)`);
    expect(await section.locator('.parameter-title').textContent()).toMatch(/the run of 2026-10-07 00:00 \(dashed\)$/);
    expect(await section.locator('figure svg [stroke-dasharray] path').first().getAttribute('d')).not.toBe(before);
    // Every combination in one table, a column group per platform; the regressed ones say so.
    const table = page.locator('table.combinations');
    expect(await table.locator('thead th.platform').allTextContents()).toEqual(ASV_MACHINES);
    expect(await table.locator('tbody tr').count()).toBe(8);
    expect(await table.locator('tbody tr.regression th').allTextContents()).toEqual(ASV_REGRESSED.sizes);
    expect(await table.locator('tbody tr.regression td.regression:not(.number)').allTextContents()).toEqual(['regression', 'regression']);
    await page.close();
  });

  it('names the benchmark once in its regression event, with the combinations that moved', async () => {
    const context = await site.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.server.origin}/regressions/`);
    await page.locator('a', { hasText: ASV_REGRESSED.benchmark }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Regression: \+\d/);
    expect(await page.locator('p.muted').first().textContent()).toContain(
      `1 platform × 2 metrics (2 of 8 combinations of ${SUITE}/${ASV_REGRESSED.benchmark})`,
    );
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(1);
    await rows.locator('details.combos summary').click();
    expect(await rows.locator('details.combos summary').textContent()).toBe('2 of 8 combinations, the worst shown');
    expect((await rows.locator('details.combos li a').allTextContents()).sort()).toEqual(['n=51200, order=c', 'n=6400, order=c']);

    // The run after the change lists the benchmark as one group, open since it regressed, its combinations by their parameters.
    await page.locator('.facts dd a').nth(1).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Run on ${ASV_MACHINES[0]}`);
    const group = page.locator('details.run-benchmark', { hasText: ASV_REGRESSED.benchmark });
    expect(await group.getAttribute('open')).not.toBeNull();
    expect(await group.locator('summary').textContent()).toMatch(
      /time_gemv: 8 combinations of n, order, the worst regression \+58\.\d% \(95% CI \+\d+\.\d% to \+\d+\.\d%, p < 0\.001 adjusted for \d+ metrics, t-test, spread of \d+ runs\)$/,
    );
    expect((await group.locator('tbody tr td:first-child').allTextContents()).slice(0, 2)).toEqual(['n=100, order=c', 'n=100, order=f']);
    expect(await page.locator('details.run-benchmark', { hasText: 'time_dot' }).getAttribute('open')).toBeNull();
    await context.close();
  });

  it('lists a benchmark once among every metric on the about page', async () => {
    const about = await readFile(path.join(site.out, 'about', 'index.html'), 'utf8');
    expect(about).toContain(`>${ASV_REGRESSED.benchmark}</a> <span class="muted">(8 combinations of n, order)</span>`);
    expect(about).not.toContain('time_gemv(100');
  });

  it('keeps every page under the page-weight target', async () => {
    const pages = (await readdir(site.out, { recursive: true })).filter((file) => file.endsWith('.html'));
    const sizes = await Promise.all(pages.map(async (file) => ({ file, bytes: (await stat(path.join(site.out, file))).size })));
    expect(sizes.filter((page) => page.bytes > PAGE_LIMIT)).toEqual([]);
    expect(pages).toContain(path.join('benchmarks', GEMV, 'index.html'));
  });
});
