/** BenchmarkDotNet's JSON exporters (brief or full): one metric per benchmark, the median in nanoseconds. */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { MetricInput } from '../store/record.ts';
import { withParams } from './params.ts';
import { type Parser, problemAt } from './types.ts';

const schema = z.object({
  Benchmarks: z.array(
    z
      .object({
        FullName: z.string(),
        Parameters: z.string().optional(),
        Statistics: z
          .object({
            Median: z.number(),
            Q1: z.number().optional(),
            Q3: z.number().optional(),
            OriginalValues: z.array(z.number()).optional(),
          })
          .loose()
          .nullable(),
      })
      .loose(),
  ),
});

/** `Parameters` is "N=1000&Mode=Fast"; FullName ends in the same values, "(N: 1000, Mode: Fast)". */
function benchmarkDotNetParams(fullName: string, parameters: string | undefined) {
  const params = (parameters ?? '')
    .split('&')
    .filter((pair) => pair.includes('='))
    .map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) }));
  return withParams(fullName.replace(/\(.*\)$/, ''), params);
}

export const parseBenchmarkDotNet: Parser = (text, source) => {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    return { runs: [], problems: [problemAt(source, 'Benchmarks', `is not BenchmarkDotNet's JSON (${describeZodError(parsed.error)})`)] };
  const metrics: MetricInput[] = parsed.data.Benchmarks.map((bench) => {
    const params = benchmarkDotNetParams(bench.FullName, bench.Parameters);
    const stats = bench.Statistics;
    if (!stats)
      return {
        suite: source.suite,
        name: bench.FullName,
        ...params,
        value: null,
        status: 'failed' as const,
        unit: 'ns',
        direction: 'lower' as const,
      };
    return {
      suite: source.suite,
      name: bench.FullName,
      ...params,
      value: stats.Median,
      unit: 'ns',
      direction: 'lower' as const,
      ...(stats.OriginalValues ? { samples: stats.OriginalValues } : {}),
      ...(stats.Q1 !== undefined && stats.Q3 !== undefined
        ? { spread: { low: stats.Q1, high: stats.Q3, kind: 'interquartile range' } }
        : {}),
    };
  });
  return { runs: metrics.length > 0 ? [{ key: `benchmarkdotnet\u0000${text}`, metrics }] : [], problems: [] };
};
