import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listRecordFiles, readRecordFile } from '../../src/lib/store/store.ts';
import { runScript, tempDir } from '../helpers.ts';

const BENCH = 'bench/run.ts';

async function onlyRecord(dataDir: string) {
  const files = await listRecordFiles(dataDir);
  expect(files).toHaveLength(1);
  const result = await readRecordFile(files[0]?.file ?? '');
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.record;
}

async function isEmpty(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [])).length === 0;
}

describe('npm run bench', () => {
  it('measures the suite, prints a table and records exactly one run with samples and medians', async () => {
    const data = await tempDir();
    const result = await runScript(BENCH, ['--mode', 'quick', '--suite', 'perfsite', '--data', data], {
      env: { PERFORMANCE_RUN_TYPE: 'nightly', PERFORMANCE_PLATFORM: '', BENCHMARK_MODE: 'comprehensive' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/record_append_throughput/);
    expect(result.stdout).toMatch(/Recorded run \S+/);
    const record = await onlyRecord(data);
    // The flag beats BENCHMARK_MODE; PERFORMANCE_RUN_TYPE applies without a flag.
    expect(record).toMatchObject({ mode: 'quick', runType: 'nightly', schemaVersion: 1 });
    expect(record.git?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(record.metrics.map((metric) => metric.name)).toEqual([
      'record_append_throughput',
      'history_query_latency',
      'series_chart_latency',
    ]);
    for (const metric of record.metrics) {
      expect(metric.status).toBe('ok');
      expect(metric.samples).toHaveLength(3);
      const sorted = [...(metric.samples ?? [])].sort((a, b) => a - b);
      expect(metric.value).toBe(sorted[1]);
      expect(metric.value).toBeGreaterThan(0);
    }
  });

  it('--dry-run measures and prints but records nothing', async () => {
    const data = await tempDir();
    const result = await runScript(BENCH, ['--mode', 'quick', '--suite', 'perfsite', '--dry-run', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/history_query_latency/);
    expect(result.stdout).toMatch(/Dry run: nothing was recorded/);
    expect(await isEmpty(data)).toBe(true);
  });

  it('records outside a git repository, without commit information, saying so once', async () => {
    const data = await tempDir();
    const elsewhere = await tempDir('perfsite-nogit-');
    const result = await runScript(BENCH, ['--mode', 'quick', '--suite', 'perfsite', '--data', data, '--platform', 'Custom_Server'], {
      cwd: elsewhere,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/not in a git repository/g)).toHaveLength(1);
    expect(await onlyRecord(data)).toMatchObject({ git: null, platform: { id: 'Custom_Server' } });
  });

  it.each([
    [['--mode', 'fast'], {}, /--mode must be one of quick, standard, comprehensive; got "fast"/],
    [[], { BENCHMARK_MODE: 'fast' }, /BENCHMARK_MODE must be one of/],
    [['--run-type', 'weekly'], {}, /--run-type must be one of ci, nightly, manual, pr/],
    [[], { PERFORMANCE_PLATFORM: '../../etc' }, /PERFORMANCE_PLATFORM="..\/..\/etc" is not a usable platform id/],
    [['--platform', 'a/b'], {}, /--platform="a\/b" is not a usable platform id/],
    [['--suite', 'nope'], {}, /no suite named nope; the suites are: perfsite, retrieval/],
    [['--frobnicate'], {}, /unknown option --frobnicate; the options are --mode, --suite/],
    [['--mdoe', 'quick'], {}, /unknown option --mdoe; did you mean --mode\?/],
  ])('refuses %j %j with exit 2, a clear message and nothing recorded', async (args, env, message) => {
    const data = await tempDir();
    const result = await runScript(BENCH, [...args, '--data', data], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await isEmpty(data)).toBe(true);
  });

  it('warns when a metric varies too much from sample to sample for its threshold to mean anything', async () => {
    const suites = await tempDir();
    await writeFile(
      path.join(suites, 'jittery.suite.ts'),
      `import { defineSuite } from '${pathToFileURL(path.resolve('bench/suite.ts')).href}';
let round = 0;
export default defineSuite({
  name: 'jittery',
  description: 'alternates between two values',
  metrics: {
    steady: { unit: 's', direction: 'lower', description: 'the same every time' },
    jumpy: { unit: 's', direction: 'lower', description: 'one, then two, then one' },
  },
  async setup() { return {}; },
  async sample() { round++; return { steady: 1 + round / 1000, jumpy: round % 2 ? 1 : 2 }; },
});
`,
    );
    const result = await runScript('bench/run.ts', ['--dir', suites, '--dry-run', '--mode', 'quick']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/jittery\/jumpy varies by \d+\.\d % from sample to sample, more than half its 20 % threshold/);
    expect(result.stderr).not.toMatch(/jittery\/steady varies/);
  });

  it('--list names every suite and metric with unit and direction', async () => {
    const result = await runScript(BENCH, ['--list']);
    expect(result.code).toBe(0);
    for (const expected of [
      'search_latency (s, lower is better)',
      'insert_throughput (vectors/s, higher is better)',
      'peak_memory (GB, lower is better)',
      'cache_hit_rate (ratio, higher is better)',
      'ndcg_at_10 (score, higher is better)',
    ]) {
      expect(result.stdout).toContain(expected);
    }
  });

  it('a scratch folder is all it writes besides the data folder', async () => {
    const data = await tempDir();
    const result = await runScript(BENCH, ['--mode', 'quick', '--suite', 'perfsite', '--data', path.join(data, 'nested', 'history')]);
    expect(result.code, result.stderr).toBe(0);
    expect(await readdir(data)).toEqual(['nested']);
  });
});
