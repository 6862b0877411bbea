/** The one place that opens DuckDB, so settings (time zone, memory) are the same for every caller. */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/**
 * DuckDB's own default is 80 % of the machine's memory, which it then holds on to: a 100,000-run site
 * build peaked at 8 GB with it. A history's analysis needs about four times its Parquet files: the limit
 * follows that, between 256 MB and 1 GB. At 100,000 runs (223 MB of Parquet) 1 GB built the site in
 * 100 s and 2.5 GB, against 108 s and 3.1 GB with 1.5 GB, and 123 s with 600 MB, where sorts spill to the
 * system's temporary folder (BENCHMARKS.md, issue #16). PERFSITE_DUCKDB_MEMORY_LIMIT overrides it.
 * MB as DuckDB reads it: 10⁶ bytes.
 */
const MEMORY_FLOOR_MB = 256;
const MEMORY_CEILING_MB = 1024;
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
    throw new Error(`PERFSITE_DUCKDB_MEMORY_LIMIT=${JSON.stringify(limit)} is not a size: write it like 1500MB or 4GB, or unset it.`);
  }
  return limit;
}

/**
 * Once a site build's analysis is done, pages only read the tables it built, by key: DuckDB may keep far
 * less, and what it holds beyond the new limit goes to the temporary folder. A quarter of the analysis
 * limit's share per history byte, between the floor and half the ceiling.
 */
export function duckdbReadingMemoryLimit(historyBytes: number, env: NodeJS.ProcessEnv = process.env): string {
  const limit = env.PERFSITE_DUCKDB_MEMORY_LIMIT?.trim();
  if (limit) return duckdbMemoryLimit(historyBytes, env);
  const wanted = MEMORY_FLOOR_MB + historyBytes / 1e6;
  return `${Math.round(Math.min(MEMORY_CEILING_MB / 2, wanted))}MB`;
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
