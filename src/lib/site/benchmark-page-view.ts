/** What a parameterised benchmark's page shows: each platform's combinations, and the earlier runs a reader may set beside the latest. */
import type { BenchmarkGroup } from '../analysis/benchmark-groups.ts';
import type { EarlierChoices } from '../shared/parameter-points.ts';
import { type BenchmarkPlatformView, benchmarkView, earlierChoices } from './benchmark-view.ts';
import { metricSeries } from './series-views.ts';
import type { SiteModel } from './site-model.ts';
import { benchmarkOfSlug } from './site-paths.ts';

export interface BenchmarkPageView {
  group: BenchmarkGroup;
  platforms: Array<{ view: BenchmarkPlatformView; earlier: EarlierChoices | null }>;
}

export async function benchmarkPageView(model: SiteModel, slug: string): Promise<BenchmarkPageView | undefined> {
  const group = benchmarkOfSlug(model, slug);
  if (!group) return undefined;
  // Recent runs a reader may set beside the latest, besides the baseline: 10, fewer for a benchmark so large that its values would weigh down the page.
  const earlierRuns = Math.max(1, Math.min(10, Math.floor(1_000 / group.combos.length)));
  const platforms = await Promise.all(
    benchmarkView(group, model.latest, model.platforms).map(async (view) => {
      const series = new Map(
        await Promise.all(
          group.combos.map(async (info) => [info.metric, await metricSeries(model, view.platform, info.suite, info.metric)] as const),
        ),
      );
      return { view, earlier: earlierChoices(view, series, earlierRuns) };
    }),
  );
  return { group, platforms };
}
