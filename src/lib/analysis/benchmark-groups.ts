/**
 * Parameterised benchmarks as one thing each: the combinations of a benchmark (metrics that share a suite
 * and a `benchmark`, with their `params`) grouped, in natural order of their parameter values, with their
 * worst status. What the overview lists as one row and what a benchmark page shows.
 */

import { naturalCompare } from '../shared/natural-order.ts';
import { improvementOf, type Status } from '../shared/regression-rule.ts';
import { metricSlug } from '../store/metric-slug.ts';
import type { Direction } from '../store/record.ts';
import type { MetricInfo } from './queries.ts';

export interface BenchmarkGroup {
  suite: string;
  benchmark: string;
  slug: string;
  unit: string;
  direction: MetricInfo['direction'];
  /** Every parameter any combination has, in the order they first appear. */
  paramNames: string[];
  /** The combinations, ordered by their parameter values (numbers as numbers). */
  combos: MetricInfo[];
}

/** How much a status asks for attention: the worst of a benchmark's combinations speaks for it. */
export const STATUS_SEVERITY: Record<Status, number> = {
  failed: 6,
  regression: 5,
  'new-level': 4.5,
  improvement: 4,
  noise: 3,
  'no-baseline': 2,
  new: 1,
  unchanged: 0,
};

/** Whether a asks for more attention than b: a failure before a regression, then the larger change for the worse. */
export function worseThan(a: Judged, b: Judged): boolean {
  const severity = STATUS_SEVERITY[a.status] - STATUS_SEVERITY[b.status];
  if (severity !== 0) return severity > 0;
  return improvementOf(a.change ?? 0, a.direction) < improvementOf(b.change ?? 0, b.direction);
}

type Judged = { status: Status; change: number | null; direction: Direction };

export function worstStatus<T extends Judged>(statuses: ReadonlyArray<T | null>): T | null {
  let worst: T | null = null;
  for (const status of statuses) if (status && (!worst || worseThan(status, worst))) worst = status;
  return worst;
}

function compareParams(a: MetricInfo, b: MetricInfo, names: readonly string[]): number {
  for (const name of names) {
    const order = naturalCompare(
      a.params?.find((param) => param.name === name)?.value ?? '',
      b.params?.find((param) => param.name === name)?.value ?? '',
    );
    if (order !== 0) return order;
  }
  return naturalCompare(a.metric, b.metric);
}

export const groupKey = (suite: string, benchmark: string) => `${suite}\u0000${benchmark}`;

/** The benchmarks with two or more combinations; a benchmark measured at one combination reads as a plain metric. */
export function benchmarkGroups(metrics: readonly MetricInfo[]): BenchmarkGroup[] {
  const byBenchmark = new Map<string, MetricInfo[]>();
  for (const info of metrics) {
    if (!info.benchmark || !info.params?.length) continue;
    const key = groupKey(info.suite, info.benchmark);
    byBenchmark.set(key, [...(byBenchmark.get(key) ?? []), info]);
  }
  const groups: BenchmarkGroup[] = [];
  for (const combos of byBenchmark.values()) {
    const [first] = combos;
    if (!first?.benchmark || combos.length < 2) continue;
    const paramNames = [...new Set(combos.flatMap((combo) => combo.params?.map((param) => param.name) ?? []))];
    groups.push({
      suite: first.suite,
      benchmark: first.benchmark,
      slug: metricSlug(first.suite, first.benchmark),
      unit: first.unit,
      direction: first.direction,
      paramNames,
      combos: [...combos].sort((a, b) => compareParams(a, b, paramNames)),
    });
  }
  return groups.sort((a, b) => naturalCompare(a.suite, b.suite) || naturalCompare(a.benchmark, b.benchmark));
}
