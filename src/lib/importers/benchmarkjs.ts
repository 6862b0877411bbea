/** Benchmark.js console output, `name x 1,234,567 ops/sec ±0.19% (94 runs sampled)`: ops/sec, better higher. */
import type { MetricInput } from '../store/record.ts';
import type { Parser } from './types.ts';

const LINE = /^(.+?) x ([\d,.]+) ops\/sec ±([\d.]+)% \((\d+) runs? sampled\)/;

export const parseBenchmarkJs: Parser = (text, source) => {
  const metrics: MetricInput[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const [, name, ops, margin, runs] = match as unknown as [string, string, string, string, string];
    const value = Number(ops.replaceAll(',', ''));
    const relative = Number(margin) / 100;
    metrics.push({
      suite: source.suite,
      name,
      value,
      unit: 'ops/sec',
      direction: 'higher',
      spread: { low: value * (1 - relative), high: value * (1 + relative), kind: `± relative margin of error over ${runs} runs` },
    });
  }
  return { runs: metrics.length > 0 ? [{ key: `benchmarkjs\u0000${text}`, metrics }] : [], problems: [] };
};
