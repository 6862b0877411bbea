/**
 * Julia BenchmarkTools.save JSON: every Trial in the (nested) BenchmarkGroup becomes a metric named by
 * its path, its times (nanoseconds) the samples and their median the value.
 */
import type { MetricInput, Problem } from '../store/record.ts';
import { median, type Parser, problemAt } from './types.ts';

type Tagged = [string, Record<string, unknown>];

function isTagged(value: unknown): value is Tagged {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'object' && value[1] !== null;
}

export const parseJulia: Parser = (text, source) => {
  const document = JSON.parse(text) as unknown;
  if (!Array.isArray(document) || document.length < 2 || !Array.isArray(document[1])) {
    return { runs: [], problems: [problemAt(source, '$', 'is not a BenchmarkTools.save file ([versions, [values…]])')] };
  }
  const metrics: MetricInput[] = [];
  const problems: Problem[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (!isTagged(node)) return;
    const [tag, body] = node;
    if (tag === 'BenchmarkGroup') {
      for (const [key, child] of Object.entries((body.data as Record<string, unknown>) ?? {})) walk(child, [...path, key]);
    } else if (tag === 'Trial') {
      const times = body.times;
      if (!Array.isArray(times) || times.length === 0 || !times.every((time) => typeof time === 'number')) {
        problems.push(problemAt(source, path.join('/'), 'is a Trial without times'));
        return;
      }
      metrics.push({
        suite: source.suite,
        name: path.join('/'),
        value: median(times as number[]),
        unit: 'ns',
        direction: 'lower',
        samples: times as number[],
      });
    }
  };
  for (const root of document[1] as unknown[]) walk(root, []);
  return { runs: metrics.length > 0 ? [{ key: `julia\u0000${text}`, metrics }] : [], problems };
};
