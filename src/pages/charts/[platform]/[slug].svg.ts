/** Each series' chart as an SVG file: a platform page with 169 metrics shows them as lazy images, not 169 inline charts. */
import type { APIRoute } from 'astro';
import type { MetricStatus } from '../../../lib/analysis/status.ts';
import { renderSeriesChartSvg, standaloneSvg } from '../../../lib/site/charts.ts';
import { loadSiteModel, metricSeries, seriesChartOptions } from '../../../lib/site/site-model.ts';
import { metricSlug } from '../../../lib/store/metric-slug.ts';

// A build writes these files from its hook, with the data files, one read per series (series-files-writer.ts);
// `astro dev` serves them from here.
export async function getStaticPaths() {
  if (!import.meta.env.DEV) return [];
  const model = await loadSiteModel();
  return model.latest.map((status) => ({
    params: { platform: status.platform, slug: metricSlug(status.suite, status.metric) },
    props: { status },
  }));
}

export const GET: APIRoute = async ({ props }) => {
  const model = await loadSiteModel();
  const status = props.status as MetricStatus;
  const series = await metricSeries(model, status.platform, status.suite, status.metric);
  return new Response(standaloneSvg(renderSeriesChartSvg(series, seriesChartOptions(model, status))), {
    headers: { 'Content-Type': 'image/svg+xml' },
  });
};
