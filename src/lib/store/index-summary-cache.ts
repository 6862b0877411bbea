/**
 * The per-(file, run) summary of the Parquet index costs a scan of every metric row; it only changes
 * when a file does. It is kept in data/.cache/, keyed by each file's path, size, modification time
 * and inode (compaction replaces files by rename, which changes the inode), so an unchanged month
 * file is never scanned twice.
 *
 * It is a cache only: unreadable, missing or stale entries are recomputed, a failed write is ignored,
 * and deleting data/.cache/ at any time loses nothing.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { temporaryPath } from './atomic-file.ts';
import { dataLayout } from './paths.ts';

export interface FileIdentity {
  filename: string;
  identity: string;
  bytes: number;
}

const CACHE_PREFIX = 'index-summary-';

/** The cache file for summaries made by this exact summary SQL: a change of rules never reads old answers. */
export function summaryCachePath(dataDir: string, summarySql: string): string {
  const version = createHash('sha256').update(summarySql).digest('hex').slice(0, 16);
  return path.join(dataLayout(dataDir).cacheDir, `${CACHE_PREFIX}${version}.parquet`);
}

export async function identifyFiles(files: readonly string[]): Promise<FileIdentity[]> {
  const identities = await Promise.all(
    files.map(async (filename) => {
      const info = await stat(filename).catch(() => undefined);
      return info ? { filename, identity: `${info.size}:${info.mtimeMs}:${info.ino}`, bytes: info.size } : undefined;
    }),
  );
  return identities.filter((entry) => entry !== undefined);
}

async function createIdentityTable(connection: DuckDBConnection, files: readonly FileIdentity[]): Promise<void> {
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE file_identity AS SELECT unnest($names) AS filename, unnest($identities) AS identity',
    { names: listValue(files.map((file) => file.filename)), identities: listValue(files.map((file) => file.identity)) },
    { names: LIST(VARCHAR), identities: LIST(VARCHAR) },
  );
}

/**
 * Fills `table` (which must exist, with the summary's columns) with the cached summaries of the
 * files that have not changed, and returns those files' names.
 */
export async function loadCachedSummaries(
  connection: DuckDBConnection,
  cacheFile: string,
  files: readonly FileIdentity[],
  table: string,
): Promise<Set<string>> {
  await createIdentityTable(connection, files);
  try {
    const covered = await connection.runAndReadAll(
      `SELECT DISTINCT c.filename FROM read_parquet($cache) AS c JOIN file_identity USING (filename, identity)`,
      { cache: cacheFile },
    );
    const names = new Set(covered.getRowObjectsJson().map((row) => String(row.filename)));
    // An empty file is cached as one row with rows = 0, so it is not re-read either; it has no runs.
    await connection.run(
      `INSERT INTO ${table} BY NAME SELECT * EXCLUDE (identity) FROM read_parquet($cache) AS c
       SEMI JOIN file_identity USING (filename, identity) WHERE c.rows > 0`,
      { cache: cacheFile },
    );
    return names;
  } catch {
    return new Set();
  }
}

/** Writes the summaries of `files` from `table`, replacing the cache whole. Best effort. */
export async function saveSummaries(
  connection: DuckDBConnection,
  dataDir: string,
  cacheFile: string,
  files: readonly FileIdentity[],
  table: string,
): Promise<void> {
  const { cacheDir } = dataLayout(dataDir);
  const tmp = temporaryPath(cacheDir, cacheFile);
  try {
    await mkdir(cacheDir, { recursive: true });
    await createIdentityTable(connection, files);
    await connection.run(
      `COPY (
         SELECT i.filename, s.* EXCLUDE (filename, rows), coalesce(s.rows, 0)::INTEGER AS rows, i.identity
         FROM file_identity AS i LEFT JOIN ${table} AS s USING (filename)
         ORDER BY i.filename, s.run_id
       ) TO '${tmp.replaceAll("'", "''")}' (FORMAT parquet)`,
    );
    await rename(tmp, cacheFile);
    for (const entry of await readdir(cacheDir)) {
      const old = path.join(cacheDir, entry);
      if (entry.startsWith(CACHE_PREFIX) && entry.endsWith('.parquet') && old !== cacheFile) await unlink(old).catch(() => undefined);
    }
  } catch {
    // A read-only checkout or a full disk costs the next open a rescan, nothing more.
    await unlink(tmp).catch(() => undefined);
  }
}
