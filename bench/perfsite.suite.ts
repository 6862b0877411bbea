/**
 * perfsite measures itself: how fast a run is recorded, how fast the history answers the baseline
 * query, and how fast a chart renders. The history here is generated (labelled synthetic) in a
 * scratch folder; it never touches data/.
 */
import path from 'node:path';
import { defaultSettings, latestStatuses } from '../src/lib/analysis/status.ts';
import type { SeriesMeasurement } from '../src/lib/shared/series-measurement.ts';
import { renderSeriesChartSvg } from '../src/lib/site/charts.ts';
import { compactHistory } from '../src/lib/store/compact.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { appendRun, appendRuns } from '../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../src/lib/store/synthetic.ts';
import { defineSuite, timeSeconds } from './suite.ts';

const HISTORY_RUNS = 1_000;
const HISTORY_PLATFORMS = 4;
const HISTORY_METRICS = 20;
const CHART_POINTS = 10_000;
const CHART_OPTIONS = { title: 'synthetic series', unit: 's', direction: 'lower', threshold: 0.2 } as const;

export default defineSuite({
  name: 'perfsite',
  description: `perfsite's own speed: recording runs, answering the baseline query over ${HISTORY_RUNS.toLocaleString('en')} generated runs × ${HISTORY_METRICS} metrics, drawing a ${CHART_POINTS.toLocaleString('en')}-measurement chart.`,
  metrics: {
    record_append_throughput: {
      unit: 'runs/s',
      direction: 'higher',
      description: 'Runs of 10 metrics recorded per second (validated JSON record plus Parquet rows, each written atomically).',
      // Each append waits for fsync, whose time on a shared disk varies by a quarter from one sample to the next.
      threshold: 0.5,
    },
    history_query_latency: {
      unit: 's',
      direction: 'lower',
      description: `Time to open a compacted history of ${HISTORY_RUNS.toLocaleString('en')} runs and judge the latest run of every platform × metric against its baseline (the median of the 5 runs before it).`,
    },
    series_chart_latency: {
      unit: 's',
      direction: 'lower',
      description: `Time to draw a ${CHART_POINTS.toLocaleString('en')}-measurement series chart (downsampled, with its sample band, baseline and threshold) to SVG with Observable Plot, as a build does for each chart.`,
    },
  },
  async setup(context) {
    const historyDir = path.join(context.scratchDir, 'history');
    await appendRuns(historyDir, generateSyntheticRecords({ runs: HISTORY_RUNS, platforms: HISTORY_PLATFORMS, metrics: HISTORY_METRICS }));
    await compactHistory(historyDir);
    const appendTemplate = generateSyntheticRecords({ runs: 1, platforms: 1, metrics: 10 })[0];
    if (!appendTemplate) throw new Error('no synthetic record generated');
    const start = Date.UTC(2025, 0, 1);
    const chartPoints: SeriesMeasurement[] = Array.from({ length: CHART_POINTS }, (_, i) => {
      const value = 1 + Math.sin(i / 50) / 10;
      return {
        runId: `run-${i}`,
        time: start + i * 3_600_000,
        value,
        low: value * 0.95,
        high: value * 1.05,
        baseline: 1,
        status: 'unchanged',
      };
    });
    // The first query and the first chart pay for loading and compiling DuckDB's and Plot's code: both run
    // once here, so that no sample measures that.
    const warmup = await openHistory(historyDir);
    await latestStatuses(warmup, defaultSettings());
    warmup.close();
    renderSeriesChartSvg(chartPoints, CHART_OPTIONS);
    return { historyDir, appendTemplate, chartPoints, appends: context.byMode({ quick: 10, standard: 20, comprehensive: 50 }), round: 0 };
  },
  async sample(state, context) {
    state.round++;
    context.step('record_append_throughput');
    const appendDir = path.join(context.scratchDir, `append-${state.round}`);
    const appendSeconds = await timeSeconds(async () => {
      for (let i = 0; i < state.appends; i++) {
        await appendRun(appendDir, { ...state.appendTemplate, id: `append-${state.round}-${i}` });
      }
    });

    context.step('history_query_latency');
    const querySeconds = await timeSeconds(async () => {
      const history = await openHistory(state.historyDir);
      const statuses = await latestStatuses(history, defaultSettings());
      history.close();
      if (statuses.length !== HISTORY_PLATFORMS * HISTORY_METRICS) {
        throw new Error(`expected ${HISTORY_PLATFORMS * HISTORY_METRICS} statuses, got ${statuses.length}`);
      }
    });

    context.step('series_chart_latency');
    const chartSeconds = await timeSeconds(() => renderSeriesChartSvg(state.chartPoints, CHART_OPTIONS));
    return {
      record_append_throughput: state.appends / appendSeconds,
      history_query_latency: querySeconds,
      series_chart_latency: chartSeconds,
    };
  },
});
