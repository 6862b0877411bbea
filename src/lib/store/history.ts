/**
 * The one way the rest of perfsite reads the history: a DuckDB view `metrics` (one row per
 * run × metric) and a view `runs` (one row per run), over everything under data/.
 *
 * A run counts when its JSON record exists. Its rows come from the Parquet index when it has been
 * indexed, otherwise straight from the validated JSON (a run whose writer was interrupted between
 * the two files is still whole). Files that cannot be read are reported by name and left out; they
 * never take the rest of the history down with them.
 *
 * The views read the Parquet files in place, so a query touches only the columns it needs. Opening
 * costs one scan of a few narrow columns of the files changed since the last open, summarised per
 * (file, run) in table `file_runs` (cached in data/.cache/); every integrity check (invalid rows,
 * duplicates, rows without a record, records without rows) runs on that summary.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { commandHint } from '../shared/command-hint.ts';
import { openDuckDBDatabase, queryRows, sqlStringList } from './duckdb.ts';
import { identifyFiles, loadCachedSummaries, saveSummaries, summaryCachePath } from './index-summary-cache.ts';
import { recordLimits } from './limits.ts';
import { createMetricTableSql, insertRecords, METRIC_COLUMN_NAMES, METRIC_COLUMNS } from './metric-table.ts';
import { dataLayout, displayPath } from './paths.ts';
import { type Problem, type RunRecord, SAFE_ID_PATTERN } from './record.ts';
import { listRecordFiles, readRecordFile } from './store.ts';

export interface History {
  connection: DuckDBConnection;
  /** Another connection to the same tables and views, for work that should run beside the first's. */
  connect(): Promise<DuckDBConnection>;
  dataDir: string;
  problems: Problem[];
  /** Runs read from their JSON record because they were not (yet) in the Parquet index. */
  unindexedRuns: number;
  /**
   * Adds a run that is not in the history (a pull request's record, judged against main's runs) to what
   * this open history reads, and to nothing on disk; a run already there is left as it is.
   * Says whether it was added.
   */
  addRecord(record: RunRecord): Promise<boolean>;
  /**
   * The one cache of what is worked out from this opened history (its change points, its level breaks, the
   * site's tables and their indexes): `compute` runs on the first ask of `key`, every later ask gets its
   * result. A record added forgets them all; `forget` drops the keys that start with a prefix.
   */
  memo<T>(key: string, compute: () => T): T;
  forget(prefix: string): void;
  /** The analysis is done and what follows reads its tables by key: DuckDB keeps less memory (duckdbReadingMemoryLimit). */
  doneAnalysing(): Promise<void>;
  close(): void;
}

export interface OpenOptions {
  /**
   * Keep the rows of runs without a record in `metrics`, and table `file_runs` (filename, run_id):
   * compaction must carry every row over, never drop one.
   */
  forCompaction?: boolean;
  /**
   * Also re-read the records changed since their runs were indexed (newer than the Parquet file that
   * holds their rows), so that a record corrupted after indexing is reported even though its rows
   * still read well. Costs one stat per record file: for the commands a person reads (stats, check,
   * the site), not for every open.
   */
  checkIndexedRecords?: boolean;
}

/** Records whose file changed after the Parquet file indexing their run was written, and no longer read. */
async function changedIndexedRecords(
  connection: DuckDBConnection,
  recordFiles: ReadonlyMap<string, string>,
  problems: Problem[],
): Promise<void> {
  const indexed = await queryRows<{ run_id: string; filename: string }>(
    connection,
    'SELECT run_id, min(filename) AS filename FROM file_runs GROUP BY run_id',
  );
  const parquetTimes = new Map<string, number>();
  for (const filename of new Set(indexed.map((row) => row.filename))) {
    const info = await stat(filename).catch(() => undefined);
    if (info) parquetTimes.set(filename, info.mtimeMs);
  }
  const suspects: string[] = [];
  const BATCH = 512;
  for (let start = 0; start < indexed.length; start += BATCH) {
    const stats = await Promise.all(
      indexed.slice(start, start + BATCH).map(async ({ run_id: runId, filename }) => {
        const file = recordFiles.get(runId);
        const indexedAt = parquetTimes.get(filename);
        if (!file || indexedAt === undefined) return undefined;
        const info = await stat(file).catch(() => undefined);
        return info && info.mtimeMs > indexedAt ? file : undefined;
      }),
    );
    suspects.push(...stats.filter((file) => file !== undefined));
  }
  for (const file of suspects) {
    const result = await readRecordFile(file);
    if ('problems' in result) {
      const [first] = result.problems;
      problems.push({
        file: first?.file ?? displayPath(file),
        reason: `changed after its run was indexed and can no longer be read (${first?.reason ?? 'invalid'}); its run is still shown from the index`,
        fix: `Run \`${commandHint('validate')}\` for details, then restore the file (e.g. \`git checkout -- <file>\`).`,
      });
    }
  }
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

function firstLine(text: string): string {
  return text.split('\n')[0]?.slice(0, 200) ?? text;
}

/** A record rule broken by a row, as SQL that yields the reason or NULL. Ids are checked once per run, not per row. */
const ROW_RULE = `
  CASE
    WHEN timestamp IS NULL OR suite IS NULL OR metric IS NULL THEN 'a missing timestamp, suite or metric name'
    WHEN direction IS NULL OR direction NOT IN ('higher', 'lower') THEN 'an unknown direction'
    WHEN status IS NULL OR status NOT IN ('ok', 'failed', 'skipped') THEN 'an unknown status'
    WHEN status = 'ok' AND (value IS NULL OR NOT isfinite(value)) THEN 'a value that is not a finite number'
    WHEN status <> 'ok' AND value IS NOT NULL THEN 'a value on a failed or skipped measurement'
    WHEN NOT isfinite(coalesce(list_sum(samples), 0)) THEN 'a sample that is not a finite number'
  END`;

const SUMMARY_COLUMNS = `filename, run_id, any_value(platform) AS platform, min(timestamp) AS timestamp, count(*)::INTEGER AS rows, min(${ROW_RULE}) AS bad_row, coalesce(max(len(samples)), 0)::INTEGER AS most_samples`;

/** A view over the given Parquet files with every metric column, whichever perfsite version wrote them. */
async function createSourceView(connection: DuckDBConnection, files: readonly string[], view: string): Promise<void> {
  const source = `read_parquet(${sqlStringList(files)}, union_by_name = true, filename = true)`;
  const present = new Set(
    (await queryRows<{ column_name: string }>(connection, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${source})`)).map(
      (row) => row.column_name,
    ),
  );
  const missing = METRIC_COLUMNS.filter(([name]) => !present.has(name));
  // Files written by an older perfsite may lack newer columns: they read as NULL.
  const select = [
    ...METRIC_COLUMN_NAMES.filter((name) => present.has(name)),
    ...missing.map(([name, type]) => `NULL::${type} AS ${name}`),
    'filename',
  ].join(', ');
  await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT ${select} FROM ${source}`);
}

/** Adds the summaries of the given files to `file_runs`; returns the files that could be read. */
async function summariseFiles(connection: DuckDBConnection, files: readonly string[], problems: Problem[]): Promise<Set<string>> {
  const summarise = async (list: readonly string[]) => {
    await createSourceView(connection, list, 'summary_source');
    await connection.run(`INSERT INTO file_runs SELECT ${SUMMARY_COLUMNS} FROM summary_source GROUP BY filename, run_id`);
  };
  if (files.length === 0) return new Set();
  try {
    await summarise(files);
    return new Set(files);
  } catch {
    // One bad file fails a scan of all of them: find it by reading each alone.
  }
  const readable = new Set<string>();
  for (const file of files) {
    try {
      await summarise([file]);
      readable.add(file);
    } catch (error) {
      const gone = await stat(file).then(
        () => false,
        () => true,
      );
      if (gone) continue; // compacted away while we were reading: its rows are in the month file or the JSON
      problems.push({
        file: displayPath(file),
        reason: `is not a readable Parquet file (${firstLine((error as Error).message)})`,
        fix: `It was left out; the runs it indexed are read from their JSON records, and \`${commandHint('compact')}\` rebuilds the index. Delete the file once compacted.`,
      });
    }
  }
  return readable;
}

/**
 * Fills table `file_runs` with the per-(file, run) summary of the Parquet index, from the cache for
 * unchanged files, and creates view `file_runs_source` over every readable file. Returns those files
 * and their size.
 */
async function summariseParquet(
  connection: DuckDBConnection,
  dataDir: string,
  files: readonly string[],
  problems: Problem[],
): Promise<{ readable: string[]; bytes: number }> {
  await connection.run(
    'CREATE TABLE file_runs (filename VARCHAR, run_id VARCHAR, platform VARCHAR, timestamp TIMESTAMP, rows INTEGER, bad_row VARCHAR, most_samples INTEGER)',
  );
  if (files.length === 0) return { readable: [], bytes: 0 };
  const identities = await identifyFiles(files);
  const cacheFile = summaryCachePath(dataDir, SUMMARY_COLUMNS);
  const cached = await loadCachedSummaries(connection, cacheFile, identities, 'file_runs');
  const readStale = await summariseFiles(
    connection,
    files.filter((file) => !cached.has(file)),
    problems,
  );
  const readable = files.filter((file) => cached.has(file) || readStale.has(file));
  if (readStale.size > 0) {
    const readableSet = new Set(readable);
    await saveSummaries(
      connection,
      dataDir,
      cacheFile,
      identities.filter((entry) => readableSet.has(entry.filename)),
      'file_runs',
    );
  }
  if (readable.length > 0) await createSourceView(connection, readable, 'file_runs_source');
  return { readable, bytes: identities.reduce((sum, entry) => sum + entry.bytes, 0) };
}

async function listRecords(dataDir: string, problems: Problem[]): Promise<Map<string, string>> {
  const recordFiles = new Map<string, string>();
  for (const { id, file } of await listRecordFiles(dataDir, problems)) {
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
  return recordFiles;
}

export async function openHistory(dataDir: string, options: OpenOptions = {}): Promise<History> {
  const { connection, connect, sizeFor } = await openDuckDBDatabase();
  const problems: Problem[] = [];
  const recordFiles = await listRecords(dataDir, problems);

  await connection.run(
    'CREATE TABLE recorded AS SELECT unnest($ids) AS run_id',
    { ids: listValue([...recordFiles.keys()]) },
    { ids: LIST(VARCHAR) },
  );

  const { readable, bytes } = await summariseParquet(connection, dataDir, await listParquetFiles(dataDir), problems);
  await sizeFor(bytes);
  if (readable.length === 0) await connection.run(createMetricTableSql('file_runs_source').replace(/\)$/, ', filename VARCHAR)'));

  // Rows that are not trusted: broken rules (they fall back to the JSON record), a run indexed twice
  // (a compaction interrupted before it removed the per-run file: the month file, which sorts first,
  // counts), and rows of runs that have no record.
  // A run of more metrics than a run may have (limits.ts), recorded before the limit or with it raised, is left
  // out of the analysis, which it would otherwise take all the machine's memory for; compaction keeps it.
  const limits = options.forCompaction ? null : recordLimits();
  const excluded = await queryRows<{
    filename: string;
    run_id: string;
    why: string;
    reason: string | null;
    rows: number;
    most_samples: number;
  }>(
    connection,
    `WITH kept AS (SELECT run_id, min(filename) AS filename FROM file_runs GROUP BY run_id HAVING count(*) > 1),
     judged AS (
       SELECT f.filename, f.run_id,
              CASE
                WHEN f.run_id IS NULL OR NOT regexp_full_match(f.run_id, '${SAFE_ID_PATTERN}') THEN 'an unsafe or missing run id'
                WHEN f.platform IS NULL OR NOT regexp_full_match(f.platform, '${SAFE_ID_PATTERN}') THEN 'an unsafe or missing platform id'
                ELSE f.bad_row
              END AS invalid,
              coalesce(f.filename <> k.filename, false) AS duplicate,
              r.run_id IS NULL AS orphan,
              coalesce(f.rows > $maxMetrics OR f.most_samples > $maxSamples, false) AS oversized,
              f.rows, f.most_samples
       FROM file_runs AS f
       LEFT JOIN kept AS k ON f.run_id = k.run_id
       LEFT JOIN recorded AS r ON f.run_id = r.run_id)
     SELECT filename, run_id,
            CASE WHEN invalid IS NOT NULL THEN 'invalid' WHEN duplicate THEN 'duplicate' WHEN oversized THEN 'oversized' ELSE 'orphan' END AS why,
            invalid AS reason, rows, most_samples
     FROM judged
     WHERE invalid IS NOT NULL OR duplicate OR oversized OR (orphan AND NOT $keepOrphans)
     ORDER BY filename, run_id`,
    {
      keepOrphans: options.forCompaction ?? false,
      maxMetrics: limits?.metricsPerRun.value ?? null,
      maxSamples: limits?.samplesPerMetric.value ?? null,
    },
  );
  const oversizedProblem = (runId: string, metrics: number, mostSamples: number): Problem => {
    const crossed = limits && metrics > limits.metricsPerRun.value ? limits.metricsPerRun : limits?.samplesPerMetric;
    const found =
      crossed === limits?.metricsPerRun
        ? `${metrics.toLocaleString('en')} metrics`
        : `a metric of ${mostSamples.toLocaleString('en')} samples`;
    return {
      file: displayPath(recordFiles.get(runId) ?? runId),
      reason: `has ${found}, over the limit of ${crossed?.value.toLocaleString('en')} ${crossed?.what}`,
      fix: `It is kept on disk and left out of the analysis; raise ${crossed?.variable}=N to include it.`,
    };
  };
  for (const row of excluded) {
    if (row.why === 'invalid') {
      problems.push({
        file: displayPath(row.filename),
        reason: `holds rows of run ${row.run_id} with ${row.reason}`,
        fix: `Those rows are left out and the run is read from its JSON record; \`${commandHint('compact')}\` rewrites the index from the records.`,
      });
    } else if (row.why === 'oversized') {
      problems.push(oversizedProblem(row.run_id, row.rows, row.most_samples));
    } else if (row.why === 'orphan') {
      problems.push({
        file: displayPath(row.filename),
        reason: `holds rows of run ${row.run_id}, which has no record in ${displayPath(dataLayout(dataDir).runsDir)}`,
        fix: 'They are left out. Restore the run’s JSON record (e.g. from git history) to bring it back.',
      });
    }
  }
  await connection.run('CREATE TABLE excluded (filename VARCHAR, run_id VARCHAR, why VARCHAR)');
  if (excluded.length > 0) {
    const excludedAppender = await connection.createAppender('excluded');
    for (const row of excluded) {
      excludedAppender.appendVarchar(row.filename);
      excludedAppender.appendVarchar(row.run_id);
      excludedAppender.appendVarchar(row.why);
      excludedAppender.endRow();
    }
    excludedAppender.closeSync();
  }

  if (options.checkIndexedRecords) await changedIndexedRecords(connection, recordFiles, problems);

  const missing = await queryRows<{ run_id: string }>(
    connection,
    `SELECT run_id FROM recorded ANTI JOIN (SELECT run_id FROM file_runs ANTI JOIN excluded USING (filename, run_id)) USING (run_id)
     ANTI JOIN (SELECT run_id FROM excluded WHERE why = 'oversized') USING (run_id) ORDER BY run_id`,
  );
  const unindexed: RunRecord[] = [];
  for (const { run_id: id } of missing) {
    const file = recordFiles.get(id);
    if (!file) continue;
    const result = await readRecordFile(file);
    if ('problems' in result) problems.push(...result.problems);
    else if (
      limits &&
      (result.record.metrics.length > limits.metricsPerRun.value ||
        result.record.metrics.some((metric) => (metric.samples?.length ?? 0) > limits.samplesPerMetric.value))
    )
      problems.push(
        oversizedProblem(
          id,
          result.record.metrics.length,
          result.record.metrics.reduce((most, metric) => Math.max(most, metric.samples?.length ?? 0), 0),
        ),
      );
    else unindexed.push(result.record);
  }
  await connection.run(createMetricTableSql('unindexed'));
  if (unindexed.length > 0) await insertRecords(connection, 'unindexed', unindexed);

  const columns = METRIC_COLUMN_NAMES.join(', ');
  const indexedRows = excluded.length > 0 ? 'file_runs_source ANTI JOIN excluded USING (filename, run_id)' : 'file_runs_source';
  await connection.run(`CREATE VIEW metrics AS SELECT ${columns} FROM ${indexedRows} UNION ALL BY NAME SELECT ${columns} FROM unindexed`);
  if (options.forCompaction) {
    // Compaction must rewrite the months of runs whose indexed rows were not trusted, and sweep up duplicates.
    await connection.run(
      `DELETE FROM file_runs WHERE (filename, run_id) IN (SELECT (filename, run_id) FROM excluded WHERE why = 'invalid')`,
    );
  }
  await connection.run(`
    CREATE VIEW runs AS
    SELECT run_id, any_value(timestamp) AS timestamp, any_value(platform) AS platform,
           any_value(platform_details) AS platform_details, any_value(git_commit) AS git_commit,
           any_value(git_branch) AS git_branch, any_value(git_dirty) AS git_dirty,
           any_value(git_message) AS git_message, any_value(git_commit_time) AS git_commit_time,
           any_value(git_parents) AS git_parents,
           any_value(run_type) AS run_type, any_value(mode) AS mode, any_value(synthetic) AS synthetic,
           any_value(source_tool) AS source_tool, count(*)::INTEGER AS metric_count
    FROM metrics GROUP BY run_id`);

  const memos = new Map<string, unknown>();
  return {
    connection,
    connect,
    dataDir,
    problems,
    unindexedRuns: unindexed.length,
    memo<T>(key: string, compute: () => T): T {
      if (!memos.has(key)) memos.set(key, compute());
      return memos.get(key) as T;
    },
    forget(prefix) {
      for (const key of [...memos.keys()]) if (key.startsWith(prefix)) memos.delete(key);
    },
    async addRecord(record) {
      const [known] = await queryRows<{ n: number }>(connection, 'SELECT count(*)::INTEGER AS n FROM metrics WHERE run_id = $id', {
        id: record.id,
      });
      if ((known?.n ?? 0) > 0) return false;
      await insertRecords(connection, 'unindexed', [record]);
      memos.clear();
      return true;
    },
    doneAnalysing: () => sizeFor(bytes, 'reading'),
    close: () => connection.closeSync(),
  };
}
