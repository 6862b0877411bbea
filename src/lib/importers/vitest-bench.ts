/** `vitest bench --outputJson` (tinybench): one metric per benchmark, operations per second, ± its relative margin of error. */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { MetricInput } from '../store/record.ts';
import { type Parser, problemAt } from './types.ts';

const schema = z.object({
  files: z.array(
    z.object({
      filepath: z.string(),
      groups: z.array(
        z.object({
          fullName: z.string(),
          benchmarks: z.array(z.object({ name: z.string(), hz: z.number(), rme: z.number(), sampleCount: z.number().optional() }).loose()),
        }),
      ),
    }),
  ),
});

export const parseVitestBench: Parser = (text, source) => {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    return { runs: [], problems: [problemAt(source, 'files', `is not vitest bench JSON (${describeZodError(parsed.error)})`)] };
  const metrics: MetricInput[] = parsed.data.files.flatMap((file) =>
    file.groups.flatMap((group) =>
      group.benchmarks.map((bench) => ({
        suite: source.suite,
        name: `${group.fullName} > ${bench.name}`,
        value: bench.hz,
        unit: 'ops/s',
        direction: 'higher' as const,
        spread: { low: bench.hz * (1 - bench.rme / 100), high: bench.hz * (1 + bench.rme / 100), kind: '± relative margin of error' },
      })),
    ),
  );
  return { runs: metrics.length > 0 ? [{ key: `vitest\u0000${text}`, metrics }] : [], problems: [] };
};
