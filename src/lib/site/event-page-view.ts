/** What a regression event's page shows: the event, its series grouped by benchmark, and the worst series around the change. */
import type { EventBenchmark, EventSeries, RegressionEvent } from '../analysis/regression-events.ts';
import type { ProbePoint, ProbesChartOptions, SeriesChartOptions } from '../shared/chart-spec.ts';
import { metricKey } from '../shared/keys.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { chartChanges, chartOutliers, metricSeries } from './series-views.ts';
import type { SiteModel } from './site-model.ts';
import { eventOfId } from './site-paths.ts';

/** Series drawn on the page: the worst few; the table lists them all. */
const CHARTS = 8;
/** Measurements drawn on each side of the change. */
const AROUND = 30;

/** A row of the event's table: a series, or a parameterised benchmark's moved combinations on one platform (the worst first). */
export interface EventRow {
  change: EventSeries;
  benchmark?: EventBenchmark;
  combos?: Array<{ change: EventSeries; params: string }>;
}

export interface EventPageView {
  event: RegressionEvent;
  rows: EventRow[];
  charts: Array<{ change: EventSeries; points: SeriesMeasurement[]; options: SeriesChartOptions }>;
  /** What the bisect of its range measured (with a culprit or without), a chart per metric it followed. */
  probes: Array<{ points: ProbePoint[]; options: ProbesChartOptions }>;
}

function probeCharts(event: RegressionEvent): EventPageView['probes'] {
  const culprit = event.culprit ?? event.bisectWithoutCulprit;
  if (!culprit || culprit.probes.length === 0) return [];
  const culpritIndex = culprit.probes.find((probe) => probe.commit === culprit.commit)?.index ?? null;
  const commits = Math.max(...culprit.probes.map((probe) => probe.index));
  const metrics = [...new Set(culprit.probes.flatMap((probe) => Object.keys(probe.values)))].slice(0, CHARTS);
  return metrics.map((metric) => {
    const unit = event.series.find((change) => `${change.suite}/${change.metric}` === metric)?.unit ?? '';
    return {
      points: culprit.probes.flatMap(({ commit, index, side, values }) =>
        (values[metric] ?? []).map((value) => ({ index, commit, side, value })),
      ),
      options: {
        title: `${metric}${culprit.platform ? ` on ${culprit.platform}` : ''}, as bisect measured it`,
        unit,
        culpritIndex,
        commits,
      },
    };
  });
}

function eventRows(event: RegressionEvent): EventRow[] {
  const benchmarkOf = new Map(
    event.benchmarks.flatMap((benchmark) =>
      benchmark.moved.map(
        (combo) => [metricKey({ suite: benchmark.suite, metric: combo.metric }), { benchmark, params: combo.params }] as const,
      ),
    ),
  );
  const rows: EventRow[] = [];
  const groupRows = new Map<string, EventRow>();
  for (const change of event.series) {
    const combo = benchmarkOf.get(metricKey(change));
    if (!combo) {
      rows.push({ change });
      continue;
    }
    const key = `${change.platform}\u0000${change.suite}\u0000${combo.benchmark.benchmark}`;
    const entry = { change, params: combo.params };
    const row = groupRows.get(key);
    if (row) row.combos?.push(entry);
    else {
      const fresh = { change, benchmark: combo.benchmark, combos: [entry] };
      groupRows.set(key, fresh);
      rows.push(fresh);
    }
  }
  return rows;
}

export async function eventPageView(model: SiteModel, id: string): Promise<EventPageView | undefined> {
  const event = eventOfId(model, id);
  if (!event) return undefined;
  const charts = await Promise.all(
    event.series.slice(0, CHARTS).map(async (change) => {
      const series = await metricSeries(model, change.platform, change.suite, change.metric);
      const at = series.findIndex((point) => point.runId === change.runId);
      const points = at < 0 ? series : series.slice(Math.max(0, at - AROUND), at + AROUND);
      const from = points[0]?.time ?? 0;
      const to = points.at(-1)?.time ?? 0;
      return {
        change,
        points,
        options: {
          title: `${change.suite} / ${change.metric} on ${change.platform}`,
          unit: change.unit,
          direction: change.direction,
          threshold: model.settings.threshold.value,
          changes: chartChanges(model, change.platform, change.suite, change.metric).filter((mark) => mark.time >= from && mark.time <= to),
          outliers: chartOutliers(model, change.platform, change.suite, change.metric),
        },
      };
    }),
  );
  return { event, rows: eventRows(event), charts, probes: probeCharts(event) };
}
