/**
 * Ruby's `Benchmark.bm` and `Benchmark.bmbm` output: one metric per labelled row, its `real` time in seconds.
 * bmbm prints a rehearsal table first; only the table after the last header counts, as Ruby intends.
 */
import type { MetricInput, Problem } from '../store/record.ts';
import { type Parser, problemAt } from './types.ts';

const HEADER = /^\s*user\s+system\s+total\s+real\s*$/;
const ROW = /^(.*?)\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+\(\s*(-?[\d.]+)\s*\)\s*$/;

export const parseRubyBenchmark: Parser = (text, source) => {
  const lines = text.split('\n');
  const header = lines.findLastIndex((line) => HEADER.test(line));
  if (header < 0) {
    return { runs: [], problems: [problemAt(source, '(header)', 'has no "user system total real" header: is this Benchmark.bm output?')] };
  }
  const metrics: MetricInput[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (const [offset, line] of lines.slice(header + 1).entries()) {
    if (line.trim() === '') continue;
    const match = ROW.exec(line);
    if (!match) continue;
    const real = Number(match[5]);
    if (!Number.isFinite(real) || real < 0) {
      problems.push(problemAt(source, `line ${header + offset + 2}`, `has ${match[5]} as its real time`));
      continue;
    }
    const label = (match[1] as string).trim().replace(/:$/, '') || `row ${metrics.length + 1}`;
    // Ruby allows two rows with one label; a metric name is unique within its suite.
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    metrics.push({ suite: source.suite, name: count === 1 ? label : `${label} (${count})`, value: real, unit: 's', direction: 'lower' });
  }
  return { runs: metrics.length > 0 ? [{ key: `ruby\u0000${text}`, metrics }] : [], problems };
};
