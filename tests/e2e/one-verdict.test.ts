/**
 * One verdict: on a generated 4-platform history with a multi-platform step, a shift of most of one
 * machine's metrics, a one-run blip, a reverted regression and a pinned baseline, every surface that shows a
 * measurement's status shows the one the analysis core's judge gave: the JSON report (what programs and the
 * nightly issues read), the PR comment's Markdown, each run page, and the red dots of each chart file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, describe, expect, it } from 'vitest';
import { materialiseBaselines, materialisedStatuses } from '../../src/lib/analysis/materialised-baselines.ts';
import { loadSettings } from '../../src/lib/reports/report-target.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { metricSlug } from '../../src/lib/store/metric-slug.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { eventHistory, METRICS, PLATFORMS, RUNS } from '../fixtures/event-history.ts';
import { runScript, siteBuildDir, tempDir } from '../helpers.ts';

const outs: string[] = [];
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await Promise.all(outs.map((out) => rm(out, { recursive: true, force: true })));
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
    const build = await runScript('node_modules/astro/bin/astro.mjs', ['build', '--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);

    const history = await openHistory(data);
    const settings = await loadSettings(data);
    await materialiseBaselines(history, settings);
    const latestRuns = PLATFORMS.map((_, p) => records[p * RUNS + RUNS - 1]?.id as string);
    const seen = new Set<string>();
    for (const runId of latestRuns) {
      const json = await runScript('scripts/report.ts', ['--data', data, '--run', runId, '--format', 'json']);
      const reported = (JSON.parse(json.stdout) as { metrics: Array<{ metric: string; status: string }> }).metrics;
      const page = parseHTML(await readFile(path.join(out, 'runs', runId, 'index.html'), 'utf8')).document;
      const shown = [...page.querySelectorAll('tbody tr')].map((row) => [
        row.querySelector('td a')?.textContent,
        row.querySelector('.badge')?.className.replace('badge ', ''),
      ]);
      expect(shown).toEqual(reported.map((metric) => [metric.metric, metric.status]));
      const markdown = await runScript('scripts/report.ts', ['--data', data, '--run', runId, '--format', 'markdown']);
      expect(markdown.stdout.match(/❌ regression \|$/gm)?.length ?? 0).toBe(
        reported.filter((metric) => metric.status === 'regression').length,
      );
      for (const metric of reported) seen.add(metric.status);
    }
    // The pinned series is a regression at its latest run; the stepped metric has settled into its level.
    expect(seen).toContain('regression');
    expect(seen).toContain('unchanged');

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
