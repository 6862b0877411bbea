/**
 * How large one import and one run may be. A 203 MB tool output or a run of a million metrics was taken
 * whole and then broke every later analysis of the history (DuckDB out of memory): such input is refused
 * while it is read, before anything is written, with the limit it crossed and how to raise it.
 */
import { stat } from 'node:fs/promises';
import { DataError } from '../shared/errors.ts';
import { plural } from '../shared/plural.ts';

interface Limit {
  /** The environment variable that raises it. */
  variable: string;
  value: number;
  what: string;
}

function limit(env: NodeJS.ProcessEnv, variable: string, fallback: number, what: string): Limit {
  const given = env[variable]?.trim();
  if (given === undefined || given === '') return { variable, value: fallback, what };
  if (!/^\d+$/.test(given) || Number(given) === 0)
    throw new DataError(`${variable}=${JSON.stringify(given)} is not a whole number above 0: write it like ${fallback}, or unset it`);
  return { variable, value: Number(given), what };
}

export interface RecordLimits {
  fileMegabytes: Limit;
  metricsPerRun: Limit;
  samplesPerMetric: Limit;
}

/** The defaults hold far more than any benchmark tool writes for one run (BENCHMARKS.md measures what they cost). */
export function recordLimits(env: NodeJS.ProcessEnv = process.env): RecordLimits {
  return {
    fileMegabytes: limit(env, 'PERFSITE_MAX_IMPORT_MB', 64, 'megabytes in one imported file'),
    metricsPerRun: limit(env, 'PERFSITE_MAX_METRICS_PER_RUN', 20_000, 'metrics in one run'),
    samplesPerMetric: limit(env, 'PERFSITE_MAX_SAMPLES_PER_METRIC', 100_000, 'samples of one metric'),
  };
}

export class LimitError extends DataError {}

function crossed(where: string, found: string, crossed: Limit): LimitError {
  return new LimitError(
    `${where} has ${found}, over the limit of ${crossed.value.toLocaleString('en')} ${crossed.what}: nothing was written. Split it, or raise the limit with ${crossed.variable}=N`,
  );
}

/** A file to import: a regular file (a pipe or a device would be read forever) no larger than the limit. */
export async function assertImportableFile(file: string, limits: RecordLimits): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return;
  if (!info.isFile() && !info.isDirectory())
    throw new DataError(`${file} is not a regular file (a pipe, a socket or a device): write the tool's output to a file and import that`);
  const megabytes = info.size / 1024 ** 2;
  if (info.isFile() && megabytes > limits.fileMegabytes.value)
    throw crossed(file, `${megabytes.toFixed(1)} megabytes`, limits.fileMegabytes);
}

/** The check a parser makes of a run's metric count before reading them (ImportSource.metricsLimit). */
export function metricsLimitOf(where: string, limits: RecordLimits): (count: number) => void {
  return (count) => {
    if (count > limits.metricsPerRun.value) throw crossed(where, plural(count, 'metric'), limits.metricsPerRun);
  };
}

/** A run about to be recorded: its metrics and each metric's samples within the limits. */
export function assertRunWithinLimits(
  where: string,
  run: { metrics: ReadonlyArray<{ name: string; samples?: readonly number[] | null | undefined }> },
  limits: RecordLimits,
): void {
  if (run.metrics.length > limits.metricsPerRun.value) throw crossed(where, plural(run.metrics.length, 'metric'), limits.metricsPerRun);
  for (const metric of run.metrics) {
    const count = metric.samples?.length ?? 0;
    if (count > limits.samplesPerMetric.value)
      throw crossed(`${where}, metric ${JSON.stringify(metric.name.slice(0, 80))},`, plural(count, 'sample'), limits.samplesPerMetric);
  }
}
