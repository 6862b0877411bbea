/**
 * The whole history as files a reader downloads and queries with DuckDB from a terminal: Parquet (every
 * column, samples included) and gzip-compressed CSV (flat columns: no samples, no platform details).
 * Written by DuckDB itself, sorted by time, so the files answer the same queries as the site's view.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sqlString } from './duckdb.ts';
import type { History } from './history.ts';

export const DOWNLOADS = {
  'history.parquet': {
    select: 'SELECT * FROM metrics ORDER BY timestamp, run_id, suite, metric',
    options: 'FORMAT parquet, COMPRESSION zstd',
  },
  'history.csv.gz': {
    select: 'SELECT * EXCLUDE (samples, platform_details, git_parents) FROM metrics ORDER BY timestamp, run_id, suite, metric',
    options: 'FORMAT csv, HEADER, COMPRESSION gzip',
  },
} as const;

export type DownloadName = keyof typeof DOWNLOADS;

export async function historyDownload(history: History, name: DownloadName): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-download-'));
  try {
    const file = path.join(dir, name);
    const { select, options } = DOWNLOADS[name];
    await history.connection.run(`COPY (${select}) TO ${sqlString(file)} (${options})`);
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
