import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactHistory } from '../../src/lib/store/compact.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { dataLayout } from '../../src/lib/store/paths.ts';
import { appendRuns, listRecordFiles, readRecordFile } from '../../src/lib/store/store.ts';
import { makeRecord, PROJECT_ROOT, runScript, tempDir } from '../helpers.ts';

const WRITER = 'tests/fixtures/record-runs.ts';

/** Every record file parses, and the history holds exactly those runs, each with all its metrics. */
async function expectWholeHistory(dataDir: string): Promise<number> {
  const files = await listRecordFiles(dataDir);
  const metricsPerRun = new Map<string, number>();
  for (const { file } of files) {
    const result = await readRecordFile(file);
    if ('problems' in result) throw new Error(`half-written record visible: ${JSON.stringify(result.problems)}`);
    metricsPerRun.set(result.record.id, result.record.metrics.length);
  }
  const history = await openHistory(dataDir);
  const rows = await queryRows<{ run_id: string; metrics: number; distinct_metrics: number }>(
    history.connection,
    'SELECT run_id, count(*)::INTEGER AS metrics, count(DISTINCT (suite, metric))::INTEGER AS distinct_metrics FROM metrics GROUP BY run_id',
  );
  history.close();
  expect(history.problems).toEqual([]);
  expect(rows).toHaveLength(files.length);
  for (const row of rows) {
    expect(row.metrics).toBe(metricsPerRun.get(row.run_id));
    expect(row.distinct_metrics).toBe(row.metrics);
  }
  return rows.length;
}

function startWriter(dataDir: string, count: string, label: string) {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, WRITER), dataDir, count, label], { stdio: ['ignore', 'pipe', 'pipe'] });
  let written = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    written = Number(chunk.toString().trim().split('\n').at(-1));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, written: () => written, stderr: () => stderr };
}

describe('concurrent recording', () => {
  it('4 processes recording 25 runs each at once: all 100 runs land, none corrupt', async () => {
    const data = await tempDir();
    const writers = [1, 2, 3, 4].map((n) => startWriter(data, '25', `w${n}`));
    const results = await Promise.all(writers.map((writer) => writer.exited));
    for (const [index, result] of results.entries()) expect(result, writers[index]?.stderr()).toEqual({ code: 0, signal: null });
    expect(await expectWholeHistory(data)).toBe(100);
    const history = await openHistory(data);
    const perPlatform = await queryRows(
      history.connection,
      'SELECT platform, count(*)::INTEGER AS runs FROM runs GROUP BY platform ORDER BY platform',
    );
    history.close();
    expect(perPlatform).toEqual(['w1', 'w2', 'w3', 'w4'].map((label) => ({ platform: `Writer_${label}`, runs: 25 })));
  });

  it('compaction running while processes record loses nothing', async () => {
    const data = await tempDir();
    const writers = [1, 2].map((n) => startWriter(data, '20', `c${n}`));
    let compactions = 0;
    let done = false;
    const finished = Promise.all(writers.map((writer) => writer.exited)).then(() => {
      done = true;
    });
    while (!done) {
      await compactHistory(data);
      compactions++;
    }
    await finished;
    expect(compactions).toBeGreaterThan(1);
    expect(await expectWholeHistory(data)).toBe(40);
    await compactHistory(data);
    expect(await expectWholeHistory(data)).toBe(40);
  });
});

describe('a recording process killed midway', () => {
  it.each([150, 400, 700, 1100, 1600])('SIGKILL after %i ms: the history stays readable and shows no half-written run', async (delay) => {
    const data = await tempDir();
    const writer = startWriter(data, 'forever', 'killed');
    // Wait until the writer is past start-up and recording, then kill it mid-stream.
    while (writer.written() < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, delay));
    writer.child.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');
    const visible = await expectWholeHistory(data);
    expect(visible).toBeGreaterThanOrEqual(writer.written());
    // Compaction afterwards indexes whatever was left only as JSON and sweeps nothing away.
    await compactHistory(data);
    expect(await expectWholeHistory(data)).toBe(visible);
  });

  /** What is on disk once compaction is at a stage: its lock taken by this child, or a month file being written. */
  const stages: Array<[string, (data: string, pid: number, before: ReadonlySet<string>) => Promise<boolean>]> = [
    ['its lock is taken', async (data, pid) => (await readFile(dataLayout(data).compactLock, 'utf8').catch(() => '')) === String(pid)],
    [
      'it is writing a month file',
      async (data, _pid, before) => (await readdir(dataLayout(data).tmpDir).catch(() => [] as string[])).some((name) => !before.has(name)),
    ],
  ];

  it.each(stages)('SIGKILL during compaction once %s loses no row', async (_stage, reached) => {
    const data = await tempDir();
    const records = Array.from({ length: 300 }, (_, i) => makeRecord({}, new Date(Date.UTC(2026, i % 6, 1 + (i % 27), 0, 0, i))));
    await appendRuns(data, records);
    const before = new Set(await readdir(dataLayout(data).tmpDir).catch(() => [] as string[]));
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'scripts/compact.ts'), '--data', data], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    // The stage is waited for, not a time: on a busy machine the child may take seconds to start.
    while (running && !(await reached(data, child.pid ?? 0, before))) await new Promise((resolve) => setTimeout(resolve, 1));
    child.kill('SIGKILL');
    // Killed at that stage, not after it had finished: otherwise this tested nothing.
    expect(await exited).toBe('SIGKILL');
    expect(await expectWholeHistory(data)).toBe(300);
    const finish = await runScript('scripts/compact.ts', ['--data', data]);
    expect(finish.code, finish.stderr).toBe(0);
    expect(await expectWholeHistory(data)).toBe(300);
  });
});
