import type { APIRoute } from 'astro';
import { PUBLISHED_RUNS_FILE } from '../../lib/shared/published-run.ts';
import { publishedJson, publishedRunInfo, publishedRuns } from '../../lib/site/published-runs.ts';
import { fullRunPagesPerPlatform } from '../../lib/site/run-pages-writer.ts';
import { loadSiteModel } from '../../lib/site/site-model.ts';

// data/compare-runs.json: a build writes it with the run pages (run-pages-writer.ts); `astro dev` serves it from here.
export const GET: APIRoute = async ({ params }) => {
  if (`data/${params.index}.json` !== PUBLISHED_RUNS_FILE) return new Response(null, { status: 404, statusText: 'No such index' });
  const runs = (await publishedRuns(await loadSiteModel(), fullRunPagesPerPlatform())).map(publishedRunInfo);
  return new Response(publishedJson({ runs }), { headers: { 'Content-Type': 'application/json' } });
};
