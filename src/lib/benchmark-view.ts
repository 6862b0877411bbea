/**
 * A parameterised benchmark's page, per platform: its combinations' latest statuses in order, and the
 * parameter chart (one parameter across, a line per value of the others, the baseline dashed beside).
 */
import type { BenchmarkGroup } from './benchmark-groups.ts';
import type { ParameterChartOptions, ParameterPoint } from './chart-spec.ts';
import { naturalCompare } from './natural-order.ts';
import { paramOf } from './param-text.ts';
import type { MetricInfo } from './queries.ts';
import type { MetricStatus } from './status.ts';

export interface BenchmarkPlatformView {
  platform: string;
  rows: Array<{ info: MetricInfo; status: MetricStatus | null }>;
  chart: { points: ParameterPoint[]; options: ParameterChartOptions } | null;
}

const parameter = (info: MetricInfo, name: string) => paramOf(info.params, name);
const asNumber = (text: string): number | null => (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : null);
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
    const rows = group.combos.map((info) => ({ info, status: byMetric.get(`${platform}\u0000${info.metric}`) ?? null }));
    if (rows.every((row) => row.status === null)) continue;
    const points: ParameterPoint[] = [];
    if (x) {
      for (const { info, status } of rows) {
        if (!status) continue;
        const at = { x: parameter(info, x), xNumber: asNumber(parameter(info, x)), line: lineOf(info) };
        if (status.current !== null) points.push({ ...at, value: status.current, run: 'latest' });
        if (status.baseline !== null) points.push({ ...at, value: status.baseline, run: 'earlier' });
      }
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
                title: `${group.benchmark} on ${platform}, across ${x}: latest (solid) and baseline (dashed)`,
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
