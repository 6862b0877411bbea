import type { APIRoute } from 'astro';
import { publishedJson, publishedRuns } from '../../../lib/site/published-runs.ts';
import { fullRunPagesPerPlatform } from '../../../lib/site/run-pages-writer.ts';
import { loadSiteModel } from '../../../lib/site/site-model.ts';

// A build writes these files from its hook, with the run pages (run-pages-writer.ts); `astro dev` serves them from here.
export async function getStaticPaths() {
  if (!import.meta.env.DEV) return [];
  return (await publishedRuns(await loadSiteModel(), fullRunPagesPerPlatform())).map((run) => ({
    params: { id: run.runId },
    props: { run },
  }));
}

export const GET: APIRoute = ({ props }) => new Response(publishedJson(props.run), { headers: { 'Content-Type': 'application/json' } });
