/**
 * Input too large for a history is refused while it is read, before anything is written, naming the limit and
 * how to raise it; what cannot be read to its end (a named pipe) is refused without waiting for it. The history
 * stays as it was, and usable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordLimits } from '../../src/lib/store/limits.ts';
import { appendRun } from '../../src/lib/store/store.ts';
import { makeRecord, runCommand, tempDir } from '../helpers.ts';

const limits = recordLimits({});

async function historyWithOneRun(): Promise<{ dir: string; data: string }> {
  const dir = await tempDir();
  const data = path.join(dir, 'data');
  await appendRun(data, makeRecord());
  return { dir, data };
}

async function importing(data: string, format: string, file: string, env: NodeJS.ProcessEnv = {}) {
  return runCommand('scripts/import.ts', ['--format', format, '--data', data, file], { env });
}

async function runsIn(data: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const stats = await runCommand('scripts/stats.ts', ['--data', data], { env });
  return Number(/^Total runs: (\d+)/m.exec(stats.stdout)?.[1] ?? Number.NaN);
}

describe('import limits', () => {
  it('refuses a file over the size limit before reading it, and says how to raise the limit', async () => {
    const { dir, data } = await historyWithOneRun();
    const file = path.join(dir, 'huge.json');
    await writeFile(file, '');
    // Sparse: 300 MB as stat sees it, nothing on the disk.
    await truncate(file, 300 * 1024 ** 2);
    const result = await importing(data, 'hyperfine', file);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `error: ${file} has 300.0 megabytes, over the limit of ${limits.fileMegabytes.value} megabytes in one imported file: nothing was written. Split it, or raise the limit with PERFSITE_MAX_IMPORT_MB=N`,
    );
    expect(await runsIn(data)).toBe(1);
  });

  it('refuses a run of more metrics than the limit, and one metric of more samples, leaving the history usable', async () => {
    const { dir, data } = await historyWithOneRun();
    const wide = path.join(dir, 'wide.json');
    const metrics = limits.metricsPerRun.value + 1;
    await writeFile(
      wide,
      JSON.stringify(Object.fromEntries(Array.from({ length: metrics }, (_, index) => [`bench_${index}`, { latency: { value: 1 } }]))),
    );
    const tooWide = await importing(data, 'bmf', wide);
    expect(tooWide.code).toBe(2);
    expect(tooWide.stderr).toContain(
      `has ${metrics.toLocaleString('en')} metrics, over the limit of ${limits.metricsPerRun.value.toLocaleString('en')} metrics in one run: nothing was written. Split it, or raise the limit with PERFSITE_MAX_METRICS_PER_RUN=N`,
    );
    const long = path.join(dir, 'long.json');
    const times = Array.from({ length: limits.samplesPerMetric.value + 1 }, (_, index) => 0.01 + index * 1e-9);
    await writeFile(
      long,
      JSON.stringify({ results: [{ command: 'sleep 0.01', mean: 0.01, stddev: 0, median: 0.01, min: 0.01, max: 0.02, times }] }),
    );
    const tooLong = await importing(data, 'hyperfine', long);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(
      /metric "sleep 0\.01", has [\d,]+ samples, over the limit of [\d,]+ samples of one metric: .*PERFSITE_MAX_SAMPLES_PER_METRIC=N/,
    );
    // Raised, the same file is taken.
    const raised = await importing(data, 'hyperfine', long, { PERFSITE_MAX_SAMPLES_PER_METRIC: String(times.length) });
    expect(raised.code, raised.stderr).toBe(0);
    expect(await runsIn(data, { PERFSITE_MAX_SAMPLES_PER_METRIC: String(times.length) })).toBe(2);
    // Read with the limit back where it was, the history leaves that run out and stays usable.
    expect(await runsIn(data)).toBe(1);
    const check = await runCommand('scripts/check.ts', ['--data', data]);
    expect(check.stderr).not.toMatch(/Out of Memory|error:/);
  });

  it('refuses what is not a regular file without waiting on it, and a limit that is not a number', async () => {
    const { dir, data } = await historyWithOneRun();
    const pipe = path.join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    const result = await importing(data, 'auto', pipe);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${pipe} is not a regular file (a pipe, a socket or a device)`);
    const bad = await importing(data, 'hyperfine', pipe, { PERFSITE_MAX_IMPORT_MB: 'lots' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('PERFSITE_MAX_IMPORT_MB="lots" is not a whole number above 0');
    expect(existsSync(path.join(data, 'runs'))).toBe(true);
    expect(await runsIn(data)).toBe(1);
  });

  it('leaves a run over the limit that a history already holds out of the analysis, said, and keeps it on disk', async () => {
    const { dir, data } = await historyWithOneRun();
    // A run recorded with the limit raised (or before there was one): 30 metrics, then the limit back at 20.
    const wide = path.join(dir, 'wide.json');
    await writeFile(
      wide,
      JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`bench_${index}`, { latency: { value: 1 } }]))),
    );
    expect((await importing(data, 'bmf', wide, { PERFSITE_MAX_METRICS_PER_RUN: '30' })).code).toBe(0);
    const limited = { PERFSITE_MAX_METRICS_PER_RUN: '20' };
    const stats = await runCommand('scripts/stats.ts', ['--data', data], { env: limited });
    expect(stats.stdout).toMatch(/^Total runs: 1$/m);
    expect(stats.stderr).toMatch(
      /has 30 metrics, over the limit of 20 metrics in one run\. It is kept on disk and left out of the analysis; raise PERFSITE_MAX_METRICS_PER_RUN=N to include it\./,
    );
    const check = await runCommand('scripts/check.ts', ['--data', data], { env: limited });
    expect(check.code, check.stderr).toBe(0);
    // Samples too: with the samples limit lowered, a run of 3-sample metrics is left out as well.
    const fewerSamples = await runCommand('scripts/stats.ts', ['--data', data], { env: { PERFSITE_MAX_SAMPLES_PER_METRIC: '2' } });
    expect(fewerSamples.stderr).toMatch(/has a metric of 3 samples, over the limit of 2 samples of one metric\./);
    // Compacted, and read again with the limit it was recorded under: nothing of it was lost.
    expect((await runCommand('scripts/compact.ts', ['--data', data], { env: limited })).code).toBe(0);
    expect(await runsIn(data)).toBe(2);
  });
});
