import type { APIRoute } from 'astro';
import { loadSiteModel } from '../../lib/site/site-model.ts';
import { DOWNLOADS, type DownloadName, historyDownload } from '../../lib/store/history-downloads.ts';

/** Served here by `astro dev` only: a build writes these files from its hook (site-data-files.ts). */
export function getStaticPaths() {
  return import.meta.env.DEV ? Object.keys(DOWNLOADS).map((download) => ({ params: { download } })) : [];
}

export const GET: APIRoute = async ({ params }) => {
  const model = await loadSiteModel();
  return new Response(await historyDownload(model.history, params.download as DownloadName));
};
