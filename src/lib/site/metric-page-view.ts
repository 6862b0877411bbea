/** What a metric's page shows: its latest status on each platform, and every platform's series for its two charts. */
import type { MetricInfo } from '../analysis/queries.ts';
import type { MetricStatus } from '../analysis/status.ts';
import { naturalCompare } from '../shared/natural-order.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { metricSeries } from './series-views.ts';
import type { SiteModel } from './site-model.ts';
import { metricOfSlug } from './site-paths.ts';

export interface MetricPageView {
  info: MetricInfo;
  latest: MetricStatus[];
  series: Array<{ platform: string; points: SeriesMeasurement[] }>;
}

export async function metricPageView(model: SiteModel, slug: string): Promise<MetricPageView | undefined> {
  const info = metricOfSlug(model, slug);
  if (!info) return undefined;
  const latest = model.latest
    .filter((status) => status.suite === info.suite && status.metric === info.metric)
    .sort((a, b) => naturalCompare(a.platform, b.platform));
  const series: MetricPageView['series'] = [];
  for (const platform of model.platforms) {
    const points = await metricSeries(model, platform, info.suite, info.metric);
    if (points.length > 0) series.push({ platform, points });
  }
  return { info, latest, series };
}
