import type { APIRoute } from 'astro';
import { allSeries, seriesData } from '../../../../lib/site/series-views.ts';
import { loadSiteModel } from '../../../../lib/site/site-model.ts';
import { metricSlug } from '../../../../lib/store/metric-slug.ts';

// A build writes these files with the charts, one read per series (series-files-writer.ts); `astro dev` serves them from here.
export const GET: APIRoute = async ({ params }) => {
  const model = await loadSiteModel();
  const series = (await allSeries(model)).find(
    ({ platform, suite, metric }) => platform === params.platform && metricSlug(suite, metric) === params.slug,
  );
  if (!series) return new Response(null, { status: 404, statusText: 'No such series' });
  const data = await seriesData(model, series.platform, series.suite, series.metric);
  return new Response(JSON.stringify(data), { headers: { 'Content-Type': 'application/json' } });
};
