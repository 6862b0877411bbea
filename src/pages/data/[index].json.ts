import type { APIRoute } from 'astro';
import { publishedJson, publishedRunInfo, publishedRuns } from '../../lib/site/published-runs.ts';
import { fullRunPagesPerPlatform } from '../../lib/site/run-pages-writer.ts';
import { loadSiteModel } from '../../lib/site/site-model.ts';

// data/compare-runs.json: a build writes it from its hook, with the run pages (run-pages-writer.ts); `astro dev` serves it from here.
export async function getStaticPaths() {
  return import.meta.env.DEV ? [{ params: { index: 'compare-runs' } }] : [];
}

export const GET: APIRoute = async () => {
  const runs = (await publishedRuns(await loadSiteModel(), fullRunPagesPerPlatform())).map(publishedRunInfo);
  return new Response(publishedJson({ runs }), { headers: { 'Content-Type': 'application/json' } });
};
