/** The one place that opens DuckDB, so settings (time zone, threads) are the same for every caller. */
import { DuckDBConnection, DuckDBInstance, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

export async function openDuckDB(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await DuckDBConnection.create(instance);
  // Timestamps are stored as UTC; a reader's local zone must never shift them.
  await connection.run("SET TimeZone = 'UTC'");
  return connection;
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
