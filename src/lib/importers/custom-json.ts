/**
 * github-action-benchmark's customBiggerIsBetter / customSmallerIsBetter JSON: [{name, unit, value,
 * range?, extra?}]. The direction comes from the format's name, as in that action.
 */

import { z } from 'zod';
import { describeZodError } from '../shared/zod-issues.ts';
import type { Direction, MetricInput, Problem } from '../store/record.ts';
import { type Parser, problemAt } from './types.ts';

const entry = z.object({
  name: z.string().min(1),
  unit: z.string(),
  value: z.number(),
  range: z.string().optional(),
  extra: z.string().optional(),
});

export function customJsonParser(direction: Direction): Parser {
  return (text, source) => {
    const document = JSON.parse(text) as unknown;
    if (!Array.isArray(document)) return { runs: [], problems: [problemAt(source, '$', 'is not a JSON array of {name, unit, value}')] };
    source.metricsLimit?.(document.length);
    const metrics: MetricInput[] = [];
    const problems: Problem[] = [];
    for (const [index, item] of document.entries()) {
      const parsed = entry.safeParse(item);
      if (!parsed.success) {
        problems.push(problemAt(source, `[${index}]`, `is not {name, unit, value} (${describeZodError(parsed.error)})`));
        continue;
      }
      const { name, unit, value, range, extra } = parsed.data;
      const description = [range && `range ${range}`, extra].filter(Boolean).join('; ');
      metrics.push({ suite: source.suite, name, value, unit, direction, ...(description ? { description } : {}) });
    }
    return { runs: metrics.length > 0 ? [{ key: `custom\u0000${direction}\u0000${text}`, metrics }] : [], problems };
  };
}
