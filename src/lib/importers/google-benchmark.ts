/**
 * Google Benchmark --benchmark_format=json (or --benchmark_out): one metric per benchmark, real time in
 * its time unit; with --benchmark_repetitions the repetitions become samples and the median the value.
 * Counters per second (items_per_second, bytes_per_second) become metrics of their own.
 */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { MetricInput, Problem } from '../store/record.ts';
import { googleBenchmarkParams, withParams } from './params.ts';
import { median, type Parser, problemAt } from './types.ts';

const benchmark = z
  .object({
    name: z.string(),
    run_name: z.string().optional(),
    run_type: z.enum(['iteration', 'aggregate']).optional(),
    aggregate_name: z.string().optional(),
    real_time: z.number(),
    time_unit: z.string().default('ns'),
    error_occurred: z.boolean().optional(),
    error_message: z.string().optional(),
    items_per_second: z.number().optional(),
    bytes_per_second: z.number().optional(),
  })
  .loose();
const schema = z.object({ context: z.object({ date: z.string().optional() }).loose(), benchmarks: z.array(z.unknown()) });

export const parseGoogleBenchmark: Parser = (text, source) => {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    return { runs: [], problems: [problemAt(source, 'benchmarks', `is not Google Benchmark's JSON (${describeZodError(parsed.error)})`)] };
  const problems: Problem[] = [];
  const byName = new Map<string, Array<z.infer<typeof benchmark>>>();
  for (const [index, entry] of parsed.data.benchmarks.entries()) {
    const row = benchmark.safeParse(entry);
    if (!row.success) {
      problems.push(problemAt(source, `benchmarks[${index}]`, `is not a benchmark result (${describeZodError(row.error)})`));
      continue;
    }
    if (row.data.run_type === 'aggregate') continue; // recomputed from the repetitions, the same way for every format
    const name = row.data.run_name ?? row.data.name;
    byName.set(name, [...(byName.get(name) ?? []), row.data]);
  }
  const metrics: MetricInput[] = [];
  for (const [name, rows] of byName) {
    const first = rows[0];
    if (!first) continue;
    if (rows.some((row) => row.error_occurred)) {
      const { benchmark: family, params } = googleBenchmarkParams(name);
      metrics.push({
        suite: source.suite,
        name,
        ...withParams(family, params),
        value: null,
        status: 'failed',
        unit: first.time_unit,
        direction: 'lower',
        description: rows.find((row) => row.error_message)?.error_message ?? 'the benchmark reported an error',
      });
      continue;
    }
    const times = rows.map((row) => row.real_time);
    const { benchmark: family, params } = googleBenchmarkParams(name);
    metrics.push({
      suite: source.suite,
      name,
      ...withParams(family, params),
      value: median(times),
      unit: first.time_unit,
      direction: 'lower',
      ...(times.length > 1 ? { samples: times } : {}),
    });
    for (const counter of ['items_per_second', 'bytes_per_second'] as const) {
      const values = rows.map((row) => row[counter]).filter((value): value is number => value !== undefined);
      if (values.length === rows.length) {
        metrics.push({
          suite: source.suite,
          name: `${name} ${counter}`,
          ...withParams(`${family} ${counter}`, params),
          value: median(values),
          unit: counter === 'items_per_second' ? 'items/s' : 'B/s',
          direction: 'higher',
          ...(values.length > 1 ? { samples: values } : {}),
        });
      }
    }
  }
  const date = parsed.data.context.date ? new Date(parsed.data.context.date) : undefined;
  return {
    runs:
      metrics.length > 0
        ? [
            {
              key: `google-benchmark\u0000${text}`,
              ...(date && !Number.isNaN(date.getTime()) ? { timestamp: date.toISOString() } : {}),
              metrics,
            },
          ]
        : [],
    problems,
  };
};
