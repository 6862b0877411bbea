/** Every format `npm run import` reads, by the name given to --format. */
import { parseBencherMetricFormat } from './bencher-metric-format.ts';
import { parseBenchmarkDotNet } from './benchmarkdotnet.ts';
import { parseBenchmarkJs } from './benchmarkjs.ts';
import { parseCatch2 } from './catch2.ts';
import { parseConsoleTime } from './console-time.ts';
import { customJsonParser } from './custom-json.ts';
import { parseGoBench } from './go-bench.ts';
import { parseGoogleBenchmark } from './google-benchmark.ts';
import { parseHyperfine } from './hyperfine.ts';
import { parseIai, parseIaiCallgrind } from './iai.ts';
import { parseJmh } from './jmh.ts';
import { parseJulia } from './julia.ts';
import { parsePytestBenchmark } from './pytest-benchmark.ts';
import { parseRubyBenchmark } from './ruby-benchmark.ts';
import { parseRustBench } from './rust-bench.ts';
import type { Parser } from './types.ts';
import { parseVitestBench } from './vitest-bench.ts';

export interface FileFormat {
  parse: Parser;
  /** How to produce the file, for help and the README. */
  produce: string;
}

export const FILE_FORMATS = {
  hyperfine: { parse: parseHyperfine, produce: 'hyperfine --export-json out.json CMD…' },
  'google-benchmark': { parse: parseGoogleBenchmark, produce: './bench --benchmark_format=json > out.json' },
  'pytest-benchmark': { parse: parsePytestBenchmark, produce: 'pytest --benchmark-json=out.json' },
  go: { parse: parseGoBench, produce: 'go test -bench . -benchmem -count 5 > out.txt' },
  rust: { parse: parseRustBench, produce: 'cargo bench > out.txt (libtest, or Criterion)' },
  benchmarkjs: { parse: parseBenchmarkJs, produce: 'node bench.js > out.txt (Benchmark.js suite output)' },
  vitest: { parse: parseVitestBench, produce: 'vitest bench --run --outputJson out.json' },
  catch2: { parse: parseCatch2, produce: './tests -r xml > out.xml' },
  jmh: { parse: parseJmh, produce: 'java -jar benchmarks.jar -rf json -rff out.json' },
  benchmarkdotnet: {
    parse: parseBenchmarkDotNet,
    produce: 'dotnet run -c Release -- --exporters json (BenchmarkDotNet.Artifacts/results/*-report-full.json)',
  },
  julia: { parse: parseJulia, produce: 'BenchmarkTools.save("out.json", results)' },
  'custom-bigger': { parse: customJsonParser('higher'), produce: 'github-action-benchmark customBiggerIsBetter JSON' },
  'custom-smaller': { parse: customJsonParser('lower'), produce: 'github-action-benchmark customSmallerIsBetter JSON' },
  bmf: { parse: parseBencherMetricFormat, produce: 'Bencher Metric Format JSON (what `bencher run --adapter json` reads)' },
  ruby: { parse: parseRubyBenchmark, produce: 'ruby bench.rb > out.txt (Benchmark.bm or Benchmark.bmbm)' },
  iai: { parse: parseIai, produce: 'cargo bench > out.txt (the iai crate)' },
  'iai-callgrind': { parse: parseIaiCallgrind, produce: 'cargo bench > out.txt (the iai-callgrind crate)' },
  'console-time': { parse: parseConsoleTime, produce: 'node bench.js > out.txt (console.time / console.timeEnd lines)' },
} satisfies Record<string, FileFormat>;

export type FileFormatName = keyof typeof FILE_FORMATS;

/**
 * github-action-benchmark's `tool:` names, taken by --format too, so that a workflow moving from that action
 * keeps its value. `null`: a tool perfsite does not read yet, with what to do instead.
 */
export const GITHUB_ACTION_BENCHMARK_TOOLS: Record<string, FileFormatName | null> = {
  cargo: 'rust',
  go: 'go',
  benchmarkjs: 'benchmarkjs',
  pytest: 'pytest-benchmark',
  googlecpp: 'google-benchmark',
  catch2: 'catch2',
  julia: 'julia',
  jmh: 'jmh',
  benchmarkdotnet: 'benchmarkdotnet',
  customBiggerIsBetter: 'custom-bigger',
  customSmallerIsBetter: 'custom-smaller',
  benchmarkluau: null,
};

/** Whole histories, taken in one command. */
export const HISTORY_FORMATS = {
  'github-action-benchmark': 'the gh-pages branch’s dev/bench/data.js (or its JSON)',
  asv: 'an asv results/ folder (benchmarks.json and a folder per machine)',
} as const;
