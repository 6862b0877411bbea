/**
 * The whole history as files a reader downloads and queries with DuckDB from a terminal: Parquet (every
 * column, samples included) and gzip-compressed CSV (flat columns: no samples, no platform details), with
 * the columns of the site's `metrics` view. Rows come in the order of the history's files (month by month),
 * not sorted: sorting 5 million rows cost 4 s of a 100,000-run build, and every query can ORDER BY.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb.ts';
import type { History } from './history.ts';
import { neutralisedColumn, TEXT_COLUMN_NAMES } from './metric-table.ts';

/** The CSV's text columns, neutralised: a spreadsheet or a terminal shows it as it is. */
const CSV_TEXT_COLUMNS = TEXT_COLUMN_NAMES.filter((name) => name !== 'platform_details');

export const DOWNLOADS = {
  'history.parquet': { select: 'SELECT * FROM metrics', options: 'FORMAT parquet, COMPRESSION zstd', gzip: false },
  // DuckDB's own gzip took 17.5 s for 5 million rows; its plain CSV and zlib's fastest level take 9 s.
  'history.csv.gz': {
    select: `SELECT * EXCLUDE (samples, platform_details, git_parents) REPLACE (${CSV_TEXT_COLUMNS.map((name) => `${neutralisedColumn(name)} AS ${name}`).join(', ')}) FROM metrics`,
    options: 'FORMAT csv, HEADER',
    gzip: true,
  },
} as const;

export type DownloadName = keyof typeof DOWNLOADS;

/**
 * Above this many measurements the CSV is left out: the Parquet file holds everything, and at 100,000 runs
 * × 50 metrics the CSV was 95 MB of a site that GitHub Pages publishes only up to 1 GB.
 */
export const CSV_MAX_MEASUREMENTS = 1_000_000;

/** The downloads a history of this many measurements offers. */
export function downloadsFor(measurements: number): DownloadName[] {
  return (Object.keys(DOWNLOADS) as DownloadName[]).filter((name) => name !== 'history.csv.gz' || measurements <= CSV_MAX_MEASUREMENTS);
}

/** Writes one download to `file` (its folder must exist). */
export async function writeHistoryDownload(connection: DuckDBConnection, name: DownloadName, file: string): Promise<void> {
  const { select, options, gzip } = DOWNLOADS[name];
  const written = gzip ? `${file}.plain` : file;
  await connection.run(`COPY (${select}) TO ${sqlString(written)} (${options})`);
  if (gzip) {
    await pipeline(createReadStream(written), createGzip({ level: constants.Z_BEST_SPEED }), createWriteStream(file));
    await rm(written);
  }
}

/** One download as bytes, for `astro dev` (a build writes the files directly: site-data-files.ts). */
export async function historyDownload(history: History, name: DownloadName): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-download-'));
  try {
    const file = path.join(dir, name);
    await writeHistoryDownload(history.connection, name, file);
    return new Uint8Array(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
