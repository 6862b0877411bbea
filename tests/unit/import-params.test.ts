/**
 * Parameterised benchmarks, as each tool documents its output: every combination keeps its display name
 * and gains the benchmark it belongs to and its parameters in order. Real tools' files: import-tools.test.ts.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_FORMATS } from '../../src/lib/importers/formats.ts';
import { runCommand, tempDir } from '../helpers.ts';

const metricsOf = (format: keyof typeof FILE_FORMATS, text: string) =>
  FILE_FORMATS[format].parse(text, { file: 'example', suite: 's' }).runs.flatMap((run) => run.metrics);
const structure = (format: keyof typeof FILE_FORMATS, text: string) =>
  metricsOf(format, text).map((metric) => [metric.name, metric.benchmark, metric.params]);
const p = (...pairs: Array<[string, string]>) => pairs.map(([name, value]) => ({ name, value }));

describe('parameters', () => {
  it('Google Benchmark: positional and named arguments; run settings are not parameters', () => {
    const row = (name: string) => ({
      name,
      run_name: name,
      run_type: 'iteration',
      iterations: 10,
      real_time: 5,
      cpu_time: 5,
      time_unit: 'ns',
    });
    const text = JSON.stringify({
      context: {},
      benchmarks: [row('BM_Sort/8/64'), row('BM_Copy/size:1024/align:8/real_time'), row('BM_Spin/threads:4'), row('BM_Plain')],
    });
    expect(structure('google-benchmark', text)).toEqual([
      ['BM_Sort/8/64', 'BM_Sort', p(['1', '8'], ['2', '64'])],
      ['BM_Copy/size:1024/align:8/real_time', 'BM_Copy', p(['size', '1024'], ['align', '8'])],
      ['BM_Spin/threads:4', 'BM_Spin', p(['threads', '4'])],
      ['BM_Plain', undefined, undefined],
    ]);
  });

  it('go test -bench: sub-benchmark parts and the GOMAXPROCS suffix', () => {
    const text = `BenchmarkSort/size=10/kind=list-8   1000  1234 ns/op  16 B/op
BenchmarkSort/size=1000/kind=list-8   10  99999 ns/op  1600 B/op
BenchmarkParse/small   500  300 ns/op`;
    expect(structure('go', text)).toEqual([
      ['BenchmarkSort/size=10/kind=list-8', 'BenchmarkSort', p(['size', '10'], ['kind', 'list'], ['procs', '8'])],
      ['BenchmarkSort/size=10/kind=list-8 B/op', 'BenchmarkSort B/op', p(['size', '10'], ['kind', 'list'], ['procs', '8'])],
      ['BenchmarkSort/size=1000/kind=list-8', 'BenchmarkSort', p(['size', '1000'], ['kind', 'list'], ['procs', '8'])],
      ['BenchmarkSort/size=1000/kind=list-8 B/op', 'BenchmarkSort B/op', p(['size', '1000'], ['kind', 'list'], ['procs', '8'])],
      ['BenchmarkParse/small', 'BenchmarkParse', p(['1', 'small'])],
    ]);
  });

  it('Criterion: group/function/input, and group/input when the input is a number', () => {
    const text = `sort/quick/1000         time:   [1.0000 µs 1.1000 µs 1.2000 µs]
sort/merge/1000         time:   [1.5000 µs 1.6000 µs 1.7000 µs]
fib/20                  time:   [20.083 µs 20.154 µs 20.237 µs]
parse json              time:   [5.0000 ms 5.1000 ms 5.2000 ms]`;
    expect(structure('rust', text)).toEqual([
      ['sort/quick/1000', 'sort', p(['function', 'quick'], ['input', '1000'])],
      ['sort/merge/1000', 'sort', p(['function', 'merge'], ['input', '1000'])],
      ['fib/20', 'fib', p(['input', '20'])],
      ['parse json', undefined, undefined],
    ]);
  });

  it('JMH params, BenchmarkDotNet Parameters and pytest-benchmark params, in the order the file gives them', () => {
    const jmh = [
      { benchmark: 'org.Bench.sort', mode: 'avgt', params: { size: '10', kind: 'list' }, primaryMetric: { score: 1, scoreUnit: 'ns/op' } },
    ];
    expect(structure('jmh', JSON.stringify(jmh))).toEqual([
      ['org.Bench.sort (size=10, kind=list)', 'org.Bench.sort', p(['size', '10'], ['kind', 'list'])],
    ]);

    const bdn = {
      Benchmarks: [
        { FullName: 'Ns.Bench.Sort(N: 10, Kind: List)', Parameters: 'N=10&Kind=List', Statistics: { Median: 3 } },
        { FullName: 'Ns.Bench.Plain', Parameters: '', Statistics: { Median: 2 } },
      ],
    };
    expect(structure('benchmarkdotnet', JSON.stringify(bdn))).toEqual([
      ['Ns.Bench.Sort(N: 10, Kind: List)', 'Ns.Bench.Sort', p(['N', '10'], ['Kind', 'List'])],
      ['Ns.Bench.Plain', undefined, undefined],
    ]);

    const stats = { median: 1, q1: 0.9, q3: 1.1 };
    const pytest = {
      benchmarks: [
        { fullname: 't.py::test_x[10-a]', params: { n: 10, mode: 'a', shape: [2, 3] }, stats },
        { fullname: 't.py::test_y', params: null, stats },
      ],
    };
    expect(structure('pytest-benchmark', JSON.stringify(pytest))).toEqual([
      ['t.py::test_x[10-a]', 't.py::test_x', p(['n', '10'], ['mode', 'a'], ['shape', '[2,3]'])],
      ['t.py::test_y', undefined, undefined],
    ]);
  });

  it('keeps a combination whose parameter is too long or unprintable, shortened and cleaned, and says so', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'out.json');
    const stats = { median: 1, q1: 0.9, q3: 1.1 };
    const long = 'x'.repeat(500);
    await writeFile(
      file,
      JSON.stringify({ benchmarks: [{ fullname: 't.py::test_x[long]', params: { text: long, bell: 'c\u0007' }, stats }] }),
    );
    const data = await tempDir();
    const result = await runCommand('scripts/import.ts', ['--format', 'pytest-benchmark', '--data', data, file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/parameter value.*shortened/);
    const month = (await readdir(path.join(data, 'runs')))[0] as string;
    const [name] = await readdir(path.join(data, 'runs', month));
    const run = JSON.parse(await readFile(path.join(data, 'runs', month, name as string), 'utf8'));
    const params = run.metrics[0].params as Array<{ name: string; value: string }>;
    expect(params[0]?.value).toMatch(/^x+ … \[shortened from 500 characters\]$/);
    expect(params[0]?.value.length).toBeLessThanOrEqual(200);
    expect(params[1]?.value).toBe('c\uFFFD');
  });
});
