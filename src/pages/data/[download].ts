import type { APIRoute } from 'astro';
import { loadSiteModel } from '../../lib/site/site-model.ts';
import { DOWNLOADS, type DownloadName, historyDownload } from '../../lib/store/history-downloads.ts';

/** Served here by `astro dev` only: a build writes these files itself (site-data-files.ts). */
export const GET: APIRoute = async ({ params }) => {
  if (!Object.hasOwn(DOWNLOADS, params.download as string)) return new Response(null, { status: 404, statusText: 'No such download' });
  const model = await loadSiteModel();
  return new Response(await historyDownload(model.history, params.download as DownloadName));
};
