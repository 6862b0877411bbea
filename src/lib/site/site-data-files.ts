/**
 * The site's data files that are not pages: the explorer's history (explorer-data.ts) and the downloads
 * (history-downloads.ts). A build writes them (src/render/render-site.ts) as soon as it has loaded the site
 * model, while it renders the pages: those keep JavaScript busy, these DuckDB, on a connection of their
 * own, which kept 330 MB of downloads out of the JavaScript heap.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import { downloadsFor, writeHistoryDownload } from '../store/history-downloads.ts';
import { EXPLORER_TABLES, explorerFileName, explorerFiles } from './explorer-data.ts';

export async function writeSiteDataFiles(outDir: string, history: History): Promise<void> {
  const connection = await history.connect();
  try {
    const explorerDir = path.join(outDir, 'data', 'explorer');
    await mkdir(explorerDir, { recursive: true });
    const files = await explorerFiles(history, connection);
    for (const table of EXPLORER_TABLES) await writeFile(path.join(explorerDir, explorerFileName(table)), files[table]);
    const [counted] = await queryRows<{ measurements: number }>(connection, 'SELECT count(*)::INTEGER AS measurements FROM metrics');
    for (const name of downloadsFor(counted?.measurements ?? 0))
      await writeHistoryDownload(connection, name, path.join(outDir, 'data', name));
  } finally {
    connection.closeSync();
  }
}
