/**
 * A query result (an Arrow table from duckdb-wasm) as the explorer shows it: each value as text, exact
 * (numbers in full, 64-bit integers without rounding, times in ISO 8601 UTC), and what to chart: a
 * numeric column over the first time column, or over the first text column as categories.
 */
import { DataType, type Table, util } from 'apache-arrow';

export type ColumnKind = 'time' | 'number' | 'text';

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
}

export interface ChartInput {
  kind: 'time' | 'category';
  x: string;
  y: string;
  /** A second text column splits a time chart into one line per value (a platform, say). */
  series: string | null;
  points: Array<{ x: Date | string; y: number; series: string | null }>;
  /** The chart draws this many points at most; more are counted in `total`. */
  total: number;
}

export interface ResultView {
  columns: ResultColumn[];
  rows: string[][];
  rowCount: number;
  chart: ChartInput | null;
}

/** A time chart stays legible and quick to the reader's browser up to about this many points. */
export const CHART_POINTS = 5_000;
const CHART_CATEGORIES = 50;

function kindOf(type: DataType): ColumnKind {
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return 'time';
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  return 'text';
}

function numberOf(value: unknown, type: DataType): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (DataType.isDecimal(type)) return util.bigNumToNumber(value as Parameters<typeof util.bigNumToNumber>[0], type.scale);
  return null;
}

function text(value: unknown, type: DataType, kind: ColumnKind): string {
  if (value === null || value === undefined) return '';
  if (kind === 'time') return new Date(Number(value)).toISOString();
  if (DataType.isDecimal(type))
    return util.bigNumToString(value as Parameters<typeof util.bigNumToString>[0]).replace(/(\d+)$/, (digits) => {
      const padded = digits.padStart(type.scale + 1, '0');
      return type.scale > 0 ? `${padded.slice(0, -type.scale)}.${padded.slice(-type.scale)}` : padded;
    });
  if (typeof value === 'object') return JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? inner.toString() : inner));
  return String(value);
}

export function describeResult(table: Table, shownRows: number): ResultView {
  const fields = table.schema.fields;
  const columns = fields.map((field) => ({ name: field.name, kind: kindOf(field.type) }));
  const vectors = fields.map((_, index) => table.getChildAt(index));
  const rowCount = table.numRows;
  const rows: string[][] = [];
  for (let row = 0; row < Math.min(rowCount, shownRows); row++) {
    rows.push(fields.map((field, index) => text(vectors[index]?.get(row), field.type, columns[index]?.kind ?? 'text')));
  }
  return { columns, rows, rowCount, chart: chartOf(table, columns) };
}

function chartOf(table: Table, columns: readonly ResultColumn[]): ChartInput | null {
  const time = columns.findIndex((column) => column.kind === 'time');
  const value = columns.findIndex((column) => column.kind === 'number');
  const label = columns.findIndex((column) => column.kind === 'text');
  if (value === -1 || (time === -1 && label === -1)) return null;
  const kind = time === -1 ? 'category' : 'time';
  const x = kind === 'time' ? time : label;
  const series = kind === 'time' && label !== -1 ? label : -1;
  const limit = kind === 'time' ? CHART_POINTS : CHART_CATEGORIES;
  const fields = table.schema.fields;
  const [xVector, yVector, seriesVector] = [x, value, series].map((index) => (index === -1 ? null : table.getChildAt(index)));
  const points: ChartInput['points'] = [];
  for (let row = 0; row < Math.min(table.numRows, limit); row++) {
    const y = numberOf(yVector?.get(row), (fields[value] as (typeof fields)[number]).type);
    const rawX = xVector?.get(row);
    if (y === null || rawX === null || rawX === undefined) continue;
    points.push({
      x: kind === 'time' ? new Date(Number(rawX)) : text(rawX, (fields[x] as (typeof fields)[number]).type, 'text'),
      y,
      series: seriesVector ? text(seriesVector.get(row), (fields[series] as (typeof fields)[number]).type, 'text') : null,
    });
  }
  return {
    kind,
    x: (columns[x] as ResultColumn).name,
    y: (columns[value] as ResultColumn).name,
    series: series === -1 ? null : (columns[series] as ResultColumn).name,
    points,
    total: table.numRows,
  };
}
