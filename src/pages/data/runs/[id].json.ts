import type { APIRoute } from 'astro';
import { publishedJson, publishedRuns } from '../../../lib/site/published-runs.ts';
import { fullRunPagesPerPlatform } from '../../../lib/site/run-pages-writer.ts';
import { loadSiteModel } from '../../../lib/site/site-model.ts';

// A build writes these files with the run pages (run-pages-writer.ts); `astro dev` serves them from here.
export const GET: APIRoute = async ({ params }) => {
  const run = (await publishedRuns(await loadSiteModel(), fullRunPagesPerPlatform())).find((candidate) => candidate.runId === params.id);
  if (!run) return new Response(null, { status: 404, statusText: 'No such run' });
  return new Response(publishedJson(run), { headers: { 'Content-Type': 'application/json' } });
};
