/**
 * An asv results/ folder: benchmarks.json describes the benchmarks, and each machine folder holds
 * machine.json and a file per commit × environment. Each file becomes a run on the machine's platform;
 * each benchmark a metric in the suite named by the environment (one per parameter combination for
 * parameterised benchmarks). Results of a benchmark whose code changed since (a `version` other than
 * benchmarks.json's) are left out, as asv leaves them out; null is a failed measurement, NaN a skipped one.
 */

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { MetricInput, PlatformDetails, Problem } from '../store/record.ts';
import { type ImportedRun, isFiniteNumber, problemAt } from './types.ts';

const NAN = '__perfsite_nan__';
const benchmarkInfo = z
  .object({
    version: z.string().optional(),
    unit: z.string().optional(),
    params: z.array(z.array(z.string())).optional(),
    param_names: z.array(z.string()).optional(),
    type: z.string().optional(),
  })
  .loose();
const resultFile = z.object({
  commit_hash: z.string().regex(/^[0-9a-f]{7,64}$/),
  env_name: z.string(),
  date: z.number(),
  result_columns: z.array(z.string()),
  results: z.record(z.string(), z.array(z.unknown())),
});

/** asv writes NaN (a skipped benchmark) as a bare NaN, which JSON does not allow. */
function parseAsvJson(text: string): unknown {
  return JSON.parse(text.replaceAll(/(?<=[[,:]\s*)NaN(?=\s*[,\]}])/g, `"${NAN}"`));
}

const UNITS: Record<string, string> = { seconds: 's', bytes: 'B' };

function product(lists: readonly string[][]): string[][] {
  return lists.reduce<string[][]>((combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])), [[]]);
}

export interface AsvImport {
  runs: ImportedRun[];
  problems: Problem[];
  /** Results left out because the benchmark's code changed since they were measured. */
  outdated: number;
  /** Results of benchmarks no longer in benchmarks.json, left out too. */
  unknown: number;
}

/** What asv's machine.json says of the machine (asv machine writes arch, cpu, num_cpu, os, ram in kB); nothing is guessed. */
function machineDetails(machine: Record<string, unknown>): Partial<PlatformDetails> {
  const text = (key: string) => {
    const value = machine[key];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const cores = Number(machine.num_cpu);
  const ramKb = Number(machine.ram);
  return {
    ...(text('os') ? { os: text('os') as string } : {}),
    ...(text('arch') ? { arch: text('arch') as string } : {}),
    ...(text('cpu') ? { cpu: text('cpu') as string } : {}),
    ...(Number.isInteger(cores) && cores > 0 ? { cores } : {}),
    ...(Number.isFinite(ramKb) && ramKb > 0 ? { memoryGb: Math.round((ramKb / 1024 ** 2) * 100) / 100 } : {}),
  };
}

export async function readAsvResults(resultsDir: string): Promise<AsvImport> {
  const source = { file: resultsDir, suite: '' };
  const benchmarksFile = path.join(resultsDir, 'benchmarks.json');
  const benchmarks = z.record(z.string(), z.unknown()).safeParse(parseAsvJson(await readFile(benchmarksFile, 'utf8').catch(() => 'null')));
  if (!benchmarks.success) {
    return {
      runs: [],
      outdated: 0,
      unknown: 0,
      problems: [
        problemAt(
          { ...source, file: benchmarksFile },
          '$',
          'is missing or not asv’s benchmarks.json: point --format asv at the results/ folder',
        ),
      ],
    };
  }
  const runs: ImportedRun[] = [];
  const problems: Problem[] = [];
  let outdated = 0;
  let unknown = 0;
  for (const machineDir of (await readdir(resultsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory())) {
    const dir = path.join(resultsDir, machineDir.name);
    const machine = z
      .object({ machine: z.string() })
      .loose()
      .safeParse(parseAsvJson(await readFile(path.join(dir, 'machine.json'), 'utf8').catch(() => 'null')));
    if (!machine.success) {
      problems.push(
        problemAt({ ...source, file: path.join(dir, 'machine.json') }, '$', 'is missing or has no "machine": the folder was skipped'),
      );
      continue;
    }
    const platformDetails = machineDetails(machine.data);
    for (const name of (await readdir(dir)).filter((file) => file.endsWith('.json') && file !== 'machine.json').sort()) {
      const file = path.join(dir, name);
      let parsed: z.infer<typeof resultFile>;
      try {
        const result = resultFile.safeParse(parseAsvJson(await readFile(file, 'utf8')));
        if (!result.success) throw new Error(`${describeZodError(result.error)}`);
        parsed = result.data;
      } catch (error) {
        problems.push(problemAt({ ...source, file }, '$', `is not an asv result file (${(error as Error).message})`));
        continue;
      }
      const column = (row: unknown[], columnName: string) => row[parsed.result_columns.indexOf(columnName)];
      const metrics: MetricInput[] = [];
      for (const [benchmark, row] of Object.entries(parsed.results)) {
        const info = benchmarkInfo.safeParse(benchmarks.data[benchmark]);
        if (!info.success || benchmarks.data[benchmark] === undefined) {
          unknown++;
          continue;
        }
        if (info.data.version !== undefined && column(row, 'version') !== info.data.version) {
          outdated++;
          continue;
        }
        const params = (column(row, 'params') as string[][] | undefined) ?? [];
        const combos = params.length > 0 ? product(params) : [[]];
        const values = (column(row, 'result') as unknown[] | null) ?? combos.map(() => null);
        const samples = (column(row, 'samples') as Array<number[] | null> | undefined) ?? [];
        const low = (column(row, 'stats_ci_99_a') as Array<number | null> | undefined) ?? [];
        const high = (column(row, 'stats_ci_99_b') as Array<number | null> | undefined) ?? [];
        const unit = UNITS[info.data.unit ?? 'seconds'] ?? info.data.unit ?? 's';
        combos.forEach((combo, index) => {
          const value = values[index];
          const metric = {
            suite: parsed.env_name,
            name: combo.length > 0 ? `${benchmark}(${combo.join(', ')})` : benchmark,
            unit,
            direction: 'lower' as const,
            ...(combo.length > 0
              ? {
                  benchmark,
                  params: combo.map((value, position) => ({ name: info.data.param_names?.[position] ?? String(position + 1), value })),
                }
              : {}),
          };
          if (value === NAN) metrics.push({ ...metric, value: null, status: 'skipped' });
          else if (!isFiniteNumber(value)) metrics.push({ ...metric, value: null, status: 'failed' });
          else {
            const kept = samples[index]?.filter(isFiniteNumber);
            const [from, to] = [low[index], high[index]];
            metrics.push({
              ...metric,
              value,
              ...(kept && kept.length > 0 ? { samples: kept } : {}),
              ...(isFiniteNumber(from) && isFiniteNumber(to)
                ? { spread: { low: from, high: to, kind: '99 % confidence interval (asv)' } }
                : {}),
            });
          }
        });
      }
      if (metrics.length === 0) continue;
      runs.push({
        key: `asv\u0000${machine.data.machine}\u0000${parsed.commit_hash}\u0000${parsed.env_name}`,
        platform: machine.data.machine,
        platformDetails,
        timestamp: new Date(parsed.date).toISOString(),
        git: {
          commit: parsed.commit_hash,
          branch: null,
          dirty: false,
          message: null,
          commitTime: new Date(parsed.date).toISOString(),
          parents: [],
          shallow: false,
        },
        metrics,
      });
    }
  }
  return { runs, problems, outdated, unknown };
}
