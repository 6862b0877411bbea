/**
 * perfsite measures itself: how fast a run is recorded, how fast the history answers the baseline
 * query, and how fast a chart renders. The history here is generated (labelled synthetic) in a
 * scratch folder; it never touches data/.
 */
import path from 'node:path';
import { renderLineChartSvg } from '../src/lib/charts.ts';
import { compactHistory } from '../src/lib/compact.ts';
import { openHistory } from '../src/lib/history.ts';
import { defaultSettings, latestStatuses } from '../src/lib/status.ts';
import { appendRun, appendRuns } from '../src/lib/store.ts';
import { generateSyntheticRecords } from '../src/lib/synthetic.ts';
import { defineSuite, timeSeconds } from './suite.ts';

const HISTORY_RUNS = 1_000;
const HISTORY_PLATFORMS = 4;
const HISTORY_METRICS = 20;
const CHART_POINTS = 10_000;

export default defineSuite({
  name: 'perfsite',
  description: `perfsite's own speed: recording runs, answering the baseline query over ${HISTORY_RUNS.toLocaleString('en')} generated runs × ${HISTORY_METRICS} metrics, rendering a ${CHART_POINTS.toLocaleString('en')}-point chart.`,
  metrics: {
    record_append_throughput: {
      unit: 'runs/s',
      direction: 'higher',
      description: 'Runs of 10 metrics recorded per second (validated JSON record plus Parquet rows, each written atomically).',
    },
    history_query_latency: {
      unit: 's',
      direction: 'lower',
      description: `Time to open a compacted history of ${HISTORY_RUNS.toLocaleString('en')} runs and judge the latest run of every platform × metric against its baseline (the median of the 5 runs before it).`,
    },
    chart_render_latency: {
      unit: 's',
      direction: 'lower',
      description: `Time to render a ${CHART_POINTS.toLocaleString('en')}-point line chart to SVG with Observable Plot at build time.`,
    },
  },
  async setup(context) {
    const historyDir = path.join(context.scratchDir, 'history');
    await appendRuns(historyDir, generateSyntheticRecords({ runs: HISTORY_RUNS, platforms: HISTORY_PLATFORMS, metrics: HISTORY_METRICS }));
    await compactHistory(historyDir);
    const appendTemplate = generateSyntheticRecords({ runs: 1, platforms: 1, metrics: 10 })[0];
    if (!appendTemplate) throw new Error('no synthetic record generated');
    const start = Date.UTC(2025, 0, 1);
    const chartPoints = Array.from({ length: CHART_POINTS }, (_, i) => ({
      date: new Date(start + i * 3_600_000),
      value: 1 + Math.sin(i / 50) / 10,
    }));
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

    context.step('chart_render_latency');
    const chartSeconds = await timeSeconds(() => renderLineChartSvg(state.chartPoints));
    return {
      record_append_throughput: state.appends / appendSeconds,
      history_query_latency: querySeconds,
      chart_render_latency: chartSeconds,
    };
  },
});
