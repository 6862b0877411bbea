/**
 * Rust `iai` and `iai-callgrind` output of `cargo bench`: a benchmark's name on its own line, then its
 * counts (`Instructions: 1735`; iai-callgrind writes `new|old` and a change). Counts are exact, not
 * sampled: no samples and no spread, and fewer is better. The instruction count keeps the benchmark's
 * name; every other count is named after it (`bench_fib L1 Accesses`).
 */
import type { MetricInput, Problem } from '../store/record.ts';
import { type Parser, problemAt } from './types.ts';

const COUNT = /^\s+([A-Za-z][A-Za-z0-9 +/()-]*?):\s+(\d+|N\/A)(?:\|(?:\d+|N\/A))?(?:\s+\(.*\))?\s*$/;

function unitOf(label: string): string {
  if (/instructions/i.test(label)) return 'instructions';
  if (/cycles/i.test(label)) return 'cycles';
  if (/hits/i.test(label)) return 'hits';
  return 'accesses';
}

function countsParser(tool: 'iai' | 'iai-callgrind'): Parser {
  return (text, source) => {
    const metrics: MetricInput[] = [];
    const problems: Problem[] = [];
    let benchmark: string | undefined;
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      if (!/^\s/.test(line)) {
        benchmark = line.trim();
        continue;
      }
      const match = COUNT.exec(line);
      if (!match || !benchmark) continue;
      const [, label, count] = match as unknown as [string, string, string];
      if (count === 'N/A') {
        problems.push(problemAt(source, `line ${index + 1}`, `gives no ${label} count for ${benchmark}`));
        continue;
      }
      metrics.push({
        suite: source.suite,
        name: /^instructions$/i.test(label) ? benchmark : `${benchmark} ${label}`,
        value: Number(count),
        unit: unitOf(label),
        direction: 'lower',
      });
    }
    if (metrics.length === 0 && problems.length === 0) {
      problems.push(problemAt(source, '(whole file)', `holds no "Instructions:" counts: is this ${tool} output of cargo bench?`));
    }
    return { runs: metrics.length > 0 ? [{ key: `${tool}\u0000${text}`, metrics }] : [], problems };
  };
}

export const parseIai = countsParser('iai');
export const parseIaiCallgrind = countsParser('iai-callgrind');
