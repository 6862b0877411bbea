import type { APIRoute } from 'astro';
import { EXPLORER_TABLES, type ExplorerTable, explorerFileName, explorerFiles } from '../../../lib/site/explorer-data.ts';
import { loadSiteModel } from '../../../lib/site/site-model.ts';

/** Served here by `astro dev` only: a build writes these files from its hook (site-data-files.ts). */
export function getStaticPaths() {
  return import.meta.env.DEV ? EXPLORER_TABLES.map((table) => ({ params: { file: explorerFileName(table) }, props: { table } })) : [];
}

export const GET: APIRoute = async ({ props }) => {
  const model = await loadSiteModel();
  const files = await explorerFiles(model.history);
  return new Response(files[props.table as ExplorerTable], { headers: { 'Content-Type': 'application/gzip' } });
};
