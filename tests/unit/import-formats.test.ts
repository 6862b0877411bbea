/**
 * Formats whose tools are not installed here, read from examples in each tool's documented output shape
 * (the real github-action-benchmark history covers several of them too, in import-histories.test.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAsvResults } from '../../src/lib/importers/asv.ts';
import { FILE_FORMATS } from '../../src/lib/importers/formats.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { runCommand, tempDir } from '../helpers.ts';

const source = { file: 'example', suite: 's' };
const parse = (format: keyof typeof FILE_FORMATS, text: string) => FILE_FORMATS[format].parse(text, source);
const metricsOf = (format: keyof typeof FILE_FORMATS, text: string) => parse(format, text).runs.flatMap((run) => run.metrics);

/** Go's -8 suffix: GOMAXPROCS, the benchmark's one parameter when it has no sub-benchmarks. */
const procs = (benchmark: string) => ({ benchmark, params: [{ name: 'procs', value: '8' }] });

describe('reading each format', () => {
  it('go test -bench: a metric per unit, -count repetitions as samples', () => {
    const text = `goos: linux
goarch: amd64
BenchmarkFib10-8   	 3852480	       313.1 ns/op	       0 B/op	       0 allocs/op
BenchmarkFib10-8   	 3852480	       301.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkFib10-8   	 3852480	       320.5 ns/op	       0 B/op	       0 allocs/op
BenchmarkCopy-8    	  500000	      2400 ns/op	 426.67 MB/s
PASS`;
    expect(metricsOf('go', text)).toEqual([
      {
        suite: 's',
        name: 'BenchmarkFib10-8',
        ...procs('BenchmarkFib10'),
        value: 313.1,
        unit: 'ns/op',
        direction: 'lower',
        samples: [313.1, 301, 320.5],
      },
      {
        suite: 's',
        name: 'BenchmarkFib10-8 B/op',
        ...procs('BenchmarkFib10 B/op'),
        value: 0,
        unit: 'B/op',
        direction: 'lower',
        samples: [0, 0, 0],
      },
      {
        suite: 's',
        name: 'BenchmarkFib10-8 allocs/op',
        ...procs('BenchmarkFib10 allocs/op'),
        value: 0,
        unit: 'allocs/op',
        direction: 'lower',
        samples: [0, 0, 0],
      },
      { suite: 's', name: 'BenchmarkCopy-8', ...procs('BenchmarkCopy'), value: 2400, unit: 'ns/op', direction: 'lower' },
      { suite: 's', name: 'BenchmarkCopy-8 MB/s', ...procs('BenchmarkCopy MB/s'), value: 426.67, unit: 'MB/s', direction: 'higher' },
    ]);
  });

  it('cargo bench (libtest) and Criterion', () => {
    const text = `test bench_fib_10 ... bench:         254 ns/iter (+/- 35)
test bench_fib_20 ... bench:      34,001 ns/iter (+/- 2,802)
Fibonacci/20            time:   [20.083 µs 20.154 µs 20.237 µs]
                        change: [-1.2% +0.3% +1.8%] (p = 0.70 > 0.05)
a long benchmark name that criterion prints alone
                        time:   [1.5000 ms 1.5100 ms 1.5200 ms]`;
    const metrics = metricsOf('rust', text);
    expect(metrics.map((metric) => [metric.name, metric.value, metric.unit])).toEqual([
      ['bench_fib_10', 254, 'ns/iter'],
      ['bench_fib_20', 34001, 'ns/iter'],
      ['Fibonacci/20', 20154, 'ns'],
      ['a long benchmark name that criterion prints alone', 1510000, 'ns'],
    ]);
    expect(metrics[1]?.spread).toEqual({ low: 31199, high: 36803, kind: '± the range libtest reports' });
    expect(metrics[2]?.spread?.low).toBeCloseTo(20083);
  });

  it('Benchmark.js: ops/sec, better higher, with its margin of error', () => {
    const [metric] = metricsOf('benchmarkjs', 'fib(10) x 1,594,568 ops/sec ±0.19% (94 runs sampled)\nFastest is fib(10)');
    expect(metric).toMatchObject({ name: 'fib(10)', value: 1594568, unit: 'ops/sec', direction: 'higher' });
    expect(metric?.spread?.high).toBeCloseTo(1594568 * 1.0019);
  });

  it('vitest bench JSON, JMH, BenchmarkDotNet, Julia BenchmarkTools, Catch2 XML and the custom JSON formats', () => {
    const vitest = {
      files: [
        {
          filepath: '/p/a.bench.ts',
          groups: [{ fullName: 'a.bench.ts > sort', benchmarks: [{ name: 'native', hz: 2000, rme: 1.5, sampleCount: 900 }] }],
        },
      ],
    };
    expect(metricsOf('vitest', JSON.stringify(vitest))[0]).toMatchObject({
      name: 'a.bench.ts > sort > native',
      value: 2000,
      unit: 'ops/s',
      direction: 'higher',
    });

    const jmh = [
      {
        benchmark: 'org.sample.Hello.thrpt',
        mode: 'thrpt',
        params: { size: '10' },
        primaryMetric: { score: 1.8e9, scoreConfidence: [1.7e9, 1.9e9], scoreUnit: 'ops/s', rawData: [[1.79e9, 1.8e9, 1.81e9]] },
      },
      { benchmark: 'org.sample.Hello.avg', mode: 'avgt', primaryMetric: { score: 12.5, scoreUnit: 'ns/op' } },
    ];
    expect(metricsOf('jmh', JSON.stringify(jmh)).map((metric) => [metric.name, metric.direction, metric.samples?.length])).toEqual([
      ['org.sample.Hello.thrpt (size=10)', 'higher', 3],
      ['org.sample.Hello.avg', 'lower', undefined],
    ]);

    const bdn = {
      Benchmarks: [
        { FullName: 'Sample.Benchmarks.Fib10', Statistics: { Median: 22.1, Q1: 22.0, Q3: 22.3, OriginalValues: [22.0, 22.1, 22.3] } },
        { FullName: 'Sample.Broken', Statistics: null },
      ],
    };
    expect(metricsOf('benchmarkdotnet', JSON.stringify(bdn)).map((metric) => [metric.name, metric.value, metric.status ?? 'ok'])).toEqual([
      ['Sample.Benchmarks.Fib10', 22.1, 'ok'],
      ['Sample.Broken', null, 'failed'],
    ]);

    const julia = [
      { Julia: '1.10', BenchmarkTools: '1.5' },
      [
        [
          'BenchmarkGroup',
          {
            data: {
              fib: ['BenchmarkGroup', { data: { '10': ['Trial', { times: [300, 302, 305], gctimes: [0, 0, 0], memory: 0, allocs: 0 }] } }],
            },
            tags: [],
          },
        ],
      ],
    ];
    expect(metricsOf('julia', JSON.stringify(julia))).toEqual([
      { suite: 's', name: 'fib/10', value: 302, unit: 'ns', direction: 'lower', samples: [300, 302, 305] },
    ]);

    const catch2 = `<?xml version="1.0" encoding="UTF-8"?>
<Catch2TestRun name="tests"><TestCase name="Fibonacci"><BenchmarkResults name="Fibonacci 20" samples="100" resamples="100000" iterations="4" clockResolution="20" estimatedDuration="3.1e6">
<mean value="7636.9" lowerBound="7600.1" upperBound="7700.2" ci="0.95"/><standardDeviation value="373.1" lowerBound="300" upperBound="400" ci="0.95"/>
</BenchmarkResults></TestCase></Catch2TestRun>`;
    expect(metricsOf('catch2', catch2)).toEqual([
      {
        suite: 's',
        name: 'Fibonacci 20',
        value: 7636.9,
        unit: 'ns',
        direction: 'lower',
        spread: { low: 7600.1, high: 7700.2, kind: '95 % bootstrap interval of the mean' },
      },
    ]);

    const custom = JSON.stringify([{ name: 'throughput', unit: 'req/s', value: 120, range: '± 3' }]);
    expect(metricsOf('custom-bigger', custom)[0]).toMatchObject({ direction: 'higher', description: 'range ± 3' });
    expect(metricsOf('custom-smaller', custom)[0]).toMatchObject({ direction: 'lower' });
  });

  it('reports a malformed entry by its place and keeps the rest', () => {
    const result = parse(
      'custom-smaller',
      JSON.stringify([
        { name: 'ok', unit: 's', value: 1 },
        { name: 'bad', unit: 's', value: 'fast' },
      ]),
    );
    expect(result.runs[0]?.metrics.map((metric) => metric.name)).toEqual(['ok']);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'example', field: '[1]', reason: expect.stringContaining('value') })]);
  });
});

describe('asv results', () => {
  it('parameterised benchmarks give a metric per combination; null is failed, NaN skipped', async () => {
    const results = await tempDir();
    await writeFile(
      path.join(results, 'benchmarks.json'),
      JSON.stringify({
        'bench.time_sort': {
          version: 'v1',
          unit: 'seconds',
          params: [
            ['10', '100'],
            ["'list'", "'set'"],
          ],
          param_names: ['size', 'container'],
          type: 'time',
        },
        version: 2,
      }),
    );
    await mkdir(path.join(results, 'box'));
    await writeFile(path.join(results, 'box', 'machine.json'), JSON.stringify({ machine: 'box', version: 1 }));
    await writeFile(
      path.join(results, 'box', 'abcdef12-virtualenv-py3.12.json'),
      `{"commit_hash": "abcdef1234567890abcdef1234567890abcdef12", "env_name": "virtualenv-py3.12", "date": 1700000000000,
        "result_columns": ["result", "params", "version"],
        "results": {"bench.time_sort": [[0.001, null, NaN, 0.004], [["10", "100"], ["'list'", "'set'"]], "v1"]}, "version": 2}`,
    );
    const { runs, problems } = await readAsvResults(results);
    expect(problems).toEqual([]);
    expect(runs[0]?.metrics.map((metric) => [metric.name, metric.value, metric.status ?? 'ok'])).toEqual([
      ["bench.time_sort(10, 'list')", 0.001, 'ok'],
      ["bench.time_sort(10, 'set')", null, 'failed'],
      ["bench.time_sort(100, 'list')", null, 'skipped'],
      ["bench.time_sort(100, 'set')", 0.004, 'ok'],
    ]);
    expect(runs[0]).toMatchObject({ platform: 'box', timestamp: '2023-11-14T22:13:20.000Z' });
    // Each combination knows its benchmark and its parameters, named and in asv's order.
    expect(runs[0]?.metrics[1]).toMatchObject({
      benchmark: 'bench.time_sort',
      params: [
        { name: 'size', value: '10' },
        { name: 'container', value: "'set'" },
      ],
    });

    // --dry-run says what would land and writes nothing.
    const data = await tempDir();
    const dry = await runCommand('scripts/import.ts', ['--format', 'asv', '--data', data, '--dry-run', results]);
    expect(dry.stdout).toContain('would add 1 run (4 measurements)');
    const real = await runCommand('scripts/import.ts', ['--format', 'asv', '--data', data, results]);
    expect(real.stdout).toContain('1 new, 0 already there');
    // The history keeps them, beside the display name.
    const history = await openHistory(data);
    const rows = await queryRows<{ metric: string; benchmark: string; params: string }>(
      history.connection,
      'SELECT metric, benchmark, params FROM metrics ORDER BY metric',
    );
    history.close();
    expect(rows[3]).toEqual({
      metric: "bench.time_sort(100, 'set')",
      benchmark: 'bench.time_sort',
      params: JSON.stringify([
        { name: 'size', value: '100' },
        { name: 'container', value: "'set'" },
      ]),
    });
  });

  it('explains a folder that is not asv results, and a format it does not know', async () => {
    const empty = await tempDir();
    const notAsv = await runCommand('scripts/import.ts', ['--format', 'asv', '--data', empty, empty]);
    expect(notAsv.code).toBe(1);
    expect(notAsv.stderr).toContain('is missing or not asv’s benchmarks.json');
    const unknown = await runCommand('scripts/import.ts', ['--format', 'nope', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--format must be auto or one of hyperfine, google-benchmark/);
  });
});

describe('github-action-benchmark series', () => {
  /** One series per machine, as a project benchmarking on several runners names them; values generated. */
  function machinesHistory(machines: readonly string[], names: (machine: string) => string[]): string {
    const entries = Object.fromEntries(
      machines.map((machine, m) => [
        machine,
        [1, 2].map((n) => ({
          commit: { id: `${n}`.repeat(40), message: `commit ${n}`, timestamp: `2026-03-0${n}T00:00:00Z` },
          date: Date.parse(`2026-03-0${n}T01:00:00Z`) + m,
          tool: 'go',
          benches: names(machine).map((name, b) => ({ name, value: 100 * (b + 1) + m, unit: 'ns/op' })),
        })),
      ]),
    );
    return `window.BENCHMARK_DATA = ${JSON.stringify({ lastUpdate: 1, repoUrl: 'https://example.invalid', entries: entries })};`;
  }

  async function imported(text: string, extra: string[] = []) {
    const dir = await tempDir();
    const file = path.join(dir, 'data.js');
    await writeFile(file, text);
    const result = await runCommand('scripts/import.ts', [
      '--format',
      'github-action-benchmark',
      '--data',
      path.join(dir, 'data'),
      ...extra,
      file,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const history = await openHistory(path.join(dir, 'data'));
    const rows = await queryRows<{ platform: string; suite: string; metric: string }>(
      history.connection,
      'SELECT DISTINCT platform, suite, metric FROM metrics ORDER BY ALL',
    );
    history.close();
    return { rows, stdout: result.stdout };
  }

  it('reads series of the same benchmarks as machines: one suite, every machine on each metric', async () => {
    const machines = ['linux-x64', 'macOS-apple_m2_pro', 'windows-x64'];
    const { rows, stdout } = await imported(machinesHistory(machines, () => ['BenchmarkFib10', 'BenchmarkFib20']));
    expect(stdout).toContain('each series read as a platform: its 3 series hold the same benchmarks, written by go');
    expect(new Set(rows.map((row) => row.suite))).toEqual(new Set(['Benchmark']));
    expect(rows.filter((row) => row.metric === 'BenchmarkFib10').map((row) => row.platform)).toEqual([
      'linux-x64',
      'macOS-apple_m2_pro',
      'windows-x64',
    ]);
  });

  it('reads series of different benchmarks as suites, and --series overrides what it finds', async () => {
    const text = machinesHistory(['Fib', 'Sort'], (series) => (series === 'Fib' ? ['BenchmarkFib10'] : ['BenchmarkSort']));
    const suites = await imported(text);
    expect(suites.stdout).toContain('each series read as a suite: its series hold different benchmarks (--series machines');
    expect(suites.rows).toEqual([
      { platform: 'Fib', suite: 'Fib', metric: 'BenchmarkFib10' },
      { platform: 'Sort', suite: 'Sort', metric: 'BenchmarkSort' },
    ]);
    const same = machinesHistory(['a', 'b'], () => ['BenchmarkFib10']);
    const forced = await imported(same, ['--series', 'suites', '--platform', 'ci-runner']);
    expect(forced.rows).toEqual([
      { platform: 'ci-runner', suite: 'a', metric: 'BenchmarkFib10' },
      { platform: 'ci-runner', suite: 'b', metric: 'BenchmarkFib10' },
    ]);
  });
});
