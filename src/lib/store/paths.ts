/** Where each kind of file lives under the data folder. Every path is built here, from validated ids only. */
import { constants, statSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../shared/errors.ts';
import { safeIdSchema } from './record.ts';

export const DEFAULT_DATA_DIR = 'data';

/** A history folder that cannot be one: named as the user gave it (the flag or the variable), with the fix. */
export class DataDirError extends DataError {}

function dataDirSource(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined) return `--data ${flag}`;
  if (env.PERFORMANCE_DB_PATH) return `PERFORMANCE_DB_PATH=${env.PERFORMANCE_DB_PATH}`;
  return `the history folder ${DEFAULT_DATA_DIR}/`;
}

const POINT_ELSEWHERE = 'point --data (or PERFORMANCE_DB_PATH) at the history folder; a missing one is created by the first run';

/**
 * PERFORMANCE_DB_PATH keeps the seed's meaning: where the history lives (here a folder, not a SQLite file).
 * A path that is a file, or lies under one, is refused here, before any command reads or measures anything.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = path.resolve(flag ?? env.PERFORMANCE_DB_PATH ?? DEFAULT_DATA_DIR);
  let isFolder: boolean | null;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return dir;
    if (code !== 'ENOTDIR') throw new DataDirError(`${dataDirSource(flag, env)} cannot be read (${code}): ${POINT_ELSEWHERE}`);
    isFolder = null;
  }
  if (isFolder) return dir;
  const what = isFolder === false ? 'is a file, not a folder' : 'lies inside a file, not a folder';
  throw new DataDirError(`${dataDirSource(flag, env)} ${what}: ${POINT_ELSEWHERE}`);
}

/**
 * The history folder, made if missing, and known to take a new run: checked before anything is measured,
 * so that a benchmark's minutes are not spent on results that cannot be kept.
 */
export async function ensureWritableDataDir(dir: string, flag?: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DataDirError(`${dataDirSource(flag, env)} cannot take a new run (${code}): ${POINT_ELSEWHERE}, one you can write`);
  }
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
