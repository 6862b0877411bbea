/**
 * The long form of the history: one row per run × metric, the shape DuckDB and Parquet hold.
 * Run-level fields are repeated on every row; Parquet's dictionary encoding makes that nearly free,
 * and it spares every query a join.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  BOOLEAN,
  DOUBLE,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  LIST,
  listValue,
  TIMESTAMP,
  timestampValue,
  VARCHAR,
} from '@duckdb/node-api';
import { readUnit, toBaseUnit } from '../shared/units.ts';
import { sqlString } from './duckdb.ts';
import type { RunRecord } from './record.ts';

export const METRIC_COLUMNS = [
  ['run_id', 'VARCHAR'],
  ['timestamp', 'TIMESTAMP'],
  ['schema_version', 'INTEGER'],
  ['platform', 'VARCHAR'],
  ['platform_details', 'VARCHAR'],
  ['git_commit', 'VARCHAR'],
  ['git_branch', 'VARCHAR'],
  ['git_dirty', 'BOOLEAN'],
  ['git_message', 'VARCHAR'],
  ['git_commit_time', 'TIMESTAMP'],
  ['git_parents', 'VARCHAR[]'],
  ['run_type', 'VARCHAR'],
  ['mode', 'VARCHAR'],
  ['synthetic', 'BOOLEAN'],
  ['source_tool', 'VARCHAR'],
  ['suite', 'VARCHAR'],
  ['metric', 'VARCHAR'],
  ['value', 'DOUBLE'],
  ['unit', 'VARCHAR'],
  ['direction', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['threshold', 'DOUBLE'],
  ['samples', 'DOUBLE[]'],
  ['spread_low', 'DOUBLE'],
  ['spread_high', 'DOUBLE'],
  ['spread_kind', 'VARCHAR'],
  ['description', 'VARCHAR'],
  ['benchmark', 'VARCHAR'],
  // JSON of the ordered [{name, value}] list: order matters, and VARCHAR keeps every reader of old files simple.
  ['params', 'VARCHAR'],
] as const;

export const METRIC_COLUMN_NAMES = METRIC_COLUMNS.map(([name]) => name);

/**
 * What escape.ts's neutralise replaces, as a DuckDB (RE2) pattern: control characters but tab and line breaks,
 * and the bidirectional embeddings, overrides and isolates.
 */
const UNSAFE_TEXT_PATTERN = '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\x{202a}-\\x{202e}\\x{2066}-\\x{2069}]';

/**
 * A text column of the metrics table with every unsafe character shown as U+FFFD: for text exports (CSV,
 * JSON) that reach a terminal or a spreadsheet. A history's records are read as they are on disk, so a
 * hand-made or forged one may hold an escape sequence that no write ever let through.
 */
export function neutralisedColumn(name: string): string {
  return `regexp_replace(${name}, '${UNSAFE_TEXT_PATTERN}', '\uFFFD', 'g')`;
}

/** The metrics table's text columns. */
export const TEXT_COLUMN_NAMES: readonly string[] = METRIC_COLUMNS.filter(([, type]) => type === 'VARCHAR').map(([name]) => name);

export function createMetricTableSql(table: string): string {
  return `CREATE TABLE ${table} (${METRIC_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`;
}

// Appended values need explicit types: the driver would otherwise guess INTEGER for [1, 2.5] from its first item.
const APPEND_TYPES: Record<string, DuckDBType> = {
  VARCHAR,
  INTEGER,
  BOOLEAN,
  DOUBLE,
  TIMESTAMP,
  'DOUBLE[]': LIST(DOUBLE),
  'VARCHAR[]': LIST(VARCHAR),
};

/**
 * The index holds every value in its unit's base (seconds, bytes, per second): a series recorded in ms
 * and later in ns is then one series of comparable numbers. The JSON record keeps what the tool wrote.
 */
function rowValues(record: RunRecord, metric: RunRecord['metrics'][number], details: string): DuckDBValue[] {
  const micros = (iso: string) => timestampValue(BigInt(Date.parse(iso)) * 1000n);
  const { unit, factor } = readUnit(metric.unit);
  const base = (value: number) => toBaseUnit(value, factor);
  return [
    record.id,
    micros(record.timestamp),
    record.schemaVersion,
    record.platform.id,
    details,
    record.git?.commit ?? null,
    record.git?.branch ?? null,
    record.git?.dirty ?? null,
    record.git?.message ?? null,
    record.git?.commitTime ? micros(record.git.commitTime) : null,
    record.git ? listValue(record.git.parents) : null,
    record.runType,
    record.mode,
    record.synthetic,
    record.source?.tool ?? null,
    metric.suite,
    metric.name,
    metric.value === null ? null : base(metric.value),
    unit,
    metric.direction,
    metric.status,
    metric.threshold ?? null,
    metric.samples ? listValue(metric.samples.map(base)) : null,
    metric.spread ? base(metric.spread.low) : null,
    metric.spread ? base(metric.spread.high) : null,
    metric.spread?.kind ?? null,
    metric.description ?? null,
    metric.benchmark ?? null,
    metric.params ? JSON.stringify(metric.params) : null,
  ];
}

/** Inserts the rows of validated records into a table created with createMetricTableSql. */
export async function insertRecords(connection: DuckDBConnection, table: string, records: readonly RunRecord[]): Promise<void> {
  const types = METRIC_COLUMNS.map(([name, type]) => {
    const bound = APPEND_TYPES[type];
    if (!bound) throw new Error(`no append type for column ${name} ${type}`);
    return bound;
  });
  const appender = await connection.createAppender(table);
  for (const record of records) {
    const details = JSON.stringify(record.platform.details);
    for (const metric of record.metrics) {
      rowValues(record, metric, details).forEach((value, index) => {
        if (value === null) appender.appendNull();
        else appender.appendValue(value, types[index]);
      });
      appender.endRow();
    }
  }
  appender.closeSync();
}

/** Writes the rows of records as one Parquet file. */
export async function writeRecordsParquet(connection: DuckDBConnection, records: readonly RunRecord[], file: string): Promise<void> {
  await connection.run('DROP TABLE IF EXISTS records_out');
  await connection.run(createMetricTableSql('records_out'));
  await insertRecords(connection, 'records_out', records);
  await connection.run(
    `COPY (SELECT * FROM records_out ORDER BY timestamp, run_id, suite, metric) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  await connection.run('DROP TABLE records_out');
}
