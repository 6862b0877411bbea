import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataLayout } from '../../src/lib/store/paths.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { makeRecord, PROJECT_ROOT, tempDir } from '../helpers.ts';

const PLATFORM = 'Test_Linux_x86_64_2C_8GB';

/** Runs on main with the given latencies (lower is better) and a steady throughput, a day apart. */
async function historyOf(latencies: readonly number[], pinned?: Record<string, unknown>) {
  const data = await tempDir();
  await appendRuns(
    data,
    latencies.map((latency, i) => {
      const record = makeRecord({}, new Date(Date.UTC(2026, 2, 1 + i)));
      record.metrics = [
        { suite: 'demo', name: 'latency', value: latency, unit: 's', direction: 'lower' },
        { suite: 'demo', name: 'throughput', value: 100, unit: 'items/s', direction: 'higher' },
      ];
      return record;
    }),
  );
  if (pinned) await writeFile(dataLayout(data).baselinesFile, `${JSON.stringify(pinned, null, 2)}\n`);
  return data;
}

function baselines(data: string, args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'scripts/baselines.ts'), '--data', data, '--platform', PLATFORM, ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

const readPinned = async (data: string) => JSON.parse(await readFile(dataLayout(data).baselinesFile, 'utf8'));

const SEED_STYLE = {
  [PLATFORM]: {
    'demo/latency': 1.0,
    'demo/throughput': 100,
    legacy_metric: 7,
    metadata: { notes: 'kept', last_updated: '2025-01-07T10:00:00Z' },
  },
  M1_Mac_16GB: { embedding_throughput: 67.0, metadata: { git_commit: 'abc123' } },
  $comment: 'unknown keys survive',
};

describe('npm run baselines', () => {
  it('proposes the median of the last 5 runs when more than 5 % better, and writes it with its provenance on "yes"', async () => {
    const data = await historyOf([0.8, 0.82, 0.9, 0.85, 0.8], SEED_STYLE);
    const result = await baselines(data, [], 'yes\n');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/demo\/latency\s*│\s*1 s\s*│\s*820 ms\s*│\s*−18\.0%\s*│\s*5\s*│\s*improvement/);
    expect(result.stdout).toMatch(/demo\/throughput.*less than 5 % better/);
    expect(result.stdout).toMatch(/Updated 1 baseline/);
    const pinned = await readPinned(data);
    expect(pinned[PLATFORM]['demo/latency']).toBe(0.82);
    expect(pinned[PLATFORM]['demo/throughput']).toBe(100);
    expect(pinned[PLATFORM].legacy_metric).toBe(7);
    expect(pinned[PLATFORM].metadata).toMatchObject({
      notes: 'kept',
      node_version: process.versions.node,
      min_runs: 5,
      updated_by: 'npm run baselines',
    });
    expect(pinned[PLATFORM].metadata.git_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.parse(pinned[PLATFORM].metadata.last_updated)).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(pinned.M1_Mac_16GB).toEqual(SEED_STYLE.M1_Mac_16GB);
    expect(pinned.$comment).toBe('unknown keys survive');
  });

  it('writes nothing when the prompt is declined or gets no answer', async () => {
    const data = await historyOf([0.8, 0.82, 0.9, 0.85, 0.8], SEED_STYLE);
    const before = await readFile(dataLayout(data).baselinesFile, 'utf8');
    for (const input of ['no\n', 'n\n', 'maybe\n', '']) {
      const result = await baselines(data, [], input);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Not applied; nothing was written/);
      expect(await readFile(dataLayout(data).baselinesFile, 'utf8')).toBe(before);
    }
  });

  it('--dry-run shows the proposals and writes nothing', async () => {
    const data = await historyOf([0.8, 0.82, 0.9, 0.85, 0.8], SEED_STYLE);
    const before = await readFile(dataLayout(data).baselinesFile, 'utf8');
    const result = await baselines(data, ['--dry-run']);
    expect(result.stdout).toMatch(/Dry run: 1 baseline would be updated; nothing was written/);
    expect(await readFile(dataLayout(data).baselinesFile, 'utf8')).toBe(before);
  });

  it('needs --min-runs runs', async () => {
    const data = await historyOf([0.5, 0.5, 0.5, 0.5], SEED_STYLE);
    const result = await baselines(data, ['--auto-approve-improvements']);
    expect(result.stdout).toMatch(/demo\/latency.*too few runs/);
    expect(result.stdout).toMatch(/Nothing to update/);
    expect((await readPinned(data))[PLATFORM]['demo/latency']).toBe(1);
    const fewer = await baselines(data, ['--auto-approve-improvements', '--min-runs', '3']);
    expect(fewer.stdout).toMatch(/Updated 1 baseline/);
    expect((await readPinned(data))[PLATFORM]['demo/latency']).toBe(0.5);
  });

  it('never proposes a worse value, and not one only 5 % better', async () => {
    for (const [latencies, decision] of [
      [[1.1, 1.1, 1.1, 1.1, 1.1], /worse/],
      [[0.96, 0.95, 0.96, 0.95, 0.96], /less than 5 % better/],
    ] as const) {
      const data = await historyOf(latencies, SEED_STYLE);
      const result = await baselines(data, ['--auto-approve-improvements']);
      expect(result.stdout).toMatch(new RegExp(`demo/latency.*${decision.source}`));
      expect((await readPinned(data))[PLATFORM]['demo/latency']).toBe(1);
    }
  });

  it('never proposes while the latest run is a regression', async () => {
    const data = await historyOf([0.5, 0.5, 0.5, 0.5, 1.5], { [PLATFORM]: { 'demo/latency': 1.0 } });
    const result = await baselines(data, ['--auto-approve-improvements', '--min-runs', '5']);
    expect(result.stdout).toMatch(/demo\/latency.*latest run regressed/);
    expect((await readPinned(data))[PLATFORM]['demo/latency']).toBe(1);
  });

  it('auto-approves improvements without asking, and pins new metrics only with --pin-new', async () => {
    const data = await historyOf([0.8, 0.8, 0.8, 0.8, 0.8]);
    const first = await baselines(data, ['--auto-approve-improvements']);
    expect(first.stdout).toMatch(/initial \(add --pin-new\)/);
    expect(first.stdout).toMatch(/Nothing to update/);
    const second = await baselines(data, ['--auto-approve-improvements', '--pin-new']);
    expect(second.code, second.stderr).toBe(0);
    expect((await readPinned(data))[PLATFORM]).toMatchObject({ 'demo/latency': 0.8, 'demo/throughput': 100 });
  });

  it('refuses a bad --min-runs or platform', async () => {
    const data = await historyOf([1]);
    expect((await baselines(data, ['--min-runs', 'five'])).stderr).toMatch(/--min-runs must be a positive whole number/);
    const unsafe = await baselines(data, ['--platform', '../x']);
    expect(unsafe.code).toBe(2);
  });
});
