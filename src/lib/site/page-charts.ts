/**
 * The charts pages draw as they render (a metric's every-platform charts, two per metric page), kept in the
 * build cache as the series charts are: a rebuild draws only those whose series changed. renderSite opens
 * the cache for its build; elsewhere (astro dev) every chart is drawn.
 */
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { BuildCache, type BuildCacheUse } from './build-cache.ts';
import { seriesChartInput } from './chart-input.ts';
import { isPlainChartSvg } from './chart-svg-check.ts';
import { renderPlatformsChartSvg } from './charts.ts';

const NO_CACHE = BuildCache.open(null, 'page-charts', '');
let cache = NO_CACHE;

/** Pages rendered from now on keep their charts in `dir` (null: none), for the compiled site `codeVersion`. */
export function openPageChartCache(dir: string | null, codeVersion: string): void {
  cache = BuildCache.open(dir, 'page-charts', codeVersion);
}

/** Every page is rendered: removes the charts none of them drew, and says how many were reused and drawn. */
export async function closePageChartCache(): Promise<BuildCacheUse> {
  const closed = cache;
  cache = NO_CACHE;
  return closed.close();
}

/** The pages failed midway: the charts the rest would have drawn stay for the next build. */
export function abandonPageChartCache(): void {
  cache = NO_CACHE;
}

export function platformsChartSvg(
  platforms: ReadonlyArray<{ platform: string; points: readonly SeriesMeasurement[] }>,
  options: { title: string; unit: string; relative: boolean },
): Promise<string> {
  const input = platforms.flatMap(({ platform, points }) => [platform, ...seriesChartInput(points)]);
  return cache.reuse([...input, JSON.stringify(options)], () => renderPlatformsChartSvg(platforms, options), isPlainChartSvg);
}
