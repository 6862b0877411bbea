/** Each series' chart as an SVG file: a platform page with 169 metrics shows them as lazy images, not 169 inline charts. */
import type { APIRoute } from 'astro';
import { drawSeriesChart } from '../../../lib/site/chart-drawer.ts';
import { metricSeries, seriesChartOptions } from '../../../lib/site/series-views.ts';
import { loadSiteModel } from '../../../lib/site/site-model.ts';
import { metricSlug } from '../../../lib/store/metric-slug.ts';

// A build writes these files with the data files, one read per series (series-files-writer.ts); `astro dev` serves them from here.
export const GET: APIRoute = async ({ params }) => {
  const model = await loadSiteModel();
  const status = model.latest.find(
    (candidate) => candidate.platform === params.platform && metricSlug(candidate.suite, candidate.metric) === params.slug,
  );
  if (!status) return new Response(null, { status: 404, statusText: 'No such chart' });
  const series = await metricSeries(model, status.platform, status.suite, status.metric);
  return new Response(drawSeriesChart(series, seriesChartOptions(model, status)), {
    headers: { 'Content-Type': 'image/svg+xml' },
  });
};
