import type { APIRoute } from 'astro';
import { DOWNLOADS, type DownloadName, historyDownload } from '../../lib/history-downloads.ts';
import { loadSiteModel } from '../../lib/site-model.ts';

export function getStaticPaths() {
  return Object.keys(DOWNLOADS).map((download) => ({ params: { download } }));
}

export const GET: APIRoute = async ({ params }) => {
  const model = await loadSiteModel();
  return new Response(await historyDownload(model.history, params.download as DownloadName));
};
