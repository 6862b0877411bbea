/** Where each kind of file lives under the data folder. Every path is built here, from validated ids only. */
import path from 'node:path';
import { safeIdSchema } from './record.ts';

export const DEFAULT_DATA_DIR = 'data';

/** PERFORMANCE_DB_PATH keeps the seed's meaning: where the history lives (here a folder, not a SQLite file). */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.PERFORMANCE_DB_PATH ?? DEFAULT_DATA_DIR);
}

export interface DataLayout {
  root: string;
  runsDir: string;
  metricsDir: string;
  pendingMetricsDir: string;
  tmpDir: string;
  cacheDir: string;
  baselinesFile: string;
  compactLock: string;
}

export function dataLayout(root: string): DataLayout {
  return {
    root,
    runsDir: path.join(root, 'runs'),
    metricsDir: path.join(root, 'metrics'),
    pendingMetricsDir: path.join(root, 'metrics', 'runs'),
    tmpDir: path.join(root, '.tmp'),
    cacheDir: path.join(root, '.cache'),
    baselinesFile: path.join(root, 'baselines.json'),
    compactLock: path.join(root, '.compact.lock'),
  };
}

function assertSafeId(id: string, what: string): void {
  if (!safeIdSchema.safeParse(id).success) throw new Error(`refusing to use ${JSON.stringify(id)} as a ${what} in a file name`);
}

/** Month of an ISO timestamp, used to shard runs so no folder grows without bound. */
export function monthOf(timestamp: string): string {
  const month = new Date(timestamp).toISOString().slice(0, 7);
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`cannot take a month from timestamp ${timestamp}`);
  return month;
}

export function runRecordPath(layout: DataLayout, id: string, timestamp: string): string {
  assertSafeId(id, 'run id');
  return path.join(layout.runsDir, monthOf(timestamp), `${id}.json`);
}

export function pendingParquetPath(layout: DataLayout, id: string): string {
  assertSafeId(id, 'run id');
  return path.join(layout.pendingMetricsDir, `${id}.parquet`);
}

export function monthParquetPath(layout: DataLayout, month: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  return path.join(layout.metricsDir, `${month}.parquet`);
}

/** Paths shown to people are relative to the working directory, so they can be pasted into a shell. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}
