/**
 * A parameterised benchmark's page, per platform: its combinations' latest statuses in order, and the
 * parameter chart (one parameter across, a line per value of the others, the baseline dashed beside).
 */

import type { BenchmarkGroup } from '../analysis/benchmark-groups.ts';
import type { MetricInfo } from '../analysis/queries.ts';
import type { MetricStatus } from '../analysis/status.ts';
import type { ParameterChartOptions, ParameterPoint } from '../shared/chart-spec.ts';
import { naturalCompare } from '../shared/natural-order.ts';
import { paramOf } from '../shared/param-text.ts';
import { asNumber, type EarlierChoices } from '../shared/parameter-points.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { formatMinute } from '../shared/timestamps.ts';

export interface BenchmarkPlatformView {
  platform: string;
  /** Each combination, where the chart puts it (null when there is no parameter to lay it along). */
  rows: Array<{ info: MetricInfo; status: MetricStatus | null; at: Pick<ParameterPoint, 'x' | 'xNumber' | 'line'> | null }>;
  chart: { points: ParameterPoint[]; options: ParameterChartOptions } | null;
}

const parameter = (info: MetricInfo, name: string) => paramOf(info.params, name);
/** Values that span two decades or more read best on a log scale. */
const spansDecades = (values: readonly number[]) =>
  values.length > 1 && Math.min(...values) > 0 && Math.max(...values) / Math.min(...values) >= 100;

/** The parameter across the chart: a numeric one with the most values, else the first that varies. */
export function xParameter(group: BenchmarkGroup): string | null {
  const varying = group.paramNames
    .map((name) => ({ name, values: [...new Set(group.combos.map((combo) => parameter(combo, name)))] }))
    .filter((param) => param.values.length > 1);
  const numeric = varying.filter((param) => param.values.every((value) => asNumber(value) !== null));
  const best = (candidates: typeof varying) => [...candidates].sort((a, b) => b.values.length - a.values.length)[0];
  return (best(numeric) ?? varying[0])?.name ?? null;
}

export function benchmarkView(
  group: BenchmarkGroup,
  latest: readonly MetricStatus[],
  platforms: readonly string[],
): BenchmarkPlatformView[] {
  const x = xParameter(group);
  const others = group.paramNames.filter((name) => name !== x);
  const lineOf = (info: MetricInfo) => others.map((name) => `${name}=${parameter(info, name)}`).join(', ') || group.benchmark;
  const xDomain = x ? [...new Set(group.combos.map((combo) => parameter(combo, x)))].sort(naturalCompare) : [];
  const lines = [...new Set(group.combos.map(lineOf))];
  const byMetric = new Map(
    latest.filter((status) => status.suite === group.suite).map((status) => [`${status.platform}\u0000${status.metric}`, status]),
  );
  const views: BenchmarkPlatformView[] = [];
  for (const platform of platforms) {
    const rows = group.combos.map((info) => ({
      info,
      status: byMetric.get(`${platform}\u0000${info.metric}`) ?? null,
      at: x ? { x: parameter(info, x), xNumber: asNumber(parameter(info, x)), line: lineOf(info) } : null,
    }));
    if (rows.every((row) => row.status === null)) continue;
    const points: ParameterPoint[] = [];
    for (const { status, at } of rows) {
      if (!status || !at) continue;
      if (status.current !== null) points.push({ ...at, value: status.current, run: 'latest' });
      if (status.baseline !== null) points.push({ ...at, value: status.baseline, run: 'earlier' });
    }
    const numbers = points.map((point) => point.xNumber).filter((value): value is number => value !== null);
    views.push({
      platform,
      rows,
      chart:
        x && points.length > 0
          ? {
              points,
              options: {
                title: `${group.benchmark} on ${platform}, across ${x}: latest (solid) and the baseline (dashed)`,
                unit: group.unit,
                xName: x,
                xDomain,
                lines,
                logX: numbers.length === points.length && spansDecades(numbers),
                logY: spansDecades(points.map((point) => point.value)),
              },
            }
          : null,
    });
  }
  return views;
}

/** Five significant digits are finer than a chart's pixel, and keep a large benchmark's page light. */
const drawn = (value: number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value.toPrecision(5));

export function earlierChoices(
  view: BenchmarkPlatformView,
  seriesOf: ReadonlyMap<string, readonly SeriesMeasurement[]>,
  count: number,
): EarlierChoices | null {
  const chart = view.chart;
  const placed = view.rows.filter((row): row is typeof row & { at: NonNullable<typeof row.at> } => row.at !== null);
  if (!chart || placed.length === 0) return null;
  const latestRuns = new Set(view.rows.map((row) => row.status?.runId));
  const runs = new Map<string, { time: number; values: Map<string, number> }>();
  for (const { info } of placed) {
    for (const measurement of seriesOf.get(info.metric) ?? []) {
      if (latestRuns.has(measurement.runId)) continue;
      const run = runs.get(measurement.runId) ?? { time: measurement.time, values: new Map() };
      run.values.set(info.metric, measurement.value);
      runs.set(measurement.runId, run);
    }
  }
  const recent = [...runs.values()].sort((a, b) => b.time - a.time).slice(0, count);
  return {
    titleStem: chart.options.title.replace(/the baseline \(dashed\)$/, ''),
    options: chart.options,
    places: placed.map((row) => [chart.options.xDomain.indexOf(row.at.x), chart.options.lines.indexOf(row.at.line)]),
    latest: placed.map((row) => drawn(row.status?.current)),
    choices: [
      { label: 'the baseline', values: placed.map((row) => drawn(row.status?.baseline)) },
      ...recent.map((run) => ({
        label: `the run of ${formatMinute(run.time)}`,
        values: placed.map((row) => drawn(run.values.get(row.info.metric))),
      })),
    ],
  };
}
