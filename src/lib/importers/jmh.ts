/** JMH -rf json: one metric per benchmark (and parameter set); throughput modes are better higher, time modes lower. */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { MetricInput } from '../store/record.ts';
import { withParams } from './params.ts';
import { type Parser, problemAt } from './types.ts';

const schema = z.array(
  z
    .object({
      benchmark: z.string(),
      mode: z.string(),
      params: z.record(z.string(), z.string()).optional(),
      primaryMetric: z.object({
        score: z.number(),
        scoreConfidence: z.tuple([z.number(), z.number()]).optional(),
        scoreUnit: z.string(),
        rawData: z.array(z.array(z.number())).optional(),
      }),
    })
    .loose(),
);

export const parseJmh: Parser = (text, source) => {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) return { runs: [], problems: [problemAt(source, '$', `is not JMH's JSON (${describeZodError(parsed.error)})`)] };
  const metrics: MetricInput[] = parsed.data.map((entry) => {
    const params = Object.entries(entry.params ?? {}).map(([key, value]) => `${key}=${value}`);
    const samples = entry.primaryMetric.rawData?.flat();
    const confidence = entry.primaryMetric.scoreConfidence;
    return {
      suite: source.suite,
      name: params.length > 0 ? `${entry.benchmark} (${params.join(', ')})` : entry.benchmark,
      ...withParams(
        entry.benchmark,
        Object.entries(entry.params ?? {}).map(([name, value]) => ({ name, value })),
      ),
      value: entry.primaryMetric.score,
      unit: entry.primaryMetric.scoreUnit,
      direction: entry.mode === 'thrpt' ? 'higher' : 'lower',
      ...(samples && samples.length > 0 ? { samples } : {}),
      ...(confidence?.every(Number.isFinite)
        ? { spread: { low: confidence[0], high: confidence[1], kind: '99.9 % confidence interval (JMH)' } }
        : {}),
    };
  });
  return { runs: metrics.length > 0 ? [{ key: `jmh\u0000${text}`, metrics }] : [], problems: [] };
};
