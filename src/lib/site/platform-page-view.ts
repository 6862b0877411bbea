/**
 * What a platform's page shows: its runs, and each suite's metrics in order, a parameterised benchmark as one
 * entry where its first combination would be (its parameter chart; its combinations a click away).
 */
import type { BenchmarkGroup } from '../analysis/benchmark-groups.ts';
import type { HistoryStats } from '../analysis/queries.ts';
import type { MetricStatus } from '../analysis/status.ts';
import type { SeriesChartOptions } from '../shared/chart-spec.ts';
import { metricKey } from '../shared/keys.ts';
import { type BenchmarkPlatformView, benchmarkView } from './benchmark-view.ts';
import { seriesChartOptions } from './series-views.ts';
import type { SiteModel } from './site-model.ts';
import { isPlatform } from './site-paths.ts';

export type PlatformEntry =
  | { kind: 'metric'; status: MetricStatus; options: SeriesChartOptions }
  | { kind: 'benchmark'; group: BenchmarkGroup; view: BenchmarkPlatformView | null };

export interface PlatformPageView {
  platform: string;
  runs: HistoryStats['runsPerPlatform'][number] | null;
  suites: Array<{ suite: string; entries: PlatformEntry[] }>;
}

export function platformPageView(model: SiteModel, platform: string): PlatformPageView | undefined {
  if (!isPlatform(model, platform)) return undefined;
  const latest = model.latest.filter((status) => status.platform === platform);
  const groupOf = new Map(model.benchmarks.flatMap((group) => group.combos.map((combo) => [metricKey(combo), group] as const)));
  const suites = new Map<string, PlatformEntry[]>();
  const shown = new Set<BenchmarkGroup>();
  for (const status of latest) {
    const entries = suites.get(status.suite) ?? [];
    suites.set(status.suite, entries);
    const group = groupOf.get(metricKey(status));
    if (!group) entries.push({ kind: 'metric', status, options: seriesChartOptions(model, status) });
    else if (!shown.has(group)) {
      shown.add(group);
      entries.push({ kind: 'benchmark', group, view: benchmarkView(group, latest, [platform])[0] ?? null });
    }
  }
  return {
    platform,
    runs: model.stats.runsPerPlatform.find((row) => row.platform === platform) ?? null,
    suites: [...suites].map(([suite, entries]) => ({ suite, entries })),
  };
}
