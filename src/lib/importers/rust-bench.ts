/**
 * Rust benchmark text output: libtest's `cargo bench` lines (also what Criterion prints with
 * --output-format bencher), `test name ... bench: 1,234 ns/iter (+/- 56)`, and Criterion's own
 * `name  time: [low estimate high]` lines, whose interval is its confidence interval.
 */
import type { MetricInput, Problem } from '../store/record.ts';
import { criterionParams, withParams } from './params.ts';
import { type Parser, problemAt } from './types.ts';

const LIBTEST = /^test\s+(.+?)\s+\.\.\.\s+bench:\s+([\d,.]+)\s+(\S+)(?:\s+\(\+\/-\s+([\d,.]+)\))?/;
const CRITERION = /^(.*?)\s*time:\s+\[([\d.]+)\s*(\S+)\s+([\d.]+)\s*(\S+)\s+([\d.]+)\s*(\S+)\]/;
const SCALE: Record<string, number> = { ps: 1e-3, ns: 1, µs: 1e3, us: 1e3, ms: 1e6, s: 1e9 };

const number = (text: string) => Number(text.replaceAll(',', ''));

export const parseRustBench: Parser = (text, source) => {
  const metrics: MetricInput[] = [];
  const problems: Problem[] = [];
  let pendingName = '';
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    const libtest = LIBTEST.exec(line);
    if (libtest) {
      const [, name, value, unit, range] = libtest as unknown as [string, string, string, string, string | undefined];
      const plusMinus = range ? number(range) : undefined;
      metrics.push({
        suite: source.suite,
        name,
        value: number(value),
        unit,
        direction: 'lower',
        ...(plusMinus !== undefined
          ? { spread: { low: number(value) - plusMinus, high: number(value) + plusMinus, kind: '± the range libtest reports' } }
          : {}),
      });
      continue;
    }
    const criterion = CRITERION.exec(line);
    if (criterion) {
      const [, inlineName, low, lowUnit, estimate, unit, high, highUnit] = criterion as unknown as string[];
      const name = (inlineName ?? '').trim() || pendingName;
      const inNs = (value: string, of: string) => number(value) * (SCALE[of] ?? Number.NaN);
      const values = [
        inNs(low as string, lowUnit as string),
        inNs(estimate as string, unit as string),
        inNs(high as string, highUnit as string),
      ];
      if (!name || values.some((value) => !Number.isFinite(value))) {
        problems.push(problemAt(source, `line ${index + 1}`, `is a Criterion time line whose name or unit is not understood: ${line}`));
        continue;
      }
      const { benchmark, params } = criterionParams(name);
      metrics.push({
        suite: source.suite,
        name,
        ...withParams(benchmark, params),
        value: values[1] as number,
        unit: 'ns',
        direction: 'lower',
        spread: { low: values[0] as number, high: values[2] as number, kind: '95 % confidence interval (Criterion)' },
      });
      pendingName = '';
      continue;
    }
    // Criterion prints a long name on a line of its own, then the time line.
    if (line && !line.includes(':') && !line.startsWith('test ') && !/^(Benchmarking|Found|Gnuplot|running|Running)/.test(line))
      pendingName = line;
  }
  return { runs: metrics.length > 0 ? [{ key: `rust\u0000${text}`, metrics }] : [], problems };
};
