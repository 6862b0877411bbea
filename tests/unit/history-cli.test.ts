import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRun } from '../../src/lib/store/store.ts';
import { makeRecord, runCommand, tempDir } from '../helpers.ts';

describe('npm run validate and npm run compact', () => {
  it('validate passes a healthy history and fails on a corrupt record, naming it and the fix', async () => {
    const data = await tempDir();
    const { file } = await appendRun(data, makeRecord());
    const clean = await runCommand('scripts/validate.ts', ['--data', data]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/1 record files, 1 runs readable \(2 metric rows\)/);

    const broken = path.join(path.dirname(file), 'broken.json');
    await writeFile(broken, '{ "schemaVersion": 1,');
    const result = await runCommand('scripts/validate.ts', ['--data', data]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('broken.json');
    expect(result.stdout).toMatch(/not valid JSON.*git checkout/s);
    expect(result.stdout).toMatch(/1 runs readable/);
  });

  it('compact reports what it merged, and says when there is nothing to do', async () => {
    const data = await tempDir();
    await appendRun(data, makeRecord({}, new Date('2026-10-01T00:00:00Z')));
    await appendRun(data, makeRecord({}, new Date('2026-11-01T00:00:00Z')));
    const first = await runCommand('scripts/compact.ts', ['--data', data]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/2026-10\.parquet: 1 runs, 2 rows/);
    expect(first.stdout).toMatch(/2026-11\.parquet: 1 runs, 2 rows/);
    expect(first.stdout).toMatch(/Removed 2 per-run Parquet files/);
    const second = await runCommand('scripts/compact.ts', ['--data', data]);
    expect(second.stdout).toMatch(/Nothing to compact/);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await runCommand('scripts/compact.ts', ['--force']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown option --force; the options are /);
  });
});
