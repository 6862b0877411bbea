/** The one place that opens DuckDB, so settings (time zone, memory) are the same for every caller. */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { UsageError } from '../shared/errors.ts';

/**
 * DuckDB's own default is 80 % of the machine's memory, which it then holds on to: a 100,000-run site
 * build peaked at 8 GB with it. A history's analysis is given about four times its Parquet files, between
 * 256 MB and 512 MB: DuckDB's resident memory runs about 0.8 GB past its limit there, and at 100,000 runs
 * (223 MB of Parquet) the analysis took the same 26–27 s with 1 GB, 768 MB and 512 MB while its peak fell
 * from 1.79 GB to 1.62 GB and 1.36 GB (BENCHMARKS.md, issue #16). PERFSITE_DUCKDB_MEMORY_LIMIT overrides it.
 * MB as DuckDB reads it: 10⁶ bytes.
 */
const MEMORY_FLOOR_MB = 256;
const MEMORY_CEILING_MB = 512;
const MEMORY_PER_HISTORY_BYTE = 4;

/** `historyBytes`: the size of the history's Parquet files; unknown (a connection that writes, not reads), the ceiling. */
export function duckdbMemoryLimit(historyBytes?: number, env: NodeJS.ProcessEnv = process.env): string {
  const limit = env.PERFSITE_DUCKDB_MEMORY_LIMIT?.trim();
  if (limit === undefined || limit === '') {
    if (historyBytes === undefined) return `${MEMORY_CEILING_MB}MB`;
    const wanted = MEMORY_FLOOR_MB + (MEMORY_PER_HISTORY_BYTE * historyBytes) / 1e6;
    return `${Math.round(Math.min(MEMORY_CEILING_MB, wanted))}MB`;
  }
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(limit)) {
    throw new UsageError(`PERFSITE_DUCKDB_MEMORY_LIMIT=${JSON.stringify(limit)} is not a size: write it like 1500MB or 4GB, or unset it.`);
  }
  return limit;
}

/**
 * Once a site build's analysis is done, pages only read the tables it built, by key: DuckDB may keep far
 * less, and what it holds beyond the floor goes to the temporary folder. At 100,000 runs the floor instead
 * of 490 MB took 0.3 GB off the resident memory while the pages were written, in no more time.
 */
export function duckdbReadingMemoryLimit(historyBytes: number, env: NodeJS.ProcessEnv = process.env): string {
  const limit = env.PERFSITE_DUCKDB_MEMORY_LIMIT?.trim();
  if (limit) return duckdbMemoryLimit(historyBytes, env);
  return `${MEMORY_FLOOR_MB}MB`;
}

export type Row = Record<string, unknown>;

async function connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await DuckDBConnection.create(instance);
  // Timestamps are stored as UTC; a reader's local zone must never shift them.
  await connection.run("SET TimeZone = 'UTC'");
  return connection;
}

export interface DuckDBDatabase {
  connection: DuckDBConnection;
  /** Sets the memory limit for a history of this many bytes (see duckdbMemoryLimit), or its reading limit. */
  sizeFor(historyBytes: number, phase?: 'analysing' | 'reading'): Promise<void>;
  /**
   * Another connection to the same database (its tables and views, its memory limit): work on it runs
   * beside the first connection's instead of queueing behind it.
   */
  connect(): Promise<DuckDBConnection>;
}

export async function openDuckDBDatabase(): Promise<DuckDBDatabase> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: duckdbMemoryLimit(),
    temp_directory: path.join(tmpdir(), 'perfsite-duckdb'),
  });
  const connection = await connect(instance);
  return {
    connection,
    connect: () => connect(instance),
    sizeFor: async (historyBytes, phase = 'analysing') => {
      const limit = phase === 'analysing' ? duckdbMemoryLimit(historyBytes) : duckdbReadingMemoryLimit(historyBytes);
      await connection.run(`SET memory_limit = '${limit}'`);
    },
  };
}

export async function openDuckDB(): Promise<DuckDBConnection> {
  return (await openDuckDBDatabase()).connection;
}

/**
 * Runs a parameterised query and returns plain objects. BIGINT arrives from DuckDB as a string
 * (it may not fit a double), so counts are cast in SQL where a number is wanted.
 */
export async function queryRows<T extends Row = Row>(
  connection: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue> | DuckDBValue[] = [],
  types?: Record<string, DuckDBType | undefined>,
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params, types);
  return reader.getRowObjectsJson() as T[];
}

/** Quotes a string as an SQL literal, for the few places DuckDB takes no parameter (file lists in table functions, COPY targets). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function sqlStringList(texts: readonly string[]): string {
  return `[${texts.map(sqlString).join(', ')}]`;
}
