/** pytest --benchmark-json: one metric per test, the median round time in seconds, the interquartile range as spread. */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { GitInfo } from '../store/record.ts';
import { paramText, withParams } from './params.ts';
import { type Parser, problemAt, utcTimestamp } from './types.ts';

const schema = z.object({
  datetime: z.string().optional(),
  commit_info: z
    .object({
      id: z.string().nullable().optional(),
      branch: z.string().nullable().optional(),
      dirty: z.boolean().optional(),
      time: z.string().nullable().optional(),
    })
    .loose()
    .optional(),
  benchmarks: z.array(
    z
      .object({
        fullname: z.string(),
        params: z.record(z.string(), z.unknown()).nullable().optional(),
        stats: z.object({ median: z.number(), q1: z.number(), q3: z.number(), data: z.array(z.number()).optional() }).loose(),
      })
      .loose(),
  ),
});

export const parsePytestBenchmark: Parser = (text, source) => {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    return { runs: [], problems: [problemAt(source, 'benchmarks', `is not pytest-benchmark's JSON (${describeZodError(parsed.error)})`)] };
  const info = parsed.data.commit_info;
  const git: GitInfo | undefined =
    info?.id && /^[0-9a-f]{7,64}$/.test(info.id)
      ? {
          commit: info.id,
          branch: info.branch ?? null,
          dirty: info.dirty ?? false,
          message: null,
          commitTime: null,
          parents: [],
          shallow: false,
        }
      : undefined;
  const timestamp = utcTimestamp(parsed.data.datetime);
  return {
    runs: [
      {
        key: `pytest-benchmark\u0000${text}`,
        ...(timestamp ? { timestamp } : {}),
        ...(git ? { git } : {}),
        metrics: parsed.data.benchmarks.map((bench) => ({
          suite: source.suite,
          name: bench.fullname,
          // test_x[10-a] is test_x at its parameters, which the file also gives by name.
          ...withParams(
            bench.fullname.replace(/\[.*\]$/, ''),
            Object.entries(bench.params ?? {}).map(([name, value]) => ({ name, value: paramText(value) })),
          ),
          value: bench.stats.median,
          unit: 's',
          direction: 'lower' as const,
          ...(bench.stats.data ? { samples: bench.stats.data } : {}),
          spread: { low: bench.stats.q1, high: bench.stats.q3, kind: 'interquartile range' },
        })),
      },
    ],
    problems: [],
  };
};
