/**
 * The history as the in-browser explorer loads it: three Arrow IPC streams (runs, series, measurements),
 * gzip-compressed (the browser inflates them with DecompressionStream). Normalised, a measurement costs
 * 17 bytes before compression instead of a row of repeated names; duckdb-wasm reads Arrow with nothing
 * more to download, where Parquet would need an extension from the network.
 *
 * The explorer joins them back into a `metrics` view with the column names of the build-time one (see
 * EXPLORER_SETUP_SQL), so a query runs the same in the browser and on the downloaded Parquet file.
 */

import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  Bool,
  Dictionary,
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';

export const EXPLORER_TABLES = ['runs', 'series', 'measurements'] as const;
export type ExplorerTable = (typeof EXPLORER_TABLES)[number];

export function explorerFileName(table: ExplorerTable): string {
  return `${table}.arrow.gz`;
}

/** The measurement statuses, by their code in the measurements table. */
const STATUSES = ['ok', 'failed'] as const;

/**
 * Run in the browser once the three tables are in: the history as one view, as `metrics` is at build
 * time; then the engine is shut off from everything but them (no file, no URL, no extension: a query
 * from a link someone sent cannot make the page fetch anything), and that setting is locked.
 */
export const EXPLORER_SETUP_SQL = [
  `CREATE TABLE statuses AS SELECT * FROM (VALUES ${STATUSES.map((status, code) => `(${code}::TINYINT, '${status}')`).join(', ')}) AS s(status_code, status)`,
  `CREATE VIEW metrics AS
   SELECT r.run_id, r.timestamp, r.platform, s.suite, s.metric, m.value, s.unit, s.direction, st.status,
          r.git_commit, r.git_branch, r.git_message, r.run_type, r.mode, r.synthetic
   FROM measurements AS m
   JOIN runs AS r USING (run_index)
   JOIN series AS s USING (series_index)
   JOIN statuses AS st USING (status_code)`,
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
  'SET enable_external_access = false',
  'SET lock_configuration = true',
];

const dictionary = () => new Dictionary(new Utf8(), new Int32());
const gzipAsync = promisify(gzip);

async function streamRows(connection: DuckDBConnection, sql: string, onChunk: (columns: unknown[][]) => void): Promise<void> {
  const result = await connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    onChunk(chunk.getColumns());
  }
}

async function runsTable(connection: DuckDBConnection): Promise<Table> {
  const columns: { [name: string]: unknown[] } = {
    run_index: [],
    run_id: [],
    timestamp: [],
    platform: [],
    git_commit: [],
    git_branch: [],
    git_message: [],
    run_type: [],
    mode: [],
    synthetic: [],
  };
  const names = Object.keys(columns);
  await streamRows(
    connection,
    `SELECT run_index, run_id, epoch_ms(timestamp)::DOUBLE, platform, git_commit, git_branch, git_message, run_type, mode, synthetic
     FROM explorer_runs ORDER BY run_index`,
    (chunk) => {
      chunk.forEach((values, index) => {
        (columns[names[index] as string] as unknown[]).push(...values);
      });
    },
  );
  return new Table({
    run_index: makeVector(Int32Array.from(columns.run_index as number[])),
    run_id: vectorFromArray(columns.run_id as string[], new Utf8()),
    timestamp: vectorFromArray(columns.timestamp as number[], new TimestampMillisecond()),
    platform: vectorFromArray(columns.platform as string[], dictionary()),
    git_commit: vectorFromArray(columns.git_commit as Array<string | null>, new Utf8()),
    git_branch: vectorFromArray(columns.git_branch as Array<string | null>, dictionary()),
    git_message: vectorFromArray(columns.git_message as Array<string | null>, new Utf8()),
    run_type: vectorFromArray(columns.run_type as Array<string | null>, dictionary()),
    mode: vectorFromArray(columns.mode as Array<string | null>, dictionary()),
    synthetic: vectorFromArray(columns.synthetic as Array<boolean | null>, new Bool()),
  });
}

async function seriesTable(connection: DuckDBConnection): Promise<Table> {
  const rows: unknown[][] = [];
  await streamRows(
    connection,
    'SELECT series_index, suite, metric, unit, direction FROM explorer_series ORDER BY series_index',
    (chunk) => {
      const [indexes = []] = chunk;
      indexes.forEach((_, row) => {
        rows.push(chunk.map((column) => column[row]));
      });
    },
  );
  const column = (at: number) => rows.map((row) => row[at]);
  return new Table({
    series_index: makeVector(Int32Array.from(column(0) as number[])),
    suite: vectorFromArray(column(1) as string[], new Utf8()),
    metric: vectorFromArray(column(2) as string[], new Utf8()),
    unit: vectorFromArray(column(3) as string[], dictionary()),
    direction: vectorFromArray(column(4) as string[], dictionary()),
  });
}

async function measurementsTable(connection: DuckDBConnection): Promise<Table> {
  const [{ count } = { count: 0 }] = await queryRows<{ count: number }>(connection, 'SELECT count(*)::INTEGER AS count FROM metrics');
  const runIndexes = new Int32Array(count);
  const seriesIndexes = new Int32Array(count);
  const values = new Float64Array(count);
  // Arrow's validity bitmap: bit i of byte i >> 3 set when value i is present.
  const validity = new Uint8Array(Math.ceil(count / 8));
  let nulls = 0;
  const statusCodes = new Int8Array(count);
  let at = 0;
  await streamRows(
    connection,
    `SELECT r.run_index, s.series_index, m.value, m.status = 'ok'
     FROM metrics AS m
     JOIN explorer_runs AS r USING (run_id)
     JOIN explorer_series AS s USING (suite, metric, unit, direction)
     ORDER BY r.run_index, s.series_index`,
    ([runs = [], series = [], measured = [], ok = []]) => {
      for (let row = 0; row < runs.length; row++, at++) {
        runIndexes[at] = runs[row] as number;
        seriesIndexes[at] = series[row] as number;
        const value = measured[row] as number | null;
        values[at] = value ?? 0;
        if (value === null) nulls++;
        else validity[at >> 3] = (validity[at >> 3] as number) | (1 << (at & 7));
        statusCodes[at] = ok[row] ? 0 : 1;
      }
    },
  );
  return new Table({
    run_index: makeVector(runIndexes.subarray(0, at)),
    series_index: makeVector(seriesIndexes.subarray(0, at)),
    value: makeVector(makeData({ type: new Float64(), length: at, nullCount: nulls, nullBitmap: validity, data: values.subarray(0, at) })),
    status_code: makeVector(statusCodes.subarray(0, at)),
  });
}

/** The three files, built once per opened history however many pages ask (on `connection`, one of its connections). */
export function explorerFiles(
  history: History,
  connection: DuckDBConnection = history.connection,
): Promise<Record<ExplorerTable, Uint8Array<ArrayBuffer>>> {
  return history.memo('site:explorer-files', () => buildFiles(connection));
}

async function buildFiles(connection: DuckDBConnection): Promise<Record<ExplorerTable, Uint8Array<ArrayBuffer>>> {
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE explorer_runs AS
     SELECT (row_number() OVER (ORDER BY timestamp, run_id) - 1)::INTEGER AS run_index, * FROM runs`,
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE explorer_series AS
     SELECT (row_number() OVER (ORDER BY suite, metric, unit, direction) - 1)::INTEGER AS series_index, *
     FROM (SELECT DISTINCT suite, metric, unit, direction FROM metrics)`,
  );
  const tables = {
    runs: await runsTable(connection),
    series: await seriesTable(connection),
    measurements: await measurementsTable(connection),
  };
  await connection.run('DROP TABLE explorer_runs; DROP TABLE explorer_series');
  const entries = await Promise.all(
    EXPLORER_TABLES.map(async (name) => [name, new Uint8Array(await gzipAsync(tableToIPC(tables[name], 'stream')))] as const),
  );
  return Object.fromEntries(entries) as Record<ExplorerTable, Uint8Array<ArrayBuffer>>;
}
