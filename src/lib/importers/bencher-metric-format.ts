/**
 * Bencher Metric Format (BMF) JSON: `{ "<benchmark>": { "<measure>": { "value", "lower_value"?, "upper_value"? } } }`,
 * what `bencher run --adapter json` reads. Bencher's built-in measures keep their units and directions; a
 * measure perfsite does not know keeps its name as the unit and is taken as better lower, and says so.
 */
import { z } from 'zod';
import type { Direction, MetricInput, Problem } from '../store/record.ts';
import { type Parser, problemAt } from './types.ts';

/** Bencher's built-in measures (bencher.dev, "Measures"): unit and which way is better. */
const MEASURES: Record<string, { unit: string; direction: Direction }> = {
  latency: { unit: 'ns', direction: 'lower' },
  throughput: { unit: 'ops/s', direction: 'higher' },
  'file-size': { unit: 'B', direction: 'lower' },
  'build-time': { unit: 's', direction: 'lower' },
  instructions: { unit: 'instructions', direction: 'lower' },
  cycles: { unit: 'cycles', direction: 'lower' },
  'estimated-cycles': { unit: 'cycles', direction: 'lower' },
  'l1-accesses': { unit: 'accesses', direction: 'lower' },
  'l2-accesses': { unit: 'accesses', direction: 'lower' },
  'ram-accesses': { unit: 'accesses', direction: 'lower' },
  'total-accesses': { unit: 'accesses', direction: 'lower' },
};

const metricSchema = z.object({
  value: z.number(),
  lower_value: z.number().nullish(),
  upper_value: z.number().nullish(),
});
const schema = z.record(z.string(), z.record(z.string(), z.unknown()));

export const parseBencherMetricFormat: Parser = (text, source) => {
  const document: unknown = JSON.parse(text);
  if (source.metricsLimit && typeof document === 'object' && document !== null && !Array.isArray(document)) {
    let measures = 0;
    for (const benchmark of Object.values(document))
      if (typeof benchmark === 'object' && benchmark !== null) measures += Object.keys(benchmark).length;
    source.metricsLimit(measures);
  }
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    return {
      runs: [],
      problems: [problemAt(source, '(top level)', 'is not Bencher Metric Format: an object of benchmarks, each an object of measures')],
    };
  }
  const metrics: MetricInput[] = [];
  const problems: Problem[] = [];
  for (const [benchmark, measures] of Object.entries(parsed.data)) {
    for (const [measure, raw] of Object.entries(measures)) {
      const entry = metricSchema.safeParse(raw);
      if (!entry.success) {
        problems.push(problemAt(source, `${benchmark}.${measure}`, 'has no numeric "value"'));
        continue;
      }
      const known = MEASURES[measure];
      const { value, lower_value: low, upper_value: high } = entry.data;
      metrics.push({
        suite: source.suite,
        name: measure === 'latency' ? benchmark : `${benchmark} ${measure}`,
        value,
        unit: known?.unit ?? measure,
        direction: known?.direction ?? 'lower',
        ...(low != null && high != null && low <= value && value <= high
          ? { spread: { low, high, kind: "Bencher's lower and upper value" } }
          : {}),
        ...(known ? {} : { description: `Bencher measure "${measure}", which perfsite does not know: taken as better lower.` }),
      });
    }
  }
  return { runs: metrics.length > 0 ? [{ key: `bmf\u0000${text}`, metrics }] : [], problems };
};
