import { copyFile, mkdir, readdir, readFile, rename, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactHistory } from '../../src/lib/store/compact.ts';
import { duckdbMemoryLimit, duckdbReadingMemoryLimit, openDuckDB, queryRows, sqlString } from '../../src/lib/store/duckdb.ts';
import { listParquetFiles, openHistory } from '../../src/lib/store/history.ts';
import { dataLayout } from '../../src/lib/store/paths.ts';
import { RecordError } from '../../src/lib/store/record.ts';
import { appendRun, appendRuns, listRecordFiles } from '../../src/lib/store/store.ts';
import { makeRecord, tempDir } from '../helpers.ts';

async function runIds(dataDir: string) {
  const history = await openHistory(dataDir);
  const rows = await queryRows<{ run_id: string; metrics: number }>(
    history.connection,
    'SELECT run_id, count(*)::INTEGER AS metrics FROM metrics GROUP BY run_id ORDER BY run_id',
  );
  history.close();
  return { rows, problems: history.problems, unindexed: history.unindexedRuns };
}

async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

describe('appending runs', () => {
  it('writes a JSON record and its Parquet rows, read back exactly', async () => {
    const data = await tempDir();
    const input = makeRecord();
    const { file, record } = await appendRun(data, input);
    expect(path.relative(data, file)).toBe(path.join('runs', record.timestamp.slice(0, 7), `${record.id}.json`));
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(record);

    const history = await openHistory(data);
    const rows = await queryRows(
      history.connection,
      'SELECT suite, metric, value, unit, direction, samples, platform, git_commit FROM metrics ORDER BY metric',
    );
    history.close();
    expect(history.problems).toEqual([]);
    expect(history.unindexedRuns).toBe(0);
    expect(rows).toEqual([
      {
        suite: 'demo',
        metric: 'latency',
        value: 0.5,
        unit: 's',
        direction: 'lower',
        samples: [0.4, 0.5, 0.6],
        platform: 'Test_Linux_x86_64_2C_8GB',
        git_commit: 'a'.repeat(40),
      },
      {
        suite: 'demo',
        metric: 'throughput',
        value: 1200,
        unit: 'items/s',
        direction: 'higher',
        samples: [1100, 1200, 1250.5],
        platform: 'Test_Linux_x86_64_2C_8GB',
        git_commit: 'a'.repeat(40),
      },
    ]);
  });

  it('refuses a duplicate run id and leaves the first record untouched', async () => {
    const data = await tempDir();
    const first = makeRecord();
    const { file } = await appendRun(data, first);
    const before = await readFile(file, 'utf8');
    const again = { ...makeRecord(), id: first.id, metrics: [{ suite: 'x', name: 'y', value: 9, unit: 's', direction: 'lower' as const }] };
    const error = await appendRun(data, again).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecordError);
    expect((error as RecordError).message).toMatch(new RegExp(`run id ${first.id} is already recorded`));
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await runIds(data)).rows).toEqual([{ run_id: first.id, metrics: 2 }]);
  });

  it('refuses a duplicate id even when the other copy is filed under another month', async () => {
    const data = await tempDir();
    const first = makeRecord({}, new Date('2026-01-15T00:00:00Z'));
    await appendRun(data, first);
    const error = await appendRun(data, { ...makeRecord({}, new Date('2026-03-15T00:00:00Z')), id: first.id }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toMatch(/already recorded/);
  });

  it('refuses a duplicate id inside a large batch too, writing nothing of the batch', async () => {
    const data = await tempDir();
    const first = makeRecord({}, new Date('2026-01-15T00:00:00Z'));
    await appendRun(data, first);
    const batch = [1, 2, 3].map((n) => makeRecord({}, new Date(`2026-0${n + 3}-01T00:00:00Z`)));
    batch.push({ ...makeRecord({}, new Date('2026-08-01T00:00:00Z')), id: first.id });
    await expect(appendRuns(data, batch)).rejects.toThrow(/already recorded/);
    expect((await listRecordFiles(data)).map((file) => file.id)).toEqual([first.id]);
  });

  it('writes nothing when a record is invalid (NaN), and says which field', async () => {
    const data = await tempDir();
    const record = makeRecord();
    record.metrics[1] = { suite: 'demo', name: 'throughput', value: Number.NaN, unit: 'items/s', direction: 'higher' };
    await expect(appendRun(data, record)).rejects.toThrow(/metrics\[1\]\.value: must be a finite number/);
    expect(await listFiles(data)).toEqual([]);
  });

  it('writes nothing of a batch when one record in it is invalid', async () => {
    const data = await tempDir();
    const bad = makeRecord();
    bad.timestamp = 'yesterday';
    await expect(appendRuns(data, [makeRecord(), bad])).rejects.toThrow(/\(new run #2\): timestamp/);
    expect(await listFiles(data)).toEqual([]);
  });
});

describe('reading a damaged history', () => {
  it('reports a corrupt JSON record by file, and loads the rest', async () => {
    const data = await tempDir();
    const good = await appendRun(data, makeRecord());
    const month = path.dirname(good.file);
    await writeFile(path.join(month, 'hand-edited.json'), '{"schemaVersion": 1, "id": "hand-edited", ');
    const { rows, problems } = await runIds(data);
    expect(rows.map((row) => row.run_id)).toEqual([good.record.id]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toMatch(/hand-edited\.json$/);
    expect(problems[0]?.reason).toMatch(/not valid JSON/);
    expect(problems[0]?.fix).toMatch(/git checkout/);
  });

  it('reports a schema-invalid record with its field, and loads the rest', async () => {
    const data = await tempDir();
    const good = await appendRun(data, makeRecord());
    const invalid = { ...makeRecord(), id: 'invalid-run' };
    invalid.metrics = [{ suite: 'demo', name: 'latency', value: 'fast' as unknown as number, unit: 's', direction: 'lower' }];
    await writeFile(path.join(path.dirname(good.file), 'invalid-run.json'), JSON.stringify(invalid));
    const { rows, problems } = await runIds(data);
    expect(rows).toHaveLength(1);
    expect(problems).toEqual([expect.objectContaining({ field: 'metrics[0].value', reason: expect.stringMatching(/finite number/) })]);
  });

  it('reports a record of a future schema version and keeps the file as it is', async () => {
    const data = await tempDir();
    const good = await appendRun(data, makeRecord());
    const future = path.join(path.dirname(good.file), 'from-the-future.json');
    const text = JSON.stringify({ ...makeRecord(), id: 'from-the-future', schemaVersion: 7 });
    await writeFile(future, text);
    const { rows, problems } = await runIds(data);
    expect(rows).toHaveLength(1);
    expect(problems[0]?.reason).toMatch(/schema version 7/);
    expect(await readFile(future, 'utf8')).toBe(text);
  });

  it('survives a truncated Parquet file: reports it and reads its runs from their JSON records', async () => {
    const data = await tempDir();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await appendRun(data, makeRecord())).record);
    const [victim] = await listParquetFiles(data);
    if (!victim) throw new Error('no parquet written');
    await truncate(victim, Math.floor((await stat(victim)).size / 2));

    const { rows, problems, unindexed } = await runIds(data);
    expect(rows.map((row) => row.run_id)).toEqual(runs.map((run) => run.id).sort());
    expect(rows.every((row) => row.metrics === 2)).toBe(true);
    expect(unindexed).toBe(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toMatch(/\.parquet$/);
    expect(problems[0]?.reason).toMatch(/not a readable Parquet file/);
  });

  it('refuses an unsafe platform id from a hand-made record instead of using it', async () => {
    const data = await tempDir();
    await mkdir(path.join(data, 'runs', '2026-11'), { recursive: true });
    const record = makeRecord({ id: 'escape' });
    record.platform.id = '../../etc';
    await writeFile(path.join(data, 'runs', '2026-11', 'escape.json'), JSON.stringify(record));
    const { rows, problems } = await runIds(data);
    expect(rows).toEqual([]);
    expect(problems[0]).toMatchObject({ field: 'platform.id' });
  });

  it('leaves out Parquet rows of a run whose record is gone, and says so', async () => {
    const data = await tempDir();
    const kept = await appendRun(data, makeRecord());
    const removed = await appendRun(data, makeRecord());
    await unlink(removed.file);
    const { rows, problems } = await runIds(data);
    expect(rows.map((row) => row.run_id)).toEqual([kept.record.id]);
    expect(problems[0]?.reason).toMatch(new RegExp(`rows of run ${removed.record.id}, which has no record`));
  });

  it('reads an empty or missing data folder as an empty history', async () => {
    const data = await tempDir();
    expect(await runIds(path.join(data, 'missing'))).toEqual({ rows: [], problems: [], unindexed: 0 });
  });
});

describe('compaction', () => {
  it('merges per-run files into month files without losing or duplicating a row', async () => {
    const data = await tempDir();
    const dates = ['2026-01-03', '2026-01-20', '2026-02-01', '2026-02-28', '2026-03-01'].map((day) => new Date(`${day}T12:00:00Z`));
    for (const date of dates) await appendRun(data, makeRecord({}, date));
    const before = await runIds(data);

    const result = await compactHistory(data);
    expect(result.months.map((month) => [month.month, month.runs, month.rows])).toEqual([
      ['2026-01', 2, 4],
      ['2026-02', 2, 4],
      ['2026-03', 1, 2],
    ]);
    expect(result.removedFiles).toBe(5);
    expect((await listParquetFiles(data)).map((file) => path.relative(data, file))).toEqual([
      'metrics/2026-01.parquet',
      'metrics/2026-02.parquet',
      'metrics/2026-03.parquet',
    ]);
    expect(await runIds(data)).toEqual(before);

    // New runs land beside the month files and the next compaction folds them in.
    await appendRun(data, makeRecord({}, new Date('2026-02-10T00:00:00Z')));
    const second = await compactHistory(data);
    expect(second.months.map((month) => [month.month, month.runs])).toEqual([['2026-02', 3]]);
    expect((await runIds(data)).rows).toHaveLength(6);
    expect((await compactHistory(data)).months).toEqual([]);
  });

  it('indexes runs recorded only as JSON (a writer interrupted before its Parquet file)', async () => {
    const data = await tempDir();
    const { record } = await appendRun(data, makeRecord());
    for (const file of await listParquetFiles(data)) await unlink(file);
    expect((await runIds(data)).unindexed).toBe(1);
    await compactHistory(data);
    expect(await runIds(data)).toEqual({ rows: [{ run_id: record.id, metrics: 2 }], problems: [], unindexed: 0 });
  });

  it('indexes a history that holds only its records, as a git checkout of the history branch does', async () => {
    const data = await tempDir();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await appendRun(data, makeRecord())).record.id);
    const layout = dataLayout(data);
    await rm(layout.metricsDir, { recursive: true });
    await rm(layout.tmpDir, { recursive: true, force: true });
    await rm(layout.cacheDir, { recursive: true, force: true });
    await compactHistory(data);
    const { rows, problems, unindexed } = await runIds(data);
    expect(problems).toEqual([]);
    expect(unindexed).toBe(0);
    expect(rows.map((row) => row.run_id)).toEqual(runs.sort());
  });

  it('counts a run once when a compaction died before removing the per-run file', async () => {
    const data = await tempDir();
    const { record } = await appendRun(data, makeRecord({}, new Date('2026-05-05T00:00:00Z')));
    const [perRun] = await listParquetFiles(data);
    if (!perRun) throw new Error('no parquet written');
    const saved = `${perRun}.saved`;
    await copyFile(perRun, saved);
    await compactHistory(data);
    await copyFile(saved, perRun);
    await unlink(saved);
    expect((await listParquetFiles(data)).length).toBe(2);
    expect((await runIds(data)).rows).toEqual([{ run_id: record.id, metrics: 2 }]);
    await compactHistory(data);
    expect((await listParquetFiles(data)).map((file) => path.basename(file))).toEqual(['2026-05.parquet']);
  });

  it('replaces an unreadable month file from the JSON records and keeps the damaged bytes aside', async () => {
    const data = await tempDir();
    for (let i = 0; i < 3; i++) await appendRun(data, makeRecord({}, new Date(`2026-06-0${i + 1}T00:00:00Z`)));
    await compactHistory(data);
    const monthFile = path.join(dataLayout(data).metricsDir, '2026-06.parquet');
    await writeFile(monthFile, 'PAR1 not really');
    expect((await runIds(data)).rows).toHaveLength(3);
    const result = await compactHistory(data);
    expect(result.problems.some((problem) => /unreadable month file that compaction replaced/.test(problem.reason))).toBe(true);
    expect(await runIds(data)).toEqual(expect.objectContaining({ problems: [], unindexed: 0 }));
    expect((await runIds(data)).rows).toHaveLength(3);
    expect((await readdir(dataLayout(data).metricsDir)).some((name) => name.startsWith('2026-06.parquet.unreadable-'))).toBe(true);
  });

  it('refuses to run twice at once', async () => {
    const data = await tempDir();
    await appendRun(data, makeRecord());
    await writeFile(dataLayout(data).compactLock, String(process.pid));
    await expect(compactHistory(data)).rejects.toThrow(/another compaction \(process \d+\)/);
    await unlink(dataLayout(data).compactLock);
    // A lock left by a process that no longer exists is taken over.
    await writeFile(dataLayout(data).compactLock, '999999999');
    await expect(compactHistory(data)).resolves.toMatchObject({ removedFiles: 1 });
  });

  it('keeps every record file it was given', async () => {
    const data = await tempDir();
    for (let i = 0; i < 4; i++) await appendRun(data, makeRecord());
    const before = await listRecordFiles(data);
    await compactHistory(data);
    expect(await listRecordFiles(data)).toEqual(before);
  });
});

describe('Parquet rows that break the record rules', () => {
  it('are left out, reported, and the run is read from its JSON record', async () => {
    const data = await tempDir();
    const { record } = await appendRun(data, makeRecord());
    const [file] = await listParquetFiles(data);
    if (!file) throw new Error('no parquet written');
    // Rewrite the index as a foreign tool might: a NaN where the record holds 0.5, and an unsafe platform id.
    const connection = await openDuckDB();
    await connection.run(
      `COPY (SELECT * REPLACE (CASE WHEN metric = 'latency' THEN 'NaN'::DOUBLE ELSE value END AS value, '../../etc' AS platform) FROM read_parquet('${file}')) TO '${file}.new' (FORMAT parquet)`,
    );
    connection.closeSync();
    await rename(`${file}.new`, file);

    const history = await openHistory(data);
    const rows = await queryRows(history.connection, 'SELECT metric, value, platform FROM metrics ORDER BY metric');
    history.close();
    expect(history.problems).toHaveLength(1);
    expect(history.problems[0]?.reason).toMatch(new RegExp(`rows of run ${record.id} with an unsafe or missing platform id`));
    expect(history.unindexedRuns).toBe(1);
    expect(rows).toEqual([
      { metric: 'latency', value: 0.5, platform: 'Test_Linux_x86_64_2C_8GB' },
      { metric: 'throughput', value: 1200, platform: 'Test_Linux_x86_64_2C_8GB' },
    ]);
  });
});

describe('the cached summary of the Parquet index', () => {
  async function cacheFiles(data: string): Promise<string[]> {
    const dir = dataLayout(data).cacheDir;
    return (await readdir(dir).catch(() => [])).map((name) => path.join(dir, name));
  }

  it('is read for unchanged files and recomputed for a file rewritten since', async () => {
    const data = await tempDir();
    const first = await appendRun(data, makeRecord());
    const second = await appendRun(data, makeRecord());
    await runIds(data);
    const [cache] = await cacheFiles(data);
    if (!cache) throw new Error('no cache written');

    // Mark one run in the cache as if its rows broke a rule: a cache that is read reports it.
    const connection = await openDuckDB();
    await connection.run(
      `COPY (SELECT * REPLACE (CASE WHEN run_id = '${first.record.id}' THEN 'a mark only the cache holds' END AS bad_row) FROM read_parquet('${cache}')) TO '${cache}.new' (FORMAT parquet)`,
    );
    await rename(`${cache}.new`, cache);
    expect((await runIds(data)).problems.map((problem) => problem.reason)).toEqual([
      `holds rows of run ${first.record.id} with a mark only the cache holds`,
    ]);

    // Rewriting that run's Parquet file (as compaction or a foreign tool would) makes the cache entry stale.
    const file = (await listParquetFiles(data)).find((name) => name.includes(first.record.id));
    if (!file) throw new Error('no parquet for the first run');
    await connection.run(`COPY (SELECT * FROM read_parquet('${file}')) TO '${file}.new' (FORMAT parquet)`);
    connection.closeSync();
    await rename(`${file}.new`, file);
    const { rows, problems, unindexed } = await runIds(data);
    expect(problems).toEqual([]);
    expect(unindexed).toBe(0);
    expect(rows.map((row) => row.run_id)).toEqual([first.record.id, second.record.id].sort());
  });

  it('changes nothing when it is corrupt or deleted, and is rebuilt', async () => {
    const data = await tempDir();
    for (let i = 0; i < 3; i++) await appendRun(data, makeRecord());
    await compactHistory(data);
    const expected = await runIds(data);
    const [cache] = await cacheFiles(data);
    if (!cache) throw new Error('no cache written');
    await writeFile(cache, 'not parquet');
    expect(await runIds(data)).toEqual(expected);
    const [rebuilt] = await cacheFiles(data);
    expect((await readFile(rebuilt ?? '')).subarray(0, 4).toString()).toBe('PAR1');
    await unlink(rebuilt ?? '');
    expect(await runIds(data)).toEqual(expected);
    expect(await cacheFiles(data)).toHaveLength(1);
  });
});

describe("DuckDB's memory", () => {
  it('is limited from the size of the history it reads, between a floor and a ceiling', () => {
    expect(duckdbMemoryLimit(0, {})).toBe('256MB');
    expect(duckdbMemoryLimit(10e6, {})).toBe('296MB');
    expect(duckdbMemoryLimit(50e6, {})).toBe('456MB');
    expect(duckdbMemoryLimit(223 * 2 ** 20, {})).toBe('512MB');
    expect(duckdbMemoryLimit(undefined, {})).toBe('512MB');
    expect(duckdbMemoryLimit(0, { PERFSITE_DUCKDB_MEMORY_LIMIT: '4GB' })).toBe('4GB');
    expect(() => duckdbMemoryLimit(0, { PERFSITE_DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(/PERFSITE_DUCKDB_MEMORY_LIMIT="lots".*1500MB/);
  });

  it('is lowered once the analysis is done, to what reading its tables by key needs', () => {
    expect(duckdbReadingMemoryLimit(0, {})).toBe('256MB');
    expect(duckdbReadingMemoryLimit(223 * 2 ** 20, {})).toBe('256MB');
    expect(duckdbReadingMemoryLimit(2e9, {})).toBe('256MB');
    // Below what the analysis of the same history may take, except where the floor holds both.
    expect(Number.parseInt(duckdbReadingMemoryLimit(100e6, {}), 10)).toBeLessThan(Number.parseInt(duckdbMemoryLimit(100e6, {}), 10));
    expect(duckdbReadingMemoryLimit(0, { PERFSITE_DUCKDB_MEMORY_LIMIT: '4GB' })).toBe('4GB');
  });

  it('of an opened history follows its Parquet files', async () => {
    const dir = await tempDir();
    await appendRuns(dir, [makeRecord({ id: 'memory-1' }), makeRecord({ id: 'memory-2' })]);
    const bytes = (await Promise.all((await listParquetFiles(dir)).map((file) => stat(file)))).reduce((sum, info) => sum + info.size, 0);
    expect(bytes).toBeGreaterThan(0);
    const reference = await openDuckDB();
    await reference.run(`SET memory_limit = ${sqlString(duckdbMemoryLimit(bytes, {}))}`);
    const [expected] = await queryRows<{ limit: string }>(reference, "SELECT current_setting('memory_limit') AS limit");
    reference.closeSync();
    const history = await openHistory(dir);
    try {
      const [setting] = await queryRows<{ limit: string }>(history.connection, "SELECT current_setting('memory_limit') AS limit");
      expect(setting?.limit).toBe(expected?.limit);
      expect(duckdbMemoryLimit(bytes, {})).not.toBe(duckdbMemoryLimit(undefined, {}));
      await history.doneAnalysing();
      const reading = await openDuckDB();
      await reading.run(`SET memory_limit = ${sqlString(duckdbReadingMemoryLimit(bytes, {}))}`);
      const [expectedReading] = await queryRows<{ limit: string }>(reading, "SELECT current_setting('memory_limit') AS limit");
      reading.closeSync();
      const [lowered] = await queryRows<{ limit: string }>(history.connection, "SELECT current_setting('memory_limit') AS limit");
      expect(lowered?.limit).toBe(expectedReading?.limit);
    } finally {
      history.close();
    }
  });
});
