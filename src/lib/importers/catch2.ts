/** Catch2's XML reporter (-r xml): one metric per BENCHMARK, its mean in nanoseconds with the bootstrap interval. */

import { XMLParser } from 'fast-xml-parser';
import type { MetricInput, Problem } from '../store/record.ts';
import { isFiniteNumber, type Parser, problemAt } from './types.ts';

interface Estimate {
  '@_value'?: string;
  '@_lowerBound'?: string;
  '@_upperBound'?: string;
  '@_ci'?: string;
}
interface Result {
  '@_name'?: string;
  mean?: Estimate;
}

export const parseCatch2: Parser = (text, source) => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'BenchmarkResults' || name === 'TestCase' || name === 'Section',
  });
  const document = parser.parse(text) as Record<string, unknown>;
  const results: Result[] = [];
  const collect = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'BenchmarkResults') results.push(...(value as Result[]));
        else if (!key.startsWith('@_')) collect(value);
      }
    }
  };
  collect(document);
  const metrics: MetricInput[] = [];
  const problems: Problem[] = [];
  for (const [index, result] of results.entries()) {
    const [value, low, high] = [result.mean?.['@_value'], result.mean?.['@_lowerBound'], result.mean?.['@_upperBound']].map(Number);
    if (!result['@_name'] || !isFiniteNumber(value)) {
      problems.push(problemAt(source, `BenchmarkResults[${index}]`, 'has no name or no mean value'));
      continue;
    }
    metrics.push({
      suite: source.suite,
      name: result['@_name'],
      value,
      unit: 'ns',
      direction: 'lower',
      ...(isFiniteNumber(low) && isFiniteNumber(high)
        ? { spread: { low, high, kind: `${Math.round(Number(result.mean?.['@_ci'] ?? 0.95) * 100)} % bootstrap interval of the mean` } }
        : {}),
    });
  }
  return { runs: metrics.length > 0 ? [{ key: `catch2\u0000${text}`, metrics }] : [], problems };
};
