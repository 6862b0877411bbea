import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { writeHistoryDownload } from '../../src/lib/store/history-downloads.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { makeRecord, runCommand, tempDir } from '../helpers.ts';

/** Two commits: base (2 runs on P1, 1 on P2) and head (1 run on P1, 1 on P2). */
async function twoCommits() {
  const data = await tempDir();
  const base = 'b'.repeat(40);
  const head = 'c'.repeat(40);
  const run = (commit: string, platform: string, day: number, latency: number, extra: boolean) => {
    const record = makeRecord({}, new Date(Date.UTC(2026, 4, day)));
    record.platform.id = platform;
    if (record.git) record.git.commit = commit;
    record.metrics = [
      { suite: 'demo', name: 'latency', value: latency, unit: 's', direction: 'lower' },
      { suite: 'demo', name: 'throughput', value: 100, unit: 'items/s', direction: 'higher' },
      ...(extra
        ? [{ suite: 'demo', name: 'only_in_head', value: 1, unit: 's', direction: 'lower' as const }]
        : [{ suite: 'demo', name: 'only_in_base', value: 1, unit: 's', direction: 'lower' as const }]),
    ];
    return record;
  };
  const records = [
    run(base, 'P1', 1, 1.0, false),
    run(base, 'P1', 2, 1.2, false),
    run(base, 'P2', 3, 2.0, false),
    run(head, 'P1', 4, 1.5, true),
    run(head, 'P2', 5, 1.0, true),
  ];
  await appendRuns(data, records);
  return { data, base, head, ids: records.map((record) => record.id) };
}

describe('npm run compare', () => {
  it('compares two commits platform by platform, the median of each side, worst first', async () => {
    const { data, base, head } = await twoCommits();
    const result = await runCommand('scripts/compare.ts', [base.slice(0, 8), head.slice(0, 8), '--data', data], {
      env: { REGRESSION_THRESHOLD: '' },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line.includes('│'));
    // Row order: worse, better, unchanged, added, removed.
    expect(lines[1]).toMatch(/- worse\s*│\s*1\.1 s\s*│\s*1\.5 s\s*│\s*1\.36\s*│\s*\+36\.4%\s*│\s*P1\s*│\s*demo\/latency/);
    expect(lines[2]).toMatch(/\+ better\s*│\s*2 s\s*│\s*1 s\s*│\s*0\.50\s*│\s*−50\.0%\s*│\s*P2\s*│\s*demo\/latency/);
    expect(result.stdout).toMatch(/added.*demo\/only_in_head/);
    expect(result.stdout).toMatch(/removed.*demo\/only_in_base/);
    expect(result.stdout).toContain('1 worse, 1 better, 2 unchanged, 2 added, 2 removed.');
  });

  it('compares two runs directly, and narrows to a platform', async () => {
    const { data, ids } = await twoCommits();
    const runs = await runCommand('scripts/compare.ts', [ids[0] ?? '', ids[3] ?? '', '--data', data, '--only-changed']);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/- worse.*1 s.*1\.5 s.*\+50\.0%/);
    expect(runs.stdout).not.toMatch(/unchanged\s*│/);
  });

  it('compares a commit with one of its own runs, and anything with itself, as zero changes', async () => {
    const { data, base, head, ids } = await twoCommits();
    for (const [a, b] of [
      [head, ids[3] ?? ''],
      [head.slice(0, 10), head],
      [ids[0] ?? '', ids[0] ?? ''],
    ] as const) {
      const result = await runCommand('scripts/compare.ts', [a, b, '--data', data], { env: { REGRESSION_THRESHOLD: '' } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout, `${a} vs ${b}`).toMatch(/0 worse, 0 better, \d+ unchanged, 0 added, 0 removed\./);
      expect(result.stdout).not.toMatch(/│\s*—\s*│/);
    }
    // The base's P1 latency (median of 1 and 1.2) against the first of its runs: 1.1 against 1.
    const mixed = await runCommand('scripts/compare.ts', [ids[0] ?? '', base, '--data', data, '--platform', 'P1']);
    expect(mixed.stdout).toMatch(/1 s\s*│\s*1\.1 s\s*│\s*1\.10\s*│\s*\+10\.0%/);
  });

  it('converts units that convert, and refuses to compare ones that do not', async () => {
    const data = await tempDir();
    const run = (day: number, metrics: ReturnType<typeof makeRecord>['metrics']) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 4, day)));
      if (record.git) record.git.commit = String(day).repeat(40).slice(0, 40);
      record.metrics = metrics;
      return record;
    };
    const a = run(1, [
      { suite: 'demo', name: 'lookup', value: 1500, unit: 'ns', direction: 'lower' },
      { suite: 'demo', name: 'distance', value: 3, unit: 'parsecs', direction: 'lower' },
    ]);
    const b = run(2, [
      { suite: 'demo', name: 'lookup', value: 1.5, unit: 'us', direction: 'lower' },
      { suite: 'demo', name: 'distance', value: 3, unit: 'ms', direction: 'lower' },
    ]);
    await appendRuns(data, [a, b]);
    const result = await runCommand('scripts/compare.ts', [a.id, b.id, '--data', data], { env: { REGRESSION_THRESHOLD: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/unchanged\s*│\s*1\.5 µs\s*│\s*1\.5 µs\s*│\s*1\.00\s*│\s*0\.0%.*demo\/lookup/);
    expect(result.stdout).toMatch(/! units differ.*demo\/distance/);
    expect(result.stdout).toContain('1 not compared (units differ)');
  });

  it('says what it could not find', async () => {
    const { data } = await twoCommits();
    const result = await runCommand('scripts/compare.ts', ['deadbeef', 'nope', '--data', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"deadbeef" is neither a run id nor a commit/);
    expect((await runCommand('scripts/compare.ts', ['only-one', '--data', data])).stderr).toMatch(/give exactly two runs or commits/);
  });
});

describe('npm run stats', () => {
  it('gives total runs, platforms, date range and runs per platform', async () => {
    const { data } = await twoCommits();
    const result = await runCommand('scripts/stats.ts', ['--data', data]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Total runs: 5\nPlatforms: 2\nMetrics: 4\nDate range: 2026-05-01T00:00:00\.000Z to 2026-05-05T00:00:00\.000Z/,
    );
    expect(result.stdout).toMatch(/P1\s*│\s*3\s*│/);
    expect(result.stdout).toMatch(/P2\s*│\s*2\s*│/);
  });

  it('tells an empty history how to start', async () => {
    const result = await runCommand('scripts/stats.ts', ['--data', await tempDir()]);
    expect(result.stdout).toMatch(/Total runs: 0[\s\S]*record one with `npm run bench`/);
  });
});

describe('npm run export', () => {
  it('writes JSON, CSV and Parquet with one row per run × metric, filtered by platform', async () => {
    const { data } = await twoCommits();
    const out = await tempDir();
    const json = await runCommand('scripts/export.ts', ['--format', 'json', '--data', data]);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout);
    expect(rows).toHaveLength(15);
    expect(rows[0]).toMatchObject({ platform: 'P1', suite: 'demo', metric: 'latency', value: 1, timestamp: '2026-05-01T00:00:00.000Z' });

    const csvFile = path.join(out, 'p2.csv');
    expect((await runCommand('scripts/export.ts', ['--format', 'csv', '--platform', 'P2', '--output', csvFile, '--data', data])).code).toBe(
      0,
    );
    const csv = (await readFile(csvFile, 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv.slice(1).every((line) => line.includes(',P2,'))).toBe(true);

    const parquetFile = path.join(out, 'all.parquet');
    expect((await runCommand('scripts/export.ts', ['--format', 'parquet', '--output', parquetFile, '--data', data])).code).toBe(0);
    const connection = await openDuckDB();
    const [count] = await queryRows<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM read_parquet('${parquetFile}')`);
    connection.closeSync();
    expect(count?.n).toBe(15);
  });

  it("writes no control or bidi character of a hand-made record into a text export or the site's CSV download", async () => {
    const data = await tempDir();
    // Records are read as they are on disk: one written by hand, or forged on the history branch, skips every check of a write.
    const record = makeRecord({}, new Date('2026-05-01T00:00:00Z'));
    const hostile = 'x\u001b[2J\u001b]52;c;cm0gLXJmIH4=\u0007\u202eevil\u009b';
    const forged = {
      ...record,
      id: 'forged-run',
      schemaVersion: 1,
      git: { ...(record.git as object), message: hostile, branch: hostile },
      source: { tool: hostile, file: 'x' },
      // Names refuse control characters even when read; a bidi override they hold.
      metrics: [
        {
          suite: 'demo',
          name: 'name\u202eevil',
          value: 1,
          unit: 's',
          direction: 'lower',
          description: hostile,
          spread: { low: 0.5, high: 1.5, kind: hostile },
        },
      ],
    };
    await mkdir(path.join(data, 'runs', '2026-05'), { recursive: true });
    await writeFile(path.join(data, 'runs', '2026-05', 'forged-run.json'), JSON.stringify(forged));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    const unsafe = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    const out = await tempDir();
    for (const format of ['csv', 'json']) {
      const file = path.join(out, `export.${format}`);
      const result = await runCommand('scripts/export.ts', ['--format', format, '--output', file, '--data', data]);
      expect(result.code, result.stderr).toBe(0);
      const text = await readFile(file, 'utf8');
      expect(text, (await runCommand('scripts/validate.ts', ['--data', data])).stdout).toContain('\uFFFDevil');
      expect(text, format).not.toMatch(unsafe);
      // JSON's own escapes count too: \u001b in the file is an ESC once parsed.
      if (format === 'json') expect(JSON.stringify(JSON.parse(text))).not.toMatch(/\\u00(0[0-8]|1[0-9a-f]|7f|8|9)/);
    }
    const history = await openHistory(data);
    const download = path.join(out, 'history.csv.gz');
    await writeHistoryDownload(history.connection, 'history.csv.gz', download);
    history.close();
    const csv = gunzipSync(await readFile(download)).toString('utf8');
    expect(csv).toContain('evil');
    expect(csv).not.toMatch(unsafe);
  });

  it('refuses an unknown format or an unsafe platform', async () => {
    expect((await runCommand('scripts/export.ts', ['--format', 'xml'])).stderr).toMatch(/--format must be one of json, csv, parquet/);
    expect((await runCommand('scripts/export.ts', ['--format', 'csv', '--platform', "x'; DROP TABLE metrics; --"])).code).toBe(2);
  });
});
