/**
 * One verdict: on a generated 4-platform history with a multi-platform step, a shift of most of one
 * machine's metrics, a one-run blip, a reverted regression and a pinned baseline, every surface that shows a
 * measurement's status shows the one the analysis core's judge gave: the JSON report (what programs and the
 * nightly issues read), the PR comment's Markdown, each run page, and the red dots of each chart file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomLcg, randomNormal } from 'd3-random';
import { parseHTML } from 'linkedom';
import { afterAll, describe, expect, it } from 'vitest';
import { materialiseBaselines, materialisedStatuses } from '../../src/lib/analysis/materialised-baselines.ts';
import { compareRuns } from '../../src/lib/reports/compare-runs.ts';
import { loadSettings } from '../../src/lib/reports/report-target.ts';
import { changeParts } from '../../src/lib/shared/format.ts';
import { STATUS_LABELS, type Status } from '../../src/lib/shared/regression-rule.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { metricSlug } from '../../src/lib/store/metric-slug.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { eventHistory, METRICS, PLATFORMS, RUNS } from '../fixtures/event-history.ts';
import { makeRecord, runScript, siteBuildDir, tempDir } from '../helpers.ts';

const outs: string[] = [];
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await Promise.all(outs.map((out) => rm(out, { recursive: true, force: true })));
});

describe('a verdict hindsight changed', () => {
  it('is shown on the run page as the gate gave it then, beside the one later runs give', async () => {
    // 3 % noise, then an 8 % step at run 40 under a 4 % threshold: the scan finds the step only some runs
    // after it, so the gate judged the runs right after it against the level before.
    const draw = randomNormal.source(randomLcg(0.7))(0, 0.03);
    const records = Array.from({ length: 60 }, (_, run) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 2, 1, run)));
      record.metrics = [
        { suite: 'demo', name: 'latency', value: (run >= 40 ? 1.08 : 1) * (1 + draw()), unit: 's', direction: 'lower', threshold: 0.04 },
      ];
      return record;
    });
    const data = await tempDir();
    await appendRuns(data, records);
    const out = await siteBuildDir();
    outs.push(out);
    const build = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);
    let shown = 0;
    for (let run = 40; run < 50; run++) {
      const then = await tempDir();
      await appendRuns(then, records.slice(0, run + 1));
      const report = await runScript('scripts/report.ts', ['--data', then, '--run', records[run]?.id ?? '', '--format', 'json']);
      const gate = (JSON.parse(report.stdout) as { metrics: Array<{ status: string }> }).metrics[0]?.status;
      const page = parseHTML(await readFile(path.join(out, 'runs', records[run]?.id ?? '', 'index.html'), 'utf8')).document;
      const now = page.querySelector('tbody tr .badge')?.className.replace('badge ', '');
      const note = page.querySelector('tbody tr .hindsight')?.textContent ?? null;
      const comparable = (status: string | undefined) => (status === 'new-level' ? 'unchanged' : status);
      if (comparable(gate) === comparable(now)) expect(note, `run ${run}`).toBeNull();
      else {
        expect(note, `run ${run}: the gate said ${gate}, the site ${now}`).toMatch(
          new RegExp(`^judged at the time: ${STATUS_LABELS[gate as Status]} `),
        );
        shown++;
      }
    }
    expect(shown).toBeGreaterThan(0);
  });
});

describe('one verdict', () => {
  it('gives each measurement the same status in the JSON report, the PR comment, the run pages and the charts', async () => {
    const data = await tempDir();
    const records = eventHistory();
    await appendRuns(data, records);
    // P4's m3 is pinned 20 % below where it runs: every one of its measurements is a regression against the pin.
    await writeFile(path.join(data, 'baselines.json'), JSON.stringify({ P4: { 'demo/m3': 0.8 } }));
    const out = await siteBuildDir();
    outs.push(out);
    const build = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);

    const history = await openHistory(data);
    const settings = await loadSettings(data);
    await materialiseBaselines(history, settings);
    const runAt = (platform: number, run: number) => records[platform * RUNS + run]?.id as string;
    const latestRuns = PLATFORMS.map((_, p) => runAt(p, RUNS - 1));
    // The latest runs, the step's runs, and the odd run on P2 whose samples cannot tell it from noise.
    const judgedRuns = [...latestRuns, ...PLATFORMS.map((_, p) => runAt(p, 60)), runAt(1, 30)];
    const seen = new Set<string>();
    const marks = new Set<string>();
    const countsOf = new Map<string, Record<string, number>>();
    for (const runId of judgedRuns) {
      const json = await runScript('scripts/report.ts', ['--data', data, '--run', runId, '--format', 'json']);
      const report = JSON.parse(json.stdout) as {
        run: { platform: string };
        metrics: Array<{ metric: string; status: string; significance: { pValue: number | null } | null }>;
        counts: Record<string, number>;
      };
      const reported = report.metrics;
      if (latestRuns.includes(runId)) countsOf.set(report.run.platform, report.counts);
      const page = parseHTML(await readFile(path.join(out, 'runs', runId, 'index.html'), 'utf8')).document;
      const rows = [...page.querySelectorAll('tbody tr')];
      const shown = rows.map((row) => [
        row.querySelector('td a')?.textContent,
        row.querySelector('.badge')?.className.replace('badge ', ''),
      ]);
      expect(shown, runId).toEqual(reported.map((metric) => [metric.metric, metric.status]));
      // The test behind each change: the page prints the report's p-value, as a bound where it is one.
      for (const [at, metric] of reported.entries()) {
        const p = metric.significance?.pValue;
        if (p === undefined || p === null) continue;
        expect(rows[at]?.textContent, `${runId} ${metric.metric}`).toContain(p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`);
      }
      const markdown = await runScript('scripts/report.ts', ['--data', data, '--run', runId, '--format', 'markdown']);
      expect(markdown.stdout.match(/❌ regression \|$/gm)?.length ?? 0).toBe(
        reported.filter((metric) => metric.status === 'regression').length,
      );
      for (const metric of reported) seen.add(metric.status);
      // Beside the run before it: the same marks as comparing the two runs (npm run compare).
      const previous = records[records.findIndex((record) => record.id === runId) - 1]?.id as string;
      const compared = await compareRuns(history, { a: previous, b: runId }, settings);
      const byMetric = new Map(compared.metrics.map((metric) => [metric.metric, metric]));
      for (const row of rows) {
        const cell = row.querySelector('td:last-child');
        const mark = cell?.className.match(/mark (\w+)/)?.[1];
        const name = row.querySelector('td a')?.textContent ?? '';
        const pair = byMetric.get(name);
        expect(mark, `${runId} ${name} beside the run before`).toBe(pair?.mark);
        // And the same change, interval and test, to the digit.
        const { change, detail } = changeParts(pair?.change ?? null, pair?.significance);
        if (pair?.change !== null) expect(cell?.textContent?.replace(/, likely noise$/, '')).toBe(detail ? `${change} ${detail}` : change);
        if (mark) marks.add(mark);
      }
    }
    // A pinned series is a regression at its latest run; the stepped metric is on a new level since its event;
    // the odd run on P2, with samples all over the place, is likely noise; the rest have settled.
    expect(seen).toEqual(new Set(['regression', 'new-level', 'noise', 'unchanged']));
    expect(marks).toContain('worse');
    expect(marks).toContain('unchanged');

    // The overview counts each platform's metrics by their latest run, as the report of that run does.
    const overview = parseHTML(await readFile(path.join(out, 'index.html'), 'utf8')).document;
    for (const row of overview.querySelectorAll('table.summary tbody tr')) {
      const cells = [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim());
      const counts = countsOf.get(cells[1] ?? '') as Record<string, number>;
      expect(cells.slice(3, 7), cells[1]).toEqual(
        [counts.regression, counts['new-level'], counts.improvement, counts.unchanged].map(String),
      );
    }
    const listed = await runScript('scripts/regressions.ts', ['--data', data, '--json']);
    const open = (JSON.parse(listed.stdout) as unknown[]).length;
    expect(overview.querySelector('#events')?.textContent).toBe(
      open === 0 ? 'No open regression events' : `${open} open regression event${open === 1 ? '' : 's'}`,
    );

    // Each chart's red dots are the series' measurements the judge called regressions, all of them, no more.
    const dotsOf = new Map<string, number>();
    for (const platform of PLATFORMS) {
      for (const metric of METRICS) {
        const statuses = await materialisedStatuses(history, settings, { series: { platform, suite: 'demo', metric } });
        const chart = await readFile(path.join(out, 'charts', platform, `${metricSlug('demo', metric)}.svg`), 'utf8');
        const dots = (chart.match(/fill="#cf222e"[^>]*aria-label="dot">(<circle[^>]*>)+/)?.[0].match(/<circle/g) ?? []).length;
        expect(dots, `${platform} ${metric}`).toBe(statuses.filter((status) => status.status === 'regression').length);
        dotsOf.set(`${platform} ${metric}`, dots);
      }
    }
    // Against its pin, every measurement of P4's m3 is a regression (the first runs have no rolling baseline to lose to).
    expect(dotsOf.get('P4 m3')).toBe(RUNS);
    // The step is a regression where it happened, on every platform.
    for (const platform of PLATFORMS) expect(dotsOf.get(`${platform} m0`), platform).toBeGreaterThan(0);
    history.close();
  });
});
