/**
 * The one way the rest of perfsite reads the history: an in-memory DuckDB table `metrics`
 * (one row per run × metric) and a view `runs` (one row per run), built from everything under data/.
 *
 * A run counts when its JSON record exists. Its rows come from the Parquet index when it has been
 * indexed, otherwise straight from the validated JSON (a run whose writer was interrupted between
 * the two files is still whole). Files that cannot be read are reported by name and left out;
 * they never take the rest of the history down with them.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDB, queryRows, sqlStringList } from './duckdb.ts';
import { createMetricTableSql, insertRecords, METRIC_COLUMN_NAMES } from './metric-table.ts';
import { dataLayout, displayPath } from './paths.ts';
import { type Problem, type RunRecord, SAFE_ID_PATTERN } from './record.ts';
import { listRecordFiles, readRecordFile } from './store.ts';

export interface History {
  connection: DuckDBConnection;
  dataDir: string;
  problems: Problem[];
  /** Runs read from their JSON record because they were not (yet) in the Parquet index. */
  unindexedRuns: number;
  close(): void;
}

export async function listParquetFiles(dataDir: string): Promise<string[]> {
  const { metricsDir } = dataLayout(dataDir);
  const entries = await readdir(metricsDir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.parquet'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function loadParquet(connection: DuckDBConnection, files: readonly string[], problems: Problem[]): Promise<void> {
  const insert = (list: readonly string[]) =>
    connection.run(
      `INSERT INTO raw BY NAME SELECT ${METRIC_COLUMN_NAMES.join(', ')}, filename FROM read_parquet(${sqlStringList(list)}, union_by_name = true, filename = true)`,
    );
  if (files.length === 0) return;
  try {
    await insert(files);
    return;
  } catch {
    // One bad file fails the whole glob: find it by reading each file alone.
  }
  const readable: string[] = [];
  for (const file of files) {
    try {
      await connection.run(`SELECT count(*) FROM read_parquet(${sqlStringList([file])})`);
      readable.push(file);
    } catch (error) {
      const gone = await stat(file).then(
        () => false,
        () => true,
      );
      if (gone) continue; // compacted away while we were reading: its rows are in the month file or the JSON
      problems.push({
        file: displayPath(file),
        reason: `is not a readable Parquet file (${firstLine((error as Error).message)})`,
        fix: 'It was left out; the runs it indexed are read from their JSON records, and `npm run compact` rebuilds the index. Delete the file once compacted.',
      });
    }
  }
  if (readable.length > 0) await insert(readable);
}

/**
 * Parquet files may come from elsewhere (a merge, another tool): rows that break the record's rules
 * are not trusted. All rows of such a run in that file are dropped, so the run is read from its
 * validated JSON record instead.
 */
async function dropInvalidRows(connection: DuckDBConnection, problems: Problem[]): Promise<void> {
  const rule = `
    CASE
      WHEN run_id IS NULL OR NOT regexp_full_match(run_id, '${SAFE_ID_PATTERN}') THEN 'an unsafe or missing run id'
      WHEN platform IS NULL OR NOT regexp_full_match(platform, '${SAFE_ID_PATTERN}') THEN 'an unsafe or missing platform id'
      WHEN timestamp IS NULL OR suite IS NULL OR metric IS NULL THEN 'a missing timestamp, suite or metric name'
      WHEN direction IS NULL OR direction NOT IN ('higher', 'lower') THEN 'an unknown direction'
      WHEN status IS NULL OR status NOT IN ('ok', 'failed', 'skipped') THEN 'an unknown status'
      WHEN status = 'ok' AND (value IS NULL OR NOT isfinite(value)) THEN 'a value that is not a finite number'
      WHEN status <> 'ok' AND value IS NOT NULL THEN 'a value on a failed or skipped measurement'
      WHEN list_bool_or(list_transform(coalesce(samples, []), x -> x IS NULL OR NOT isfinite(x))) THEN 'a sample that is not a finite number'
    END`;
  const invalid = await queryRows<{ filename: string; run_id: string; reason: string }>(
    connection,
    `SELECT filename, run_id, min(${rule}) AS reason FROM raw WHERE (${rule}) IS NOT NULL GROUP BY filename, run_id ORDER BY filename, run_id`,
  );
  for (const row of invalid) {
    problems.push({
      file: displayPath(row.filename),
      reason: `holds rows of run ${row.run_id} with ${row.reason}`,
      fix: 'Those rows are left out and the run is read from its JSON record; `npm run compact` rewrites the index from the records.',
    });
  }
  if (invalid.length > 0) {
    await connection.run(`DELETE FROM raw WHERE (filename, run_id) IN (SELECT (filename, run_id) FROM raw WHERE (${rule}) IS NOT NULL)`);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.slice(0, 200) ?? text;
}

export interface OpenOptions {
  /**
   * Keep table `sources` (run_id, filename) of every Parquet file a run was read from, and the rows
   * of runs without a record in `metrics`: compaction must carry them over, never drop them.
   */
  forCompaction?: boolean;
}

export async function openHistory(dataDir: string, options: OpenOptions = {}): Promise<History> {
  const connection = await openDuckDB();
  const problems: Problem[] = [];

  const recordFiles = new Map<string, string>();
  for (const { id, file } of await listRecordFiles(dataDir)) {
    const first = recordFiles.get(id);
    if (first) {
      problems.push({
        file: displayPath(file),
        field: 'id',
        reason: `run id ${id} is also recorded in ${displayPath(first)}`,
        fix: 'Run ids are unique: the first file counts; delete the copy that should not.',
      });
      continue;
    }
    recordFiles.set(id, file);
  }

  await connection.run(`${createMetricTableSql('raw').replace(/\)$/, ', filename VARCHAR)')}`);
  await loadParquet(connection, await listParquetFiles(dataDir), problems);

  await dropInvalidRows(connection, problems);

  await connection.run('CREATE TABLE recorded (run_id VARCHAR PRIMARY KEY)');
  const appender = await connection.createAppender('recorded');
  for (const id of recordFiles.keys()) {
    appender.appendVarchar(id);
    appender.endRow();
  }
  appender.closeSync();

  const orphans = await queryRows<{ run_id: string; filename: string }>(
    connection,
    'SELECT run_id, min(filename) AS filename FROM raw ANTI JOIN recorded USING (run_id) GROUP BY run_id ORDER BY run_id',
  );
  for (const orphan of options.forCompaction ? [] : orphans) {
    problems.push({
      file: displayPath(orphan.filename),
      reason: `holds rows of run ${orphan.run_id}, which has no record in ${displayPath(dataLayout(dataDir).runsDir)}`,
      fix: 'They are left out. Restore the run’s JSON record (e.g. from git history) to bring it back.',
    });
  }

  // A run indexed twice (a compaction interrupted before it removed the per-run file) counts once:
  // the rows of one file are kept, the compacted month file first (its name sorts first).
  await connection.run(createMetricTableSql('metrics'));
  await connection.run(`
    INSERT INTO metrics
    SELECT ${METRIC_COLUMN_NAMES.join(', ')} FROM raw
    ${options.forCompaction ? '' : 'SEMI JOIN recorded USING (run_id)'}
    SEMI JOIN (SELECT run_id, min(filename) AS filename FROM raw GROUP BY run_id) AS chosen USING (run_id, filename)`);

  const indexed = new Set(
    (await queryRows<{ run_id: string }>(connection, 'SELECT DISTINCT run_id FROM metrics')).map((row) => row.run_id),
  );
  const unindexed: RunRecord[] = [];
  for (const [id, file] of recordFiles) {
    if (indexed.has(id)) continue;
    const result = await readRecordFile(file);
    if ('problems' in result) problems.push(...result.problems);
    else unindexed.push(result.record);
  }
  if (unindexed.length > 0) await insertRecords(connection, 'metrics', unindexed);
  if (options.forCompaction) await connection.run('CREATE TABLE sources AS SELECT DISTINCT run_id, filename FROM raw');
  await connection.run('DROP TABLE raw');
  await connection.run('DROP TABLE recorded');

  await connection.run(`
    CREATE VIEW runs AS
    SELECT run_id, any_value(timestamp) AS timestamp, any_value(platform) AS platform,
           any_value(platform_details) AS platform_details, any_value(git_commit) AS git_commit,
           any_value(git_branch) AS git_branch, any_value(git_dirty) AS git_dirty,
           any_value(git_message) AS git_message, any_value(git_commit_time) AS git_commit_time,
           any_value(run_type) AS run_type, any_value(mode) AS mode, any_value(synthetic) AS synthetic,
           any_value(source_tool) AS source_tool, count(*)::INTEGER AS metric_count
    FROM metrics GROUP BY run_id`);

  return {
    connection,
    dataDir,
    problems,
    unindexedRuns: unindexed.length,
    close: () => connection.closeSync(),
  };
}
