/**
 * The /compare/ page in Debian's Chromium gives, row for row, what `perfsite compare` prints for the same two
 * runs or commits: the same verdicts, values, ratios, changes with their intervals, and counts. The history is
 * generated (labelled synthetic), with a step, a move the samples cannot tell from noise, a failure, and two
 * commits that each ran on both platforms.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricInput, RunRecordInput } from '../../../src/lib/store/record.ts';
import { appendRuns } from '../../../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../../../src/lib/store/synthetic.ts';
import { runCommand } from '../../helpers.ts';
import { type BuiltSite, buildAndServe, chromiumHere } from './built-site.ts';

let site: BuiltSite;
let data: string;
let records: RunRecordInput[];

/** The metric made worse by `factor` (whichever way is worse for it), its samples spread by ± `spread`. */
const worse = (metric: MetricInput, factor: number, spread = 0): MetricInput => {
  const by = metric.direction === 'lower' ? factor : 1 / factor;
  return {
    ...metric,
    value: (metric.value as number) * by,
    samples: metric.samples?.map((sample, index) => sample * by * (1 + (index % 2 === 0 ? spread : -spread))),
  };
};

beforeAll(async () => {
  if (!chromiumHere) return;
  data = await mkdtemp(path.join(tmpdir(), 'perfsite-compare-'));
  records = generateSyntheticRecords({ runs: 40, platforms: 2, metrics: 6, metricsPerSuite: 3 });
  // Runs 36 and 37 (one per platform) are one commit, 38 and 39 another.
  for (const [run, twin] of [
    [36, 37],
    [38, 39],
  ] as const) {
    const commit = records[run]?.git?.commit as string;
    records[twin] = { ...records[twin], git: { ...(records[twin]?.git as NonNullable<RunRecordInput['git']>), commit } } as RunRecordInput;
  }
  for (const run of [38, 39]) {
    const record = records[run] as RunRecordInput;
    record.metrics = record.metrics.map((metric, index) =>
      index === 0
        ? worse(metric, 1.4)
        : index === 1
          ? worse(metric, 1.25, 0.6)
          : index === 2
            ? { ...metric, value: null, status: 'failed' }
            : metric,
    );
  }
  await appendRuns(data, records);
  site = await buildAndServe(data);
}, 180_000);

afterAll(async () => {
  await site?.close(data);
});

/** `perfsite compare`'s table, a row per metric: [metric, platform, verdict, A, B, ratio, change]. */
async function cliRows(a: string, b: string): Promise<{ rows: string[][]; counts: string }> {
  const result = await runCommand('scripts/compare.ts', ['--data', data, a, b]);
  expect(result.code, result.stderr).toBe(0);
  const lines = result.stdout.split('\n');
  const rows = lines
    .filter((line) => line.startsWith('│'))
    .map((line) =>
      line
        .split('│')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .slice(1)
    .map(([mark = '', before = '', after = '', ratio = '', change = '', platform = '', metric = '']) => [
      metric,
      platform,
      mark.replace(/^[-+~x!] /, ''),
      before,
      after,
      ratio,
      change,
    ]);
  return { rows, counts: lines.find((line) => / worse, \d+ better/.test(line)) ?? '' };
}

async function pageRows(a: string, b: string): Promise<{ rows: string[][]; counts: string }> {
  const page = await site.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.server.origin}/compare/?${new URLSearchParams({ a, b })}`);
  await page.waitForSelector('#compare[data-compared="true"], #compare-error:not([hidden])', { timeout: 60_000 });
  expect(await page.locator('#compare-error').textContent()).toBe('');
  const rows = await page.$$eval('#compare-result tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );
  const counts = (await page.locator('#compare-counts').textContent()) ?? '';
  await page.close();
  expect(errors).toEqual([]);
  return { rows, counts };
}

describe.skipIf(!chromiumHere)('the comparison page', () => {
  it('agrees with perfsite compare on two runs of a platform, two runs of two platforms, and two commits', async () => {
    const id = (run: number) => (records[run] as RunRecordInput).id as string;
    const commit = (run: number) => (records[run] as RunRecordInput).git?.commit as string;
    for (const [a, b] of [
      [id(36), id(38)],
      [id(36), id(39)],
      [commit(36), commit(38)],
    ] as const) {
      const cli = await cliRows(a, b);
      const shown = await pageRows(a, b);
      expect(shown.rows, `${a} against ${b}`).toEqual(cli.rows);
      expect(`${shown.counts}`).toBe(cli.counts);
    }
    // The cases are there: a step, a move within the noise, a failure; commits on both platforms.
    const commits = await cliRows(commit(36), commit(38));
    expect(new Set(commits.rows.map((row) => row[2]))).toEqual(new Set(['worse', 'likely noise', 'failed', 'unchanged']));
    expect(new Set(commits.rows.map((row) => row[1])).size).toBe(2);
  });

  it('is linked from a run page and says what is wrong with a reference it cannot use', async () => {
    const page = await site.browser.newPage();
    const run = (records[38] as RunRecordInput).id as string;
    await page.goto(`${site.server.origin}/runs/${run}/`);
    await page.click('text=with the previous run');
    await page.waitForSelector('#compare[data-compared="true"]', { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('b')).toBe(run);
    await page.fill('input[name="a"]', 'no-such-run');
    await page.click('button[type="submit"]');
    await expect
      .poll(() => page.locator('#compare-error').textContent())
      .toBe(
        'A: "no-such-run" is neither a run id nor a commit (7+ hex characters) with runs published here; the command compares any run.',
      );
    await page.close();
  });
});
