import type { APIRoute } from 'astro';
import { allSeries, loadSiteModel, seriesData } from '../../../../lib/site/site-model.ts';
import { metricSlug } from '../../../../lib/store/metric-slug.ts';

// A build writes these files from its hook, with the charts, one read per series (series-files-writer.ts);
// `astro dev` serves them from here.
export async function getStaticPaths() {
  if (!import.meta.env.DEV) return [];
  const model = await loadSiteModel();
  return (await allSeries(model)).map(({ platform, suite, metric }) => ({
    params: { platform, slug: metricSlug(suite, metric) },
    props: { suite, metric },
  }));
}

export const GET: APIRoute = async ({ params, props }) => {
  const model = await loadSiteModel();
  const data = await seriesData(model, params.platform as string, props.suite as string, props.metric as string);
  return new Response(JSON.stringify(data), { headers: { 'Content-Type': 'application/json' } });
};
