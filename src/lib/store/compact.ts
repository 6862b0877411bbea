/**
 * Compaction: the per-run Parquet files (and runs only recorded as JSON) are merged into one
 * Parquet file per month, which answers queries far faster than thousands of small files.
 *
 * Order of operations keeps every row at all times: the month file is written beside its final
 * name, checked, renamed into place, and only then are the per-run files it now holds removed.
 * A compaction killed at any point leaves duplicates at worst, which the reader drops.
 */
import { lstat, mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PerfsiteError } from '../shared/errors.ts';
import { publishFile, temporaryPath } from './atomic-file.ts';
import { queryRows, sqlString } from './duckdb.ts';
import { openHistory } from './history.ts';
import { dataLayout, displayPath, monthParquetPath } from './paths.ts';
import type { Problem } from './record.ts';

export interface CompactionResult {
  months: Array<{ month: string; runs: number; rows: number; file: string }>;
  removedFiles: number;
  /** Files killed writers left in data/.tmp/. */
  removedTemporaryFiles: number;
  problems: Problem[];
}

export class CompactionBusyError extends PerfsiteError {}

const STALE_TMP_MS = 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One compaction at a time; a lock left by a dead process is taken over. */
async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(lockFile).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new CompactionBusyError(`another compaction (process ${holder}) holds ${displayPath(lockFile)}; wait for it to finish.`);
      }
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new CompactionBusyError(`could not take ${displayPath(lockFile)}; remove it if no compaction is running.`);
}

/**
 * The time on the file system's own clock: a file's age is measured against it, not against this process's
 * clock, which may differ (a network file system, a clock set by hand) and would make a live write look old.
 */
async function fileSystemNow(dir: string): Promise<number> {
  const probe = path.join(dir, `.clock-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await writeFile(probe, '');
    return (await lstat(probe)).mtimeMs;
  } catch {
    return Date.now();
  } finally {
    await rm(probe, { force: true });
  }
}

/**
 * Files in data/.tmp/ that no write can still be busy with: a writer publishes its file within seconds,
 * so one untouched for an hour was left by a process that was killed.
 */
export async function staleTemporaryFiles(dataDir: string, at?: number): Promise<string[]> {
  const { tmpDir } = dataLayout(dataDir);
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  if (names.length === 0) return [];
  const now = at ?? (await fileSystemNow(tmpDir));
  const stale: string[] = [];
  for (const name of names) {
    const file = path.join(tmpDir, name);
    const info = await lstat(file).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > STALE_TMP_MS) stale.push(file);
  }
  return stale;
}

async function removeStaleTemporaryFiles(dataDir: string): Promise<number> {
  const stale = await staleTemporaryFiles(dataDir);
  for (const file of stale) await rm(file, { force: true });
  return stale.length;
}

/** An unreadable month file is about to be replaced: keep its bytes beside it rather than destroy them. */
async function setAsideUnreadable(file: string, problems: Problem[]): Promise<void> {
  if (!problems.some((problem) => problem.file === displayPath(file))) return;
  const aside = `${file}.unreadable-${new Date().toISOString().replaceAll(/[:.]/g, '')}`;
  await rename(file, aside).catch(() => undefined);
  problems.push({
    file: displayPath(aside),
    reason: 'is the unreadable month file that compaction replaced (its runs were rebuilt from their JSON records)',
    fix: 'Delete it once you have checked the new month file.',
  });
}

export async function compactHistory(dataDir: string): Promise<CompactionResult> {
  const layout = dataLayout(dataDir);
  const release = await acquireLock(layout.compactLock);
  const history = await openHistory(dataDir, { forCompaction: true });
  const { connection } = history;
  try {
    const monthFilePrefix = `${layout.metricsDir}${path.sep}`;
    // A month needs rewriting when any of its runs is not yet only in that month's file.
    const months = await queryRows<{ month: string }>(
      connection,
      `SELECT DISTINCT strftime(m.timestamp, '%Y-%m') AS month
       FROM (SELECT DISTINCT run_id, timestamp FROM metrics) AS m
       LEFT JOIN file_runs AS s USING (run_id)
       WHERE s.filename IS NULL
          OR s.filename <> $prefix || strftime(m.timestamp, '%Y-%m') || '.parquet'
       ORDER BY month`,
      { prefix: monthFilePrefix },
    );

    const result: CompactionResult = { months: [], removedFiles: 0, removedTemporaryFiles: 0, problems: history.problems };
    // A history checked out from git holds only the records: no index, and no scratch folder either.
    if (months.length > 0) await mkdir(layout.tmpDir, { recursive: true });
    const mergedFiles = new Set<string>();
    for (const { month } of months) {
      const finalFile = monthParquetPath(layout, month);
      const tmp = temporaryPath(layout.tmpDir, finalFile);
      const expected = (
        await queryRows<{ runs: number; rows: number }>(
          connection,
          `SELECT count(DISTINCT run_id)::INTEGER AS runs, count(*)::INTEGER AS rows FROM metrics WHERE strftime(timestamp, '%Y-%m') = $month`,
          { month },
        )
      )[0] ?? { runs: 0, rows: 0 };
      await connection.run(
        `COPY (SELECT * FROM metrics WHERE strftime(timestamp, '%Y-%m') = ${sqlString(month)} ORDER BY platform, suite, metric, timestamp)
         TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
      );
      const written = (
        await queryRows<{ runs: number; rows: number }>(
          connection,
          `SELECT count(DISTINCT run_id)::INTEGER AS runs, count(*)::INTEGER AS rows FROM read_parquet(${sqlString(tmp)})`,
        )
      )[0];
      if (!written || written.runs !== expected.runs || written.rows !== expected.rows) {
        await rm(tmp, { force: true });
        throw new Error(`compaction of ${month} wrote ${written?.rows} rows instead of ${expected.rows}; nothing was changed.`);
      }
      await setAsideUnreadable(finalFile, history.problems);
      await publishFile(tmp, finalFile, { exclusive: false });

      const merged = await queryRows<{ filename: string }>(
        connection,
        `SELECT DISTINCT s.filename FROM file_runs AS s
         JOIN (SELECT DISTINCT run_id FROM metrics WHERE strftime(timestamp, '%Y-%m') = $month) USING (run_id)
         WHERE s.filename <> $final`,
        { month, final: finalFile },
      );
      for (const { filename } of merged) {
        if (path.dirname(filename) === layout.pendingMetricsDir) mergedFiles.add(filename);
      }
      result.months.push({ month, runs: expected.runs, rows: expected.rows, file: finalFile });
    }
    // Only once every month file is in place: a per-run file may index runs of several months.
    for (const filename of mergedFiles) {
      await unlink(filename).catch(() => undefined);
      result.removedFiles++;
    }
    result.removedTemporaryFiles = await removeStaleTemporaryFiles(dataDir);
    return result;
  } finally {
    history.close();
    await release();
  }
}
