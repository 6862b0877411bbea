/**
 * Every page reads on a phone (390 px) and a laptop (1280 px), light and dark: nothing overflows its box
 * and nothing is cut off, with the names real histories have (asv's dotted paths, parameterised
 * benchmarks, long commit messages), and parameters sort as numbers.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../../scripts/chromium.ts';
import { type StaticServer, serveStatic } from '../../../scripts/static-server.ts';
import { metricSlug } from '../../../src/lib/store/metric-slug.ts';
import type { RunRecordInput } from '../../../src/lib/store/record.ts';
import { appendRuns } from '../../../src/lib/store/store.ts';
import { makeRecord, runScript, siteBuildDir } from '../../helpers.ts';

const chromiumHere = existsSync(CHROMIUM_PATH);
if (!chromiumHere && process.env.PERFSITE_REQUIRE_BROWSER)
  throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)`);

const LONG_NAME = 'data_struct_benchmarks.multi_value_dict.benchmark.MultiValueDictBench.time_multi_value_dict';
const SIZES = [1000, 200, 30, 4000];
const PLATFORMS = ['ubuntu-22.04', 'macos-12', 'windows-2022', 'Linux-g6.xlarge'];

let browser: Browser;
let server: StaticServer;
let data: string;
let out: string;
let latestRun: string;

function history(): RunRecordInput[] {
  const records: RunRecordInput[] = [];
  for (const [p, platform] of PLATFORMS.entries()) {
    for (let run = 0; run < 8; run++) {
      const record = makeRecord({}, new Date(Date.UTC(2026, 9, 1 + run, p)));
      record.platform.id = platform;
      if (record.git) {
        record.git.commit = String(run).repeat(40);
        record.git.message = `Refactor the ${LONG_NAME} benchmark so that its setup no longer allocates a dictionary per iteration (#${run})\n\n${'Long body. '.repeat(200)}`;
      }
      const slower = run === 7 ? 1.5 : 1;
      record.metrics = [
        { suite: 'conda-py3.10', name: LONG_NAME, value: 0.3712 * slower, unit: 's', direction: 'lower' },
        ...SIZES.map((size) => ({
          suite: 'gemv',
          name: `time_gemv(${size}, 'c')`,
          value: size * 6.8e-10 * slower,
          unit: 's',
          direction: 'lower' as const,
        })),
        { suite: 'gemv', name: 'throughput', value: 2.4e9, unit: 'B/s', direction: 'higher' },
      ];
      records.push(record);
    }
  }
  return records;
}

beforeAll(async () => {
  if (!chromiumHere) return;
  browser = await launchChromium();
  data = await mkdtemp(path.join(tmpdir(), 'perfsite-layout-'));
  const records = history();
  await appendRuns(data, records);
  latestRun = records.at(-1)?.id as string;
  out = await siteBuildDir();
  const build = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
  expect(build.code, build.stderr).toBe(0);
  server = await serveStatic(out);
});

afterAll(async () => {
  server?.close();
  await browser?.close();
  await Promise.all([data, out].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

const PAGES = () => [
  '/',
  '/regressions/',
  `/runs/${latestRun}/`,
  '/platforms/ubuntu-22.04/',
  `/metrics/${metricSlug('conda-py3.10', LONG_NAME)}/`,
];

describe.skipIf(!chromiumHere)('layout', () => {
  it.each([
    ['a phone', 390, 844],
    ['a laptop', 1280, 900],
  ])('on %s (%d px), light and dark, nothing overflows or is cut off', async (_label, width, height) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme });
      const page = await context.newPage();
      for (const url of PAGES()) {
        await page.goto(`${server.origin}${url}`);
        const problems = await page.evaluate(() => {
          const found: string[] = [];
          const root = document.documentElement;
          if (root.scrollWidth > root.clientWidth + 1) found.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
          const describe = (element: Element) =>
            `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).replaceAll(' ', '.')}` : ''} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
          // A scroll box hiding part of its table, or a cell whose text runs past its edge.
          for (const element of document.querySelectorAll<HTMLElement>('.scroll, td, th, dd, h1, h2, h3, p, li, summary')) {
            // A phone's stacked tables keep their header for screen readers only, one pixel wide.
            if (element.closest('thead') && element.closest('thead')?.getBoundingClientRect().width === 1) continue;
            if (element.scrollWidth > element.clientWidth + 1)
              found.push(`${describe(element)}: ${element.scrollWidth} > ${element.clientWidth}`);
          }
          // A chart's tick labels inside its drawing.
          for (const svg of document.querySelectorAll<SVGSVGElement>('figure svg')) {
            const box = svg.getBoundingClientRect();
            for (const text of svg.querySelectorAll('text')) {
              const label = text.getBoundingClientRect();
              if (label.width > 0 && (label.left < box.left - 1 || label.right > box.right + 1))
                found.push(`chart label "${text.textContent}" is clipped`);
            }
          }
          return found;
        });
        expect(problems, `${url} at ${width} px, ${colorScheme}`).toEqual([]);
      }
      await context.close();
    }
  });

  it('sorts parameterised benchmarks as numbers, not as text', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    const names = (await page.locator('tr[data-metric] th[scope="row"] a').allTextContents()).filter((name) =>
      name.startsWith('time_gemv'),
    );
    expect(names).toEqual(["time_gemv(30, 'c')", "time_gemv(200, 'c')", "time_gemv(1000, 'c')", "time_gemv(4000, 'c')"]);
    await page.close();
  });
});
