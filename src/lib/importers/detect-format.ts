/**
 * `--format auto`: which tool wrote a file, from its content alone (never its name). Each format is
 * recognised by what only it writes; a file that matches none, or could be either of two (a
 * github-action-benchmark custom file does not say which way is better), is an error that names the choices.
 */

import { commandHint } from '../shared/command-hint.ts';
import type { FileFormatName } from './formats.ts';

export type Detection = { format: FileFormatName | 'github-action-benchmark'; because: string } | { error: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function detectJson(document: unknown): Detection | undefined {
  if (isObject(document)) {
    const results = document.results;
    if (Array.isArray(results) && isObject(results[0]) && 'command' in results[0] && 'mean' in results[0]) {
      return { format: 'hyperfine', because: 'a "results" list of commands with their mean' };
    }
    if (isObject(document.context) && Array.isArray(document.benchmarks)) {
      return { format: 'google-benchmark', because: 'a "context" and a "benchmarks" list' };
    }
    if (isObject(document.machine_info) && Array.isArray(document.benchmarks)) {
      return { format: 'pytest-benchmark', because: '"machine_info" and a "benchmarks" list' };
    }
    if (Array.isArray(document.files) && isObject(document.files[0]) && 'groups' in document.files[0]) {
      return { format: 'vitest', because: 'a "files" list of benchmark groups' };
    }
    if (isObject(document.entries) && 'lastUpdate' in document) {
      return { format: 'github-action-benchmark', because: 'github-action-benchmark\'s history ("entries" and "lastUpdate")' };
    }
    if (Array.isArray(document.Benchmarks) && isObject(document.HostEnvironmentInfo)) {
      return { format: 'benchmarkdotnet', because: '"Benchmarks" and "HostEnvironmentInfo"' };
    }
    const entries = Object.values(document);
    if (
      entries.length > 0 &&
      entries.every((measures) => isObject(measures) && Object.values(measures).every((m) => isObject(m) && 'value' in m))
    ) {
      return { format: 'bmf', because: 'benchmarks of measures, each with a "value" (Bencher Metric Format)' };
    }
    return undefined;
  }
  if (Array.isArray(document)) {
    const [first] = document;
    if (isObject(first) && 'benchmark' in first && isObject(first.primaryMetric)) {
      return { format: 'jmh', because: 'a list of benchmarks with a "primaryMetric"' };
    }
    if (isObject(first) && 'Julia' in first && 'BenchmarkTools' in first) {
      return { format: 'julia', because: 'the Julia and BenchmarkTools versions first' };
    }
    if (document.length > 0 && document.every((entry) => isObject(entry) && 'name' in entry && 'unit' in entry && 'value' in entry)) {
      return {
        error:
          'this is a github-action-benchmark custom file (a list of name, unit and value), which does not say which way is better: give --format custom-smaller (lower is better) or --format custom-bigger',
      };
    }
  }
  return undefined;
}

const TEXT_FORMATS: Array<{ format: FileFormatName; pattern: RegExp; because: string }> = [
  { format: 'catch2', pattern: /<Catch2?TestRun\b|<Catch\b/, because: "Catch2's XML report" },
  { format: 'go', pattern: /^Benchmark\S*\s+\d+\s+[\d.]+ ns\/op/m, because: '"BenchmarkX  N  T ns/op" lines' },
  {
    format: 'rust',
    pattern: /^test\s+.+\.\.\.\s+bench:|\btime:\s+\[[\d.]+\s*\S+\s+[\d.]+/m,
    because: 'libtest "bench:" or Criterion "time: [" lines',
  },
  {
    format: 'benchmarkjs',
    pattern: / x [\d,.]+ ops\/sec ±[\d.]+% \(\d+ runs? sampled\)/,
    because: '"x N ops/sec ±M% (K runs sampled)" lines',
  },
  { format: 'ruby', pattern: /^\s*user\s+system\s+total\s+real\s*$/m, because: 'a "user system total real" table' },
  { format: 'iai-callgrind', pattern: /^\s+Instructions:\s+(\d+|N\/A)\|/m, because: '"Instructions: new|old" counts' },
  { format: 'iai', pattern: /^\s+Instructions:\s+\d+/m, because: '"Instructions:" counts' },
  { format: 'console-time', pattern: /^.+: \d+(\.\d+)?(ms|s)$/m, because: '"label: 1.234ms" lines of console.timeEnd' },
];

export function detectFormat(text: string): Detection {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('window.BENCHMARK_DATA')) {
    return { format: 'github-action-benchmark', because: "github-action-benchmark's data.js (its whole history)" };
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined;
    }
    if (document !== undefined) {
      const found = detectJson(document);
      if (found) return found;
      return { error: `it is JSON, but of no format perfsite reads: give --format (see \`${commandHint('import', '--help')}\`)` };
    }
  }
  for (const { format, pattern, because } of TEXT_FORMATS) if (pattern.test(text)) return { format, because };
  return { error: `it matches no format perfsite reads: give --format (see \`${commandHint('import', '--help')}\`)` };
}
