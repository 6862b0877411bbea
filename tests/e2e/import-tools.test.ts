/**
 * Real tools, real output: hyperfine, a Google Benchmark program and pytest-benchmark run here (Debian
 * packages hyperfine, libbenchmark-dev with g++, python3-pytest-benchmark) and their files are imported.
 * Without them these tests skip and say so; .ci/run installs them and sets PERFSITE_REQUIRE_TOOLS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/lib/importers/detect-format.ts';
import { GITHUB_ACTION_BENCHMARK_TOOLS } from '../../src/lib/importers/formats.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { runScript, tempDir } from '../helpers.ts';

function available(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}
const tools = {
  hyperfine: available(() => execFileSync('hyperfine', ['--version'], { stdio: 'ignore' })),
  'google-benchmark':
    existsSync('/usr/include/benchmark/benchmark.h') && available(() => execFileSync('g++', ['--version'], { stdio: 'ignore' })),
  'pytest-benchmark': available(() => execFileSync('python3', ['-c', 'import pytest_benchmark'], { stdio: 'ignore' })),
};
for (const [tool, here] of Object.entries(tools)) {
  if (!here && process.env.PERFSITE_REQUIRE_TOOLS)
    throw new Error(`${tool} is missing: .ci/run installs it (hyperfine, libbenchmark-dev g++, python3-pytest-benchmark)`);
  if (!here)
    console.warn(`${tool} not found: skipping its import test (apt-get install hyperfine libbenchmark-dev g++ python3-pytest-benchmark).`);
}

async function importAndRead(format: string, file: string, extra: string[] = []) {
  // --format auto tells each real tool's output by its content.
  expect(detectFormat(await readFile(file, 'utf8'))).toMatchObject({ format: GITHUB_ACTION_BENCHMARK_TOOLS[format] ?? format });
  const data = await tempDir();
  const result = await runScript('scripts/import.ts', ['--format', format, '--data', data, ...extra, file]);
  expect(result.code, result.stderr).toBe(0);
  const history = await openHistory(data);
  const rows = await queryRows<{
    suite: string;
    metric: string;
    value: number | null;
    unit: string;
    direction: string;
    status: string;
    samples: number[] | null;
    spread_low: number | null;
    spread_high: number | null;
    source_tool: string;
    benchmark: string | null;
    params: string | null;
  }>(
    history.connection,
    'SELECT suite, metric, value, unit, direction, status, samples, spread_low, spread_high, source_tool, benchmark, params FROM metrics ORDER BY metric',
  );
  history.close();
  expect(history.problems).toEqual([]);
  const again = await runScript('scripts/import.ts', ['--format', format, '--data', data, ...extra, file]);
  expect(again.stdout).toMatch(/0 new, 1 already there/);
  return rows;
}

describe('importing what real tools wrote', () => {
  it.skipIf(!tools.hyperfine)('hyperfine: each command a metric in seconds, its runs the samples, a failing command failed', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'hyperfine.json');
    execFileSync('hyperfine', ['--runs', '5', '--ignore-failure', '--export-json', file, 'sleep 0.01', 'sleep 0.05', 'false'], {
      stdio: 'ignore',
    });
    const rows = await importAndRead('hyperfine', file);
    expect(rows.map((row) => row.metric)).toEqual(['false', 'sleep 0.01', 'sleep 0.05']);
    const [failing, short, long] = rows;
    expect(failing).toMatchObject({ status: 'failed', value: null });
    expect(short).toMatchObject({ suite: 'hyperfine', unit: 's', direction: 'lower', source_tool: 'hyperfine' });
    expect(short?.samples).toHaveLength(5);
    expect(short?.value).toBeGreaterThanOrEqual(0.01);
    expect(long?.value).toBeGreaterThan(short?.value ?? Number.POSITIVE_INFINITY);
  });

  it.skipIf(!tools.hyperfine)(
    'a file given the wrong --format is refused, naming the format that fits, and nothing is written',
    async () => {
      const dir = await tempDir();
      const file = path.join(dir, 'hyperfine.json');
      execFileSync('hyperfine', ['--runs', '3', '--export-json', file, 'sleep 0.01'], { stdio: 'ignore' });
      const data = path.join(dir, 'data');
      for (const format of ['pytest-benchmark', 'pytest', 'google-benchmark']) {
        const result = await runScript('scripts/import.ts', ['--format', format, '--data', data, file]);
        expect(result.code).toBe(2);
        expect(result.stderr.split('\n')[0]).toMatch(
          /^error: .*hyperfine\.json is not (pytest|google)-benchmark output: it looks like hyperfine's \(.*\); import it with --format hyperfine, or --format auto$/,
        );
        expect(result.stderr).not.toMatch(/in the history|the rest imported/);
      }
      expect(existsSync(path.join(data, 'runs'))).toBe(false);
    },
  );

  it.skipIf(!tools['google-benchmark'])('Google Benchmark: repetitions become samples, items per second its own metric', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'bench.cc'),
      `#include <benchmark/benchmark.h>
#include <algorithm>
#include <vector>
static void BM_Sort(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<int> v(state.range(0));
    for (size_t i = 0; i < v.size(); i++) v[i] = (i * 7919) % 10007;
    std::sort(v.begin(), v.end());
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sort)->Arg(1000)->Arg(20000);
BENCHMARK_MAIN();
`,
    );
    execFileSync('g++', ['-O2', '-o', path.join(dir, 'bench'), path.join(dir, 'bench.cc'), '-lbenchmark', '-lpthread']);
    const file = path.join(dir, 'gbench.json');
    execFileSync(path.join(dir, 'bench'), ['--benchmark_format=json', '--benchmark_repetitions=3', `--benchmark_out=${file}`], {
      stdio: 'ignore',
    });
    const rows = await importAndRead('google-benchmark', file, ['--suite', 'sorting']);
    expect(rows.map((row) => row.metric)).toEqual([
      'BM_Sort/1000',
      'BM_Sort/1000 items_per_second',
      'BM_Sort/20000',
      'BM_Sort/20000 items_per_second',
    ]);
    const [small, smallRate, large] = rows;
    // Google Benchmark writes ns; the index holds seconds (the record keeps ns).
    expect(small).toMatchObject({ suite: 'sorting', unit: 's', direction: 'lower' });
    const written = JSON.parse(await readFile(file, 'utf8')) as {
      benchmarks: Array<{ name: string; time_unit: string; real_time: number; run_type: string }>;
    };
    const first = written.benchmarks.find((entry) => entry.name === 'BM_Sort/1000' && entry.run_type === 'iteration');
    expect(first?.time_unit).toBe('ns');
    expect(small?.samples).toContain((first?.real_time ?? 0) / 1e9);
    expect(small?.samples).toHaveLength(3);
    expect(smallRate).toMatchObject({ unit: 'items/s', direction: 'higher' });
    expect(large?.value).toBeGreaterThan(small?.value ?? Number.POSITIVE_INFINITY);
    // ->Arg(1000): one unnamed parameter, named by its position; the rate is its own benchmark with the same one.
    expect(small).toMatchObject({ benchmark: 'BM_Sort', params: JSON.stringify([{ name: '1', value: '1000' }]) });
    expect(smallRate).toMatchObject({ benchmark: 'BM_Sort items_per_second', params: JSON.stringify([{ name: '1', value: '1000' }]) });
    // A workflow moving from github-action-benchmark keeps its `tool: googlecpp`: the same rows.
    expect(await importAndRead('googlecpp', file, ['--suite', 'sorting'])).toEqual(rows);
  });

  it.skipIf(!tools['pytest-benchmark'])('pytest-benchmark: the median round in seconds, the interquartile range as spread', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'test_fib.py'),
      'import pytest\n\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\ndef test_fib_10(benchmark):\n    benchmark(fib, 10)\n\ndef test_fib_15(benchmark):\n    benchmark(fib, 15)\n\n@pytest.mark.parametrize("kind", ["list", "tuple"])\n@pytest.mark.parametrize("n", [8, 12])\ndef test_build(benchmark, n, kind):\n    benchmark(list if kind == "list" else tuple, range(n))\n',
    );
    const file = path.join(dir, 'pytest.json');
    execFileSync(
      'python3',
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--benchmark-max-time=0.05', `--benchmark-json=${file}`, 'test_fib.py'],
      { cwd: dir, stdio: 'ignore' },
    );
    const rows = await importAndRead('pytest-benchmark', file);
    expect(rows.map((row) => row.metric)).toEqual(
      [
        'test_fib.py::test_build[8-list]',
        'test_fib.py::test_build[8-tuple]',
        'test_fib.py::test_build[12-list]',
        'test_fib.py::test_build[12-tuple]',
        'test_fib.py::test_fib_10',
        'test_fib.py::test_fib_15',
      ].sort(),
    );
    // Parametrised: one benchmark, its parameters by name from the file's params.
    const built = rows.find((row) => row.metric === 'test_fib.py::test_build[12-tuple]');
    expect(built?.benchmark).toBe('test_fib.py::test_build');
    expect(JSON.parse(built?.params ?? '[]').sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
      { name: 'kind', value: 'tuple' },
      { name: 'n', value: '12' },
    ]);
    expect(rows.find((row) => row.metric === 'test_fib.py::test_fib_10')?.params).toBeNull();
    const [ten, fifteen] = rows.filter((row) => row.metric.includes('test_fib_'));
    expect(ten).toMatchObject({ unit: 's', direction: 'lower' });
    expect(ten?.spread_low).toBeLessThanOrEqual(ten?.value ?? 0);
    expect(ten?.spread_high).toBeGreaterThanOrEqual(ten?.value ?? 0);
    expect(fifteen?.value).toBeGreaterThan(ten?.value ?? Number.POSITIVE_INFINITY);
  });

  it.skipIf(!tools.hyperfine)('a bench suite can wrap a tool: hyperfine run by a tool suite, recorded as a perfsite run', async () => {
    const suites = await tempDir();
    const lib = (file: string) => pathToFileURL(path.resolve(file)).href;
    await writeFile(
      path.join(suites, 'shell.suite.ts'),
      `import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineToolSuite } from '${lib('bench/suite.ts')}';
import { FILE_FORMATS } from '${lib('src/lib/importers/formats.ts')}';

export default defineToolSuite({
  name: 'shell',
  description: 'shell commands timed by hyperfine',
  async run(context) {
    const file = path.join(context.scratchDir, 'hyperfine.json');
    const runs = String(context.byMode({ quick: 3, standard: 5, comprehensive: 10 }));
    execFileSync('hyperfine', ['--runs', runs, '--export-json', file, 'sleep 0.01'], { stdio: 'ignore' });
    return FILE_FORMATS.hyperfine.parse(readFileSync(file, 'utf8'), { file, suite: 'shell' }).runs.flatMap((run) => run.metrics);
  },
});
`,
    );
    const data = await tempDir();
    const result = await runScript('bench/run.ts', ['--dir', suites, '--data', data, '--mode', 'quick']);
    expect(result.code, result.stderr).toBe(0);
    const history = await openHistory(data);
    const rows = await queryRows<{ suite: string; metric: string; unit: string; samples: number[] }>(
      history.connection,
      'SELECT suite, metric, unit, samples FROM metrics',
    );
    history.close();
    expect(rows).toEqual([{ suite: 'shell', metric: 'sleep 0.01', unit: 's', samples: expect.any(Array) }]);
    expect(rows[0]?.samples).toHaveLength(3);
  });
});
