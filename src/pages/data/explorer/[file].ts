import type { APIRoute } from 'astro';
import { EXPLORER_TABLES, type ExplorerTable, explorerFileName, explorerFiles } from '../../../lib/explorer-data.ts';
import { loadSiteModel } from '../../../lib/site-model.ts';

export function getStaticPaths() {
  return EXPLORER_TABLES.map((table) => ({ params: { file: explorerFileName(table) }, props: { table } }));
}

export const GET: APIRoute = async ({ props }) => {
  const model = await loadSiteModel();
  const files = await explorerFiles(model.history);
  return new Response(files[props.table as ExplorerTable], { headers: { 'Content-Type': 'application/gzip' } });
};
