import type { APIRoute } from 'astro';
import { EXPLORER_TABLES, explorerFileName, explorerFiles } from '../../../lib/site/explorer-data.ts';
import { loadSiteModel } from '../../../lib/site/site-model.ts';

/** Served here by `astro dev` only: a build writes these files itself (site-data-files.ts). */
export const GET: APIRoute = async ({ params }) => {
  const table = EXPLORER_TABLES.find((candidate) => explorerFileName(candidate) === params.file);
  if (!table) return new Response(null, { status: 404, statusText: 'No such table' });
  const model = await loadSiteModel();
  const files = await explorerFiles(model.history);
  return new Response(files[table], { headers: { 'Content-Type': 'application/gzip' } });
};
