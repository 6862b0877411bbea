import { readdirSync, readFileSync } from 'node:fs';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { toPlatformId } from '../../src/lib/importers/import-runs.ts';
import { readUnit, toBaseUnit } from '../../src/lib/shared/units.ts';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { runScript, siteBuildDir, tempDir } from '../helpers.ts';
import { describeRealData, realDataPath } from '../real-data.ts';

const importCli = (args: string[]) => runScript('scripts/import.ts', args);

/** Older github-action-benchmark versions wrote Go's extra metrics after a tab in the unit. */
const firstWord = (unit: string) => unit.trim().split(/\s+/)[0] ?? unit;

interface GabEntry {
  commit: { id: string; message: string; timestamp: string };
  date: number;
  tool: string;
  benches: Array<{ name: string; value: number; unit: string }>;
}

describeRealData('importing whole histories', () => {
  it('takes every entry of a github-action-benchmark data.js, with commits, units and directions, once', async () => {
    const file = realDataPath('github-action-benchmark', 'data.js');
    const text = readFileSync(file, 'utf8');
    const source = (JSON.parse(text.slice(text.indexOf('{'))) as { entries: Record<string, GabEntry[]> }).entries;
    const data = await tempDir();
    const first = await importCli(['--format', 'github-action-benchmark', '--data', data, file]);
    expect(first.code, first.stderr).toBe(0);
    const entries = Object.values(source).flat();
    expect(first.stdout).toContain(`${entries.length} new, 0 already there, 0 problems.`);

    const history = await openHistory(data);
    const rows = await queryRows<{
      platform: string;
      suite: string;
      metric: string;
      unit: string;
      direction: string;
      value: number;
      git_commit: string;
      git_message: string;
      timestamp: string;
    }>(
      history.connection,
      `SELECT platform, suite, metric, unit, direction, value, git_commit, git_message, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp FROM metrics`,
    );
    const runs = await queryRows<{ n: number }>(history.connection, 'SELECT count(*)::INTEGER AS n FROM runs');
    history.close();
    expect(history.problems).toEqual([]);
    expect(runs[0]?.n).toBe(entries.length);
    expect(rows.length).toBe(entries.reduce((sum, entry) => sum + entry.benches.length, 0));
    // Every measurement of the source is there, on its suite's platform, with its commit, message, time and unit.
    const key = (suite: string, commit: string, time: string, metric: string) => `${suite}\u0000${commit}\u0000${time}\u0000${metric}`;
    const imported = new Map(rows.map((row) => [key(row.suite, row.git_commit, row.timestamp, row.metric), row]));
    for (const [suite, suiteEntries] of Object.entries(source)) {
      for (const entry of suiteEntries) {
        for (const bench of entry.benches) {
          const row = imported.get(key(suite, entry.commit.id, new Date(entry.date).toISOString(), bench.name));
          expect(row, `${suite} ${entry.commit.id} ${bench.name}`).toMatchObject({
            platform: toPlatformId(suite),
            // The index holds values in their unit's base (s, B, ops/s): ns/iter becomes s/iter.
            value: toBaseUnit(bench.value, readUnit(firstWord(bench.unit)).factor),
            unit: readUnit(firstWord(bench.unit)).unit,
            git_message: entry.commit.message,
            direction: /\/\s*(s|sec)$/.test(bench.unit) ? 'higher' : 'lower',
          });
        }
      }
    }
    // Rates are better higher, times lower: Benchmark.js ops/sec and pytest iter/sec, cargo ns/iter.
    expect(new Set(rows.filter((row) => row.unit === 'ops/s').map((row) => row.direction))).toEqual(new Set(['higher']));
    expect(new Set(rows.filter((row) => row.unit === 's/iter').map((row) => row.direction))).toEqual(new Set(['lower']));

    const again = await importCli(['--format', 'github-action-benchmark', '--data', data, file]);
    expect(again.stdout).toContain(`0 new, ${entries.length} already there`);
  });

  it('takes an asv results folder: a platform per machine, a run per commit × environment, outdated results left out', async () => {
    const results = realDataPath('django-asv', 'results');
    const benchmarks = JSON.parse(readFileSync(path.join(results, 'benchmarks.json'), 'utf8')) as Record<string, { version?: string }>;
    const machines = ['macos-12', 'ubuntu-22.04', 'windows-2022'];
    let files = 0;
    let outdated = 0;
    let unknown = 0;
    const expected = new Map<string, number>();
    let withSamples = 0;
    for (const machine of machines) {
      for (const name of readdirSync(path.join(results, machine)).filter((file) => file !== 'machine.json')) {
        files++;
        const result = JSON.parse(readFileSync(path.join(results, machine, name), 'utf8'));
        const version = result.result_columns.indexOf('version');
        const samples = result.result_columns.indexOf('samples');
        for (const [benchmark, row] of Object.entries(result.results as Record<string, unknown[]>)) {
          if (!benchmarks[benchmark]) unknown++;
          else if (row[version] !== benchmarks[benchmark].version) outdated++;
          else {
            expected.set(
              `${machine}\u0000${result.commit_hash}\u0000${result.env_name}\u0000${benchmark}`,
              (row[0] as number[])[0] as number,
            );
            if (((row[samples] as number[][] | undefined)?.[0]?.length ?? 0) > 0) withSamples++;
          }
        }
      }
    }
    const data = await tempDir();
    const imported = await importCli(['--format', 'asv', '--data', data, results]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(
      `${outdated} results measured with an older version of their benchmark, ${unknown} of benchmarks no longer in benchmarks.json`,
    );
    expect(imported.stdout).toContain(`${files} new, 0 already there, 0 problems.`);

    const history = await openHistory(data);
    const rows = await queryRows<{
      platform: string;
      git_commit: string;
      suite: string;
      metric: string;
      value: number;
      unit: string;
      direction: string;
      samples: number[] | null;
    }>(history.connection, 'SELECT platform, git_commit, suite, metric, value, unit, direction, samples FROM metrics');
    const perMachine = await queryRows<{ platform: string; runs: number }>(
      history.connection,
      'SELECT platform, count(*)::INTEGER AS runs FROM runs GROUP BY ALL ORDER BY ALL',
    );
    history.close();
    expect(perMachine.map((row) => row.platform)).toEqual(machines);
    expect(perMachine.reduce((sum, row) => sum + row.runs, 0)).toBe(files);
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      expect(row.value).toBe(expected.get(`${row.platform}\u0000${row.git_commit}\u0000${row.suite}\u0000${row.metric}`));
      expect(row).toMatchObject({ unit: 's', direction: 'lower' });
    }
    expect(rows.filter((row) => (row.samples?.length ?? 0) > 0).length).toBe(withSamples);

    // The imported history builds a site with every machine's charts, and a regressions page.
    const out = await siteBuildDir();
    const build = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);
    for (const machine of machines) {
      const page = await readFile(path.join(out, 'platforms', machine, 'index.html'), 'utf8');
      expect((page.match(/<figure[^>]*data-chart/g) ?? []).length).toBeGreaterThan(10);
    }
    const regressions = await readFile(path.join(out, 'regressions', 'index.html'), 'utf8');
    expect(regressions).toMatch(/ubuntu-22\.04/);
    expect(regressions).toMatch(/<span class="badge (regression|improvement)"/);
    await rm(out, { recursive: true, force: true });
  });

  it('keeps every entry of a history whose commit message is 12,000 characters and whose metric name holds a newline', async () => {
    const text = readFileSync(realDataPath('github-action-benchmark', 'data.js'), 'utf8');
    const document = JSON.parse(text.slice(text.indexOf('{')).replace(/;\s*$/, '')) as { entries: Record<string, GabEntry[]> };
    const [suite, entries] = Object.entries(document.entries)[0] as [string, GabEntry[]];
    const long = entries[3] as GabEntry;
    const named = entries[5] as GabEntry;
    long.commit.message = `squash: ${'x'.repeat(12_000)}`;
    (named.benches[0] as { name: string }).name = 'bench\nwith newline';
    const dir = await tempDir();
    const file = path.join(dir, 'data.js');
    await writeFile(file, `window.BENCHMARK_DATA = ${JSON.stringify(document)};\n`);
    const data = path.join(dir, 'data');
    const result = await importCli(['--format', 'github-action-benchmark', '--data', data, file]);
    const all = Object.values(document.entries).flat();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`${all.length} new, 0 already there, 0 problems.`);
    expect(result.stdout).toContain('1 × commit message shortened');
    expect(result.stdout).toContain('1 × metric name control characters replaced');

    const history = await openHistory(data);
    const [message] = await queryRows<{ git_message: string }>(
      history.connection,
      `SELECT DISTINCT git_message FROM metrics WHERE platform = $platform AND git_commit = $commit`,
      { platform: toPlatformId(suite), commit: long.commit.id },
    );
    const [renamed] = await queryRows<{ n: number }>(
      history.connection,
      `SELECT count(*)::INTEGER AS n FROM metrics WHERE metric = 'bench with newline' AND git_commit = $commit`,
      { commit: named.commit.id },
    );
    history.close();
    expect(message?.git_message.length).toBeLessThanOrEqual(10_000);
    expect(message?.git_message).toMatch(/^squash: x+ … \[shortened from 12,008 characters\]$/);
    expect(renamed?.n).toBe(1);
  });

  it('records a machine it did not run on as unknown, or as its file describes it, never as this machine', async () => {
    const data = await tempDir();
    expect(
      (await importCli(['--format', 'github-action-benchmark', '--data', data, realDataPath('github-action-benchmark', 'data.js')])).code,
    ).toBe(0);
    const asvCopy = await tempDir();
    await cp(realDataPath('django-asv', 'results'), asvCopy, { recursive: true });
    const described = {
      arch: 'x86_64',
      cpu: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz',
      machine: 'ubuntu-22.04',
      num_cpu: '2',
      os: 'Linux 5.15.0',
      ram: '7110656',
      version: 1,
    };
    await writeFile(path.join(asvCopy, 'ubuntu-22.04', 'machine.json'), JSON.stringify(described));
    expect((await importCli(['--format', 'asv', '--data', data, asvCopy])).code).toBe(0);

    const history = await openHistory(data);
    const details = await queryRows<{ platform: string; platform_details: string }>(
      history.connection,
      'SELECT DISTINCT platform, platform_details FROM metrics ORDER BY ALL',
    );
    history.close();
    const unknown = { os: null, arch: null, cpu: null, cores: null, memoryGb: null, gpus: [], runtime: {}, ci: null };
    for (const row of details) {
      const expected =
        row.platform === 'ubuntu-22.04'
          ? { ...unknown, os: 'Linux 5.15.0', arch: 'x86_64', cpu: described.cpu, cores: 2, memoryGb: 6.78 }
          : unknown;
      expect(JSON.parse(row.platform_details), row.platform).toEqual(expected);
    }
    // The JSON records, the fact, say the same.
    const records = (await readdir(path.join(data, 'runs'), { recursive: true })).filter((name) => name.endsWith('.json'));
    const first = JSON.parse(await readFile(path.join(data, 'runs', records[0] as string), 'utf8'));
    expect(first.platform.details.cpu === null || first.platform.details.cpu === described.cpu).toBe(true);
  });
});
