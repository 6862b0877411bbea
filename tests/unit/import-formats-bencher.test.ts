/**
 * The formats Bencher reads that perfsite had not (its Metric Format, Ruby's Benchmark, Rust's iai and
 * iai-callgrind, console.time) from each tool's documented output, console.time from Node itself; and
 * `--format auto` recognising every format by content.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/lib/importers/detect-format.ts';
import { FILE_FORMATS } from '../../src/lib/importers/formats.ts';
import { runCommand, tempDir } from '../helpers.ts';

const source = { file: 'example', suite: 's' };
const parse = (format: keyof typeof FILE_FORMATS, text: string) => FILE_FORMATS[format].parse(text, source);
const metricsOf = (format: keyof typeof FILE_FORMATS, text: string) => parse(format, text).runs.flatMap((run) => run.metrics);

// bencher.dev, "Bencher Metric Format", with a throughput and a measure of the user's own.
const BMF = JSON.stringify({
  benchmark_name: {
    latency: { value: 88.0, lower_value: 87.42, upper_value: 88.88 },
    throughput: { value: 1200.5 },
    'peak-memory': { value: 512 },
  },
  'parse/10kB': { latency: { value: 3200 } },
});

// Ruby's Benchmark documentation: bmbm prints a rehearsal, then the table that counts.
const RUBY_BMBM = `Rehearsal -----------------------------------------
sort!   1.490000   0.010000   1.500000 (  1.490520)
sort    1.460000   0.000000   1.460000 (  1.463025)
-------------------------------- total: 2.960000sec

            user     system      total        real
sort!   1.460000   0.000000   1.460000 (  1.460465)
sort    1.450000   0.010000   1.460000 (  1.448327)
`;
const RUBY_BM = `       user     system      total        real
for:   1.010000   0.000000   1.010000 (  1.015688)
times: 1.000000   0.000000   1.000000 (  1.003611)
upto:  1.030000   0.000000   1.030000 (  1.028098)
`;

// The iai crate's README.
const IAI = `bench_fibonacci_short
  Instructions:                1735
  L1 Accesses:                 2364
  L2 Accesses:                    1
  RAM Accesses:                   1
  Estimated Cycles:            2404

bench_fibonacci_long
  Instructions:            26214735 (No change)
  L1 Accesses:             35638623
  L2 Accesses:                    2
  RAM Accesses:                   1
  Estimated Cycles:        35638668
`;

// iai-callgrind's README: new|old counts and the change.
const IAI_CALLGRIND = `test_lib_bench_readme_example_fibonacci::bench_fibonacci_group::bench_fibonacci short:10
  Instructions:                1734|1734            (No change)
  L1 Hits:                     2359|2359            (No change)
  L2 Hits:                        0|0               (No change)
  RAM Hits:                       3|3               (No change)
  Total read+write:            2362|2362            (No change)
  Estimated Cycles:            2464|2464            (No change)
test_lib_bench_readme_example_fibonacci::bench_fibonacci_group::bench_fibonacci long:30
  Instructions:            26214734|N/A             (*********)
  L1 Hits:                 35638616|N/A             (*********)
`;

describe('the formats Bencher reads', () => {
  it('Bencher Metric Format: latency in nanoseconds, throughput better higher, an unknown measure kept and explained', () => {
    const metrics = metricsOf('bmf', BMF);
    expect(metrics.map((metric) => [metric.name, metric.value, metric.unit, metric.direction])).toEqual([
      ['benchmark_name', 88, 'ns', 'lower'],
      ['benchmark_name throughput', 1200.5, 'ops/s', 'higher'],
      ['benchmark_name peak-memory', 512, 'peak-memory', 'lower'],
      ['parse/10kB', 3200, 'ns', 'lower'],
    ]);
    expect(metrics[0]?.spread).toEqual({ low: 87.42, high: 88.88, kind: "Bencher's lower and upper value" });
    expect(metrics[2]?.description).toMatch(/perfsite does not know/);
    expect(parse('bmf', JSON.stringify({ b: { latency: { value: 'fast' } } })).problems[0]?.field).toBe('b.latency');
  });

  it("Ruby's Benchmark.bm and bmbm: the real time of each labelled row, the rehearsal left out", () => {
    expect(metricsOf('ruby', RUBY_BMBM).map((metric) => [metric.name, metric.value, metric.unit])).toEqual([
      ['sort!', 1.460465, 's'],
      ['sort', 1.448327, 's'],
    ]);
    expect(metricsOf('ruby', RUBY_BM).map((metric) => metric.name)).toEqual(['for', 'times', 'upto']);
    expect(parse('ruby', 'no table here').problems[0]?.reason).toMatch(/user system total real/);
  });

  it('iai and iai-callgrind: exact counts, better lower, without samples or a spread', () => {
    const iai = metricsOf('iai', IAI);
    expect(iai.slice(0, 2)).toEqual([
      { suite: 's', name: 'bench_fibonacci_short', value: 1735, unit: 'instructions', direction: 'lower' },
      { suite: 's', name: 'bench_fibonacci_short L1 Accesses', value: 2364, unit: 'accesses', direction: 'lower' },
    ]);
    expect(iai.find((metric) => metric.name === 'bench_fibonacci_long')?.value).toBe(26214735);
    expect(iai.filter((metric) => metric.unit === 'cycles').map((metric) => metric.value)).toEqual([2404, 35638668]);
    const callgrind = parse('iai-callgrind', IAI_CALLGRIND);
    const named = (name: string) => callgrind.runs[0]?.metrics.find((metric) => metric.name.endsWith(name));
    expect(named('short:10')).toMatchObject({ value: 1734, unit: 'instructions' });
    expect(named('short:10 L1 Hits')).toMatchObject({ value: 2359, unit: 'hits' });
    expect(named('long:30')).toMatchObject({ value: 26214734 });
    expect(callgrind.problems).toEqual([]);
    expect(iai.every((metric) => metric.samples === undefined && metric.spread === undefined)).toBe(true);
  });

  it('console.time: what Node prints, a label timed twice as two samples, in milliseconds', async () => {
    const script = `console.time('parse'); for (let i = 0; i < 1e5; i++); console.timeEnd('parse');
console.time('parse'); console.timeEnd('parse');
console.time('render: <b>page</b>'); console.timeEnd('render: <b>page</b>');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    expect(stdout).toMatch(/^parse: \d+(\.\d+)?ms$/m);
    const metrics = metricsOf('console-time', `${stdout}some other output\nslow: 1:02.500 (m:ss.mmm)\nslower: 1:00:00.000 (h:mm:ss.mmm)\n`);
    expect(metrics.map((metric) => [metric.name, metric.unit, metric.samples?.length])).toEqual([
      ['parse', 'ms', 2],
      ['render: <b>page</b>', 'ms', undefined],
      ['slow', 'ms', undefined],
      ['slower', 'ms', undefined],
    ]);
    expect(metrics[2]?.value).toBe(62_500);
    expect(metrics[3]?.value).toBe(3_600_000);
  });
});

describe('--format auto', () => {
  const examples: Record<string, string> = {
    bmf: BMF,
    ruby: RUBY_BMBM,
    iai: IAI,
    'iai-callgrind': IAI_CALLGRIND,
    'console-time': 'parse: 1.234ms\nrender: 2s\n',
    go: 'BenchmarkFib10-8   \t 3852480\t       313.1 ns/op\nPASS',
    rust: 'test bench_fib_10 ... bench:         254 ns/iter (+/- 35)',
    benchmarkjs: 'fib(10) x 1,594,568 ops/sec ±0.19% (94 runs sampled)',
    hyperfine: JSON.stringify({ results: [{ command: 'sleep 0.1', mean: 0.1, median: 0.1, times: [0.1] }] }),
    'google-benchmark': JSON.stringify({ context: { date: '2026-01-01' }, benchmarks: [] }),
    'pytest-benchmark': JSON.stringify({ machine_info: {}, benchmarks: [] }),
    jmh: JSON.stringify([{ benchmark: 'a.b', primaryMetric: { score: 1 } }]),
    'github-action-benchmark': 'window.BENCHMARK_DATA = {"lastUpdate": 1, "entries": {}}',
  };

  it('recognises each format by its content', () => {
    for (const [format, text] of Object.entries(examples)) expect(detectFormat(text), format).toMatchObject({ format });
  });

  it('refuses what it cannot tell, and says what to give instead', () => {
    expect(detectFormat(JSON.stringify([{ name: 'a', unit: 'ms', value: 1 }]))).toEqual({
      error: expect.stringMatching(/--format custom-smaller/),
    });
    expect(detectFormat('{"what": 1}')).toEqual({ error: expect.stringMatching(/JSON, but of no format/) });
    expect(detectFormat('hello\nworld')).toEqual({ error: expect.stringMatching(/matches no format.*--format/) });
  });

  it('imports a file and names the format it chose; an unknown file fails with its name and the fix', async () => {
    const dir = await tempDir();
    const timings = path.join(dir, 'timings.txt');
    await writeFile(timings, 'parse: 1.5ms\nparse: 1.7ms\n');
    const imported = await runCommand('scripts/import.ts', ['--format', 'auto', '--data', path.join(dir, 'data'), timings]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`${timings}: read as console-time`);
    expect(imported.stdout).toMatch(/added 1 run \(1 measurements\)/);
    // A measure named by a stranger: a newline and 60 characters in what becomes its unit. The entry is kept.
    const hostile = path.join(dir, 'bmf.json');
    await writeFile(hostile, JSON.stringify({ '<b>bench</b>': { latency: { value: 5 }, [`peak\n${'m'.repeat(60)}`]: { value: 7 } } }));
    const kept = await runCommand('scripts/import.ts', ['--format', 'auto', '--data', path.join(dir, 'data'), hostile]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain(`${hostile}: read as bmf`);
    expect(kept.stdout).toMatch(/added 1 run \(2 measurements\)/);
    expect(kept.stdout).toMatch(/note: .*shortened|note: .*replaced/);
    const unknown = path.join(dir, 'notes.txt');
    await writeFile(unknown, 'nothing measured here\n');
    const refused = await runCommand('scripts/import.ts', ['--format', 'auto', '--data', path.join(dir, 'data'), unknown]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${unknown}: --format auto cannot tell what wrote it`);
    // A file auto cannot tell stops the whole import before anything is written, the good file's runs included.
    const fresh = path.join(dir, 'fresh');
    const together = await runCommand('scripts/import.ts', ['--format', 'auto', '--data', fresh, timings, unknown]);
    expect(together.code).toBe(2);
    expect(existsSync(path.join(fresh, 'runs'))).toBe(false);
    // A file of another tool under the wrong --format is refused, naming the format its content shows.
    const wrong = await runCommand('scripts/import.ts', ['--format', 'cargo', '--data', fresh, timings]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${timings} is not rust output: it looks like console-time's`);
    expect(wrong.stderr).toContain('import it with --format console-time, or --format auto');
    // One whose content no format claims still says what the format found in it.
    const empty = path.join(dir, 'empty.txt');
    await writeFile(empty, 'no benchmark ran\n');
    const nothing = await runCommand('scripts/import.ts', ['--format', 'cargo', '--data', fresh, empty]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(`${empty}: holds nothing rust writes`);
    expect(nothing.stderr).toContain('1 problem in the imported files:');
    const luau = await runCommand('scripts/import.ts', ['--format', 'benchmarkluau', '--data', path.join(dir, 'data'), unknown]);
    expect(luau.code).toBe(2);
    expect(luau.stderr).toMatch(/does not read benchmarkluau's output yet.*--format bmf/);
    const inherited = await runCommand('scripts/import.ts', ['--format', 'constructor', '--data', path.join(dir, 'data'), unknown]);
    expect(inherited.code).toBe(2);
    expect(inherited.stderr).toMatch(/--format must be auto or one of/);
  });
});
