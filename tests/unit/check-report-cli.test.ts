import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { dataLayout } from '../../src/lib/store/paths.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { HOSTILE_TEXT, makeRecord, runCommand, tempDir } from '../helpers.ts';

/** Five runs around 1 s on main, then the run to judge. */
async function historyEndingWith(latency: number, options: { branch?: string; metricName?: string } = {}) {
  const data = await tempDir();
  const values = [1, 1.02, 0.98, 1.0, 1.01, latency];
  const records = values.map((value, i) => {
    const record = makeRecord({}, new Date(Date.UTC(2026, 0, 1 + i)));
    record.metrics = [
      { suite: 'demo', name: 'latency', value, unit: 's', direction: 'lower', samples: [value] },
      { suite: 'demo', name: 'throughput', value: 100, unit: 'items/s', direction: 'higher' },
      ...(options.metricName ? [{ suite: 'demo', name: options.metricName, value: 3, unit: 's', direction: 'lower' as const }] : []),
    ];
    if (i === 5 && record.git && options.branch) {
      record.git.branch = options.branch;
      record.git.message = `${options.branch}\nbody`;
    }
    return record;
  });
  await appendRuns(data, records);
  return { data, ids: records.map((record) => record.id) };
}

const check = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCommand('scripts/check.ts', args, { env: { REGRESSION_THRESHOLD: '', ...env } });
const report = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCommand('scripts/report.ts', args, { env: { REGRESSION_THRESHOLD: '', ...env } });

describe('npm run check', () => {
  describe('with samples on both sides', () => {
    /** Five baseline runs of ten samples each, then a run whose samples are given. */
    async function sampledHistory(baseline: (run: number) => number[], latest: number[], config?: object) {
      const data = await tempDir();
      const records = [0, 1, 2, 3, 4, 5].map((index) => {
        const samples = index < 5 ? baseline(index) : latest;
        const record = makeRecord({}, new Date(Date.UTC(2026, 0, 1 + index)));
        record.metrics = [{ suite: 'demo', name: 'latency', value: index < 5 ? 1 : 1.25, unit: 's', direction: 'lower', samples }];
        return record;
      });
      await appendRuns(data, records);
      const cwd = await tempDir();
      if (config) await writeFile(path.join(cwd, 'perfsite.config.json'), JSON.stringify(config));
      return { data, cwd };
    }
    const spread = (run: number) => Array.from({ length: 10 }, (_, i) => 0.5 + (((run * 10 + i) * 37) % 50) / 49);
    const tight = (run: number) => Array.from({ length: 10 }, (_, i) => 1 + ((((run * 10 + i) * 37) % 50) - 25) / 2500);

    it('calls a clear 25 % slowdown a regression and shows its interval, its p-value as a bound and the test', async () => {
      const { data } = await sampledHistory(
        tight,
        Array.from({ length: 10 }, (_, i) => 1.25 + (i - 5) / 500),
      );
      const result = await check(['--data', data]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toMatch(/\+25\.0% \(95% CI \+2\d\.\d% to \+2\d\.\d%, p < 0\.001, t-test, spread of 5 runs\)/);
      expect(result.stdout).toMatch(/regression/);
    });

    it("calls a 25 % change likely noise when the run's own samples are too spread to tell, and passes; threshold-only mode fails it", async () => {
      const noisy = [0.5, 0.7, 0.9, 1.1, 1.2, 1.3, 1.5, 1.7, 1.9, 2.1];
      const { data } = await sampledHistory(spread, noisy);
      const result = await check(['--data', data]);
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/likely noise/);
      const strict = await sampledHistory(spread, noisy, { significance: 'threshold' });
      const thresholdOnly = await runCommand('scripts/check.ts', ['--data', strict.data], {
        cwd: strict.cwd,
        env: { REGRESSION_THRESHOLD: '' },
      });
      expect(thresholdOnly.code, thresholdOnly.stderr).toBe(1);
    });
  });

  it('exits 1 when the latest run is 25 % slower than the median of the five before it', async () => {
    const { data } = await historyEndingWith(1.25);
    const result = await check(['--data', data]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /demo\/latency\s*│\s*1\.25 s\s*│\s*1 s \(median of 5\)\s*│\s*\+25\.0% \(95% CI [^)]*t-test, spread of 5 runs\)\s*│\s*20%\s*│\s*regression/,
    );
    expect(result.stdout).toMatch(/✘ 1 regression detected/);
  });

  it('exits 0 when it is 15 % slower', async () => {
    const { data } = await historyEndingWith(1.15);
    const result = await check(['--data', data]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\+15\.0%.*unchanged/);
    expect(result.stdout).toMatch(/✔ No regressions detected/);
  });

  it('honours REGRESSION_THRESHOLD, and --threshold over it', async () => {
    const { data } = await historyEndingWith(1.25);
    expect((await check(['--data', data], { REGRESSION_THRESHOLD: '0.3' })).code).toBe(0);
    expect((await check(['--data', data, '--threshold', '0.1'], { REGRESSION_THRESHOLD: '0.3' })).code).toBe(1);
  });

  it('judges a given run, or a record file from another branch', async () => {
    const { data, ids } = await historyEndingWith(1.25);
    expect((await check(['--data', data, '--run', ids[4] ?? ''])).code).toBe(0);
    const elsewhere = await tempDir();
    const pr = makeRecord({}, new Date(Date.UTC(2026, 0, 10)));
    pr.metrics = [{ suite: 'demo', name: 'latency', value: 2, unit: 's', direction: 'lower' }];
    const file = path.join(elsewhere, 'pr-run.json');
    await writeFile(file, JSON.stringify({ ...pr, id: 'pr-run' }));
    const result = await check(['--data', data, '--record', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/run pr-run/);
  });

  it.each([
    ['an empty data folder', async (data: string) => data, [], /no runs are recorded in .*; record one with `npm run bench`/],
    [
      'an unknown run id',
      async (data: string) => (await historyEndingWith(1)).data || data,
      ['--run', 'nope'],
      /no run with id "nope" in the history; `npm run stats` lists the recent runs/,
    ],
    [
      'a corrupt baselines.json',
      async () => {
        const { data } = await historyEndingWith(1);
        await writeFile(dataLayout(data).baselinesFile, '{"Test_Linux_x86_64_2C_8GB": {"demo/latency": }');
        return data;
      },
      [],
      /baselines\.json is not valid JSON .*Restore it with `git checkout -- .*baselines\.json`, or delete it/,
    ],
    [
      'a baselines.json with a non-number',
      async () => {
        const { data } = await historyEndingWith(1);
        await writeFile(dataLayout(data).baselinesFile, JSON.stringify({ Test_Linux_x86_64_2C_8GB: { 'demo/latency': 'fast' } }));
        return data;
      },
      [],
      /Test_Linux_x86_64_2C_8GB → "demo\/latency" is "fast", not a number/,
    ],
    ['an invalid record file', async (data: string) => data, ['--record', '/nonexistent/run.json'], /the record file cannot be used/],
    ['a bad threshold', async (data: string) => data, ['--threshold', '20%'], /--threshold must be a positive fraction/],
  ])('exits 2 with a clear message on %s', async (_label, prepare, args, message) => {
    const data = await prepare(await tempDir());
    for (const script of [check, report]) {
      const result = await script(['--data', data, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('explains a zero baseline instead of failing', async () => {
    const { data } = await historyEndingWith(0.5);
    await writeFile(dataLayout(data).baselinesFile, JSON.stringify({ Test_Linux_x86_64_2C_8GB: { 'demo/latency': 0 } }));
    const result = await check(['--data', data]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\+∞ \(baseline 0\)/);
    expect(result.stdout).toMatch(/demo\/latency: the baseline is 0, so a relative change cannot be computed/);
    const markdown = await report(['--data', data]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/the baseline is 0/);
  });

  it('says when every metric of the run moved together, as a slower machine does', async () => {
    const data = await tempDir();
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const records = [1, 1.02, 0.98, 1, 1.01, 1.4].map((factor, index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 0, 1 + index)));
      record.metrics = names.map((name, at) => ({ suite: 'demo', name, value: (at + 1) * factor, unit: 's', direction: 'lower' as const }));
      return record;
    });
    await appendRuns(data, records);
    const result = await check(['--data', data]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/6 of 6 metrics moved the same way, by 40% at the median: this run was slower across the board/);
    const markdown = await report(['--data', data]);
    expect(markdown.stdout).toMatch(/> 6 of 6 metrics moved the same way/);
    // One metric 40 % slower among six steady ones is the code's doing: nothing to say.
    const alone = await tempDir();
    await appendRuns(
      alone,
      records.map((record, index) => ({
        ...record,
        metrics: record.metrics.map((metric, at) => ({ ...metric, value: (at + 1) * (index === 5 && at === 0 ? 1.4 : 1) })),
      })),
    );
    expect((await check(['--data', alone])).stdout).not.toMatch(/moved the same way/);
  });

  it('compares a metric across units that convert, and refuses units that do not', async () => {
    const data = await tempDir();
    const records = [0, 1, 2, 3, 4, 5].map((index) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 0, 1 + index)));
      const last = index === 5;
      record.metrics = [
        // 1,000 ns five times, then 1.3 µs: 30 % slower, whatever the tool called the unit.
        { suite: 'demo', name: 'lookup', value: last ? 1.3 : 1000, unit: last ? 'µs' : 'ns', direction: 'lower' },
        // Parsecs, then ms: there is no number to compare.
        { suite: 'demo', name: 'distance', value: last ? 3 : 3, unit: last ? 'ms' : 'parsecs', direction: 'lower' },
      ];
      return record;
    });
    await appendRuns(data, records);
    const result = await check(['--data', data]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /demo\/lookup\s*│\s*1\.3 µs\s*│\s*1 µs \(median of 5\)\s*│\s*\+30\.0% \(95% CI [^)]*\)\s*│\s*20%\s*│\s*regression/,
    );
    expect(result.stdout).toMatch(/demo\/distance\s*│\s*3 ms\s*│\s*—\s*│\s*—\s*│\s*20%\s*│\s*new metric/);
    expect(result.stdout).toMatch(
      /demo\/distance on Test_Linux_x86_64_2C_8GB: earlier runs recorded it in parsecs and this one in s, which do not convert/,
    );
  });

  it('says how to get a baseline on a platform that has none', async () => {
    const data = await tempDir();
    await appendRuns(data, [makeRecord()]);
    const result = await check(['--data', data]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /No baseline for platform Test_Linux_x86_64_2C_8GB yet: it is the median of the last 5 runs on main on this platform, and there are none\. Runs recorded on main \(perfsite's action on each push, or `bench` and `import` here\) become it; the `baselines` command pins them\./,
    );
  });
});

describe('npm run report', () => {
  it('renders the seed’s Markdown report, and GitHub-flavoured Markdown shows hostile names as plain text', async () => {
    const { data, ids } = await historyEndingWith(1.25, { branch: HOSTILE_TEXT, metricName: `${HOSTILE_TEXT} | a | b` });
    const result = await report(['--data', data, '--format', 'markdown']);
    expect(result.code, result.stderr).toBe(0);
    const markdown = result.stdout;
    expect(markdown).toMatch(/^## 📊 Performance Report\n\n\*\*Platform\*\*: `Test_Linux_x86_64_2C_8GB`\n\n\*\*Run\*\*: /);
    expect(markdown).toContain(`\`${ids[5]}\``);

    const html = micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    // The table keeps its shape: a header and one row per metric, six cells each, whatever the names hold.
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...(row[1] ?? '').matchAll(/<t[hd][^>]*>/g)].length);
    expect(rows).toEqual([6, 6, 6, 6]);
    // Nothing from the run became markup, a link, a mention or an expression.
    expect(html).not.toMatch(/<img|<script|<strong>bold|<code>rm|&lt;sub/);
    expect(html).toMatch(/1 s \(median of 5\)/);
    expect(html).not.toMatch(/<a /);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('**bold**');
    expect(markdown).not.toContain('${{');
    expect(html).toMatch(/<h3>❌ 1 regression detected<\/h3>/);
  });

  it('writes a standalone HTML report with names escaped, and JSON for programs', async () => {
    const { data } = await historyEndingWith(1.25, { branch: HOSTILE_TEXT });
    const out = await tempDir();
    const htmlFile = path.join(out, 'report.html');
    const jsonFile = path.join(out, 'report.json');
    expect((await report(['--data', data, '--format', 'html', '--output', htmlFile])).code).toBe(0);
    expect((await report(['--data', data, '--format', 'json', '--output', jsonFile])).code).toBe(0);
    const html = await readFile(htmlFile, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toMatch(/❌ 1 regression detected/);
    const json = JSON.parse(await readFile(jsonFile, 'utf8'));
    expect(json).toMatchObject({
      reportVersion: 1,
      passed: false,
      verdict: '1 regression detected',
      counts: { regression: 1, unchanged: 1 },
    });
    expect(json.run.gitBranch).toBe(HOSTILE_TEXT);
    const latency = json.metrics.find((metric: { metric: string }) => metric.metric === 'latency');
    expect(latency).toMatchObject({ current: 1.25, baseline: 1, baselineSource: 'rolling', status: 'regression', changeUnbounded: false });
    expect(latency.change).toBeCloseTo(0.25, 12);
  });

  it('refuses an unknown format', async () => {
    const result = await report(['--format', 'pdf']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--format must be one of markdown, html, json/);
  });
});
