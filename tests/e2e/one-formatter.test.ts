/**
 * One number formatter: the same measurement reads the same in the CLI, the reports, the PR comment,
 * the site's pages, its charts and its feed (683 ns, 1.005 µs), never as 6.83e-7 s.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { afterAll, describe, expect, it } from 'vitest';
import { formatValue } from '../../src/lib/shared/format.ts';
import { readUnit, toBaseUnit } from '../../src/lib/shared/units.ts';
import { metricSlug } from '../../src/lib/store/metric-slug.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { eventIdAtRun, makeRecord, runScript, siteBuildDir, tempDir } from '../helpers.ts';

const builds: string[] = [];
afterAll(() => Promise.all(builds.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('the number formatter', () => {
  it.each([
    [683, 'ns', '683 ns'],
    [1005, 'ns', '1.005 µs'],
    [0.2, 's', '200 ms'],
    [0.99996, 's', '1 s'],
    [1234.5, 's', '1,235 s'],
    [254, 'ns/iter', '254 ns/iter'],
    [2.4, 'GB/s', '2.4 GB/s'],
    [512, 'MiB', '536.9 MB'],
    [3.5e6, 'ops/sec', '3.5M ops/s'],
    [6.823e-7, 'parsecs', '6.823 × 10⁻⁷ parsecs'],
    [12, '%', '12 %'],
  ])('prints %d %s as %s', (value, unit, expected) => {
    const { unit: base, factor } = readUnit(unit);
    expect(formatValue(toBaseUnit(value, factor), base)).toBe(expected);
  });
});

describe('every output', () => {
  it('prints a measurement the same way: CLI, Markdown, HTML report, site pages, chart axis and feed', async () => {
    const data = await tempDir();
    const records = [683, 690, 680, 685, 683, 1005].map((value, index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 10, 20 + index)));
      record.metrics = [{ suite: 'demo', name: 'lookup', value, unit: 'ns', direction: 'lower' }];
      return record;
    });
    await appendRuns(data, records);
    const latest = records.at(-1)?.id as string;
    const env = { REGRESSION_THRESHOLD: '' };

    const check = await runScript('scripts/check.ts', ['--data', data], { env });
    const markdown = await runScript('scripts/report.ts', ['--data', data, '--format', 'markdown'], { env });
    const html = await runScript('scripts/report.ts', ['--data', data, '--format', 'html'], { env });
    const out = await siteBuildDir();
    builds.push(out);
    const build = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);
    const page = (...parts: string[]) => readFile(path.join(out, ...parts), 'utf8');
    const outputs: Record<string, string> = {
      check: check.stdout,
      // As GitHub shows the PR comment: the Markdown's escapes are gone.
      markdown: micromark(markdown.stdout, { extensions: [gfm()], htmlExtensions: [gfmHtml()] }),
      html: html.stdout,
      overview: await page('index.html'),
      platform: await page('platforms', 'Test_Linux_x86_64_2C_8GB', 'index.html'),
      metric: await page('metrics', metricSlug('demo', 'lookup'), 'index.html'),
      run: await page('runs', latest, 'index.html'),
      event: await page('events', eventIdAtRun(latest), 'index.html'),
      feed: await page('regressions.xml'),
    };
    // What a reader sees: the text of pages, not the data their scripts read.
    const visible = (text: string) => {
      if (!text.trimStart().startsWith('<')) return text;
      const { document } = parseHTML(/^<!doctype/i.test(text.trimStart()) ? text : `<!doctype html><html><body>${text}</body></html>`);
      for (const script of document.querySelectorAll('script, style')) script.remove();
      return document.documentElement.textContent ?? '';
    };
    for (const [name, raw] of Object.entries(outputs)) {
      const text = name === 'feed' ? raw : visible(raw);
      expect(text, name).toContain('1.005 µs');
      expect(text.match(/\d\.?\d*e-\d|0\.000001005/)?.[0], name).toBeUndefined();
      // The feed and the event page give the level before the change: the mean of the runs before it.
      if (name !== 'feed' && name !== 'event') expect(text, name).toContain('683 ns');
      else expect(text, name).toContain('684.2 ns');
    }
    // The chart's value axis (the platform page's chart, a file of its own) is labelled by the same formatter.
    const chart = await page('charts', 'Test_Linux_x86_64_2C_8GB', `${metricSlug('demo', 'lookup')}.svg`);
    const ticks = [...chart.matchAll(/<text[^>]*>([^<]*[nµ]s)<\/text>/g)].map((match) => match[1]);
    expect(ticks.length).toBeGreaterThan(2);
    for (const tick of ticks) expect(tick).toMatch(/^\d[\d.,]* [nµ]s$/);
  });
});
