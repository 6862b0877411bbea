/** npm run record: a command's build time and an artefact's size, as Bencher records them, into the history. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/lib/store/duckdb.ts';
import { openHistory } from '../../src/lib/store/history.ts';
import { runCommand, tempDir } from '../helpers.ts';

async function measurements(data: string) {
  const history = await openHistory(data);
  try {
    return await queryRows<{ suite: string; metric: string; value: number | null; unit: string; status: string }>(
      history.connection,
      'SELECT suite, metric, value, unit, status FROM metrics ORDER BY metric',
    );
  } finally {
    history.close();
  }
}

describe('npm run record', () => {
  it('records the wall time of a command, without a shell, and the size of the file it wrote', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const artefact = path.join(dir, 'out.bin');
    // The command sleeps 200 ms and writes 12,345 bytes; an argument with `;` stays text, run by no shell.
    const script = `setTimeout(() => require('node:fs').writeFileSync(${JSON.stringify(artefact)}, Buffer.alloc(12345)), 200)`;
    const recorded = await runCommand('scripts/record.ts', [
      '--build-time',
      '--name',
      'build',
      '--file-size',
      artefact,
      '--data',
      data,
      '--',
      process.execPath,
      '-e',
      script,
      `; touch ${path.join(dir, 'ran-by-a-shell')}`,
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toMatch(/Recorded run /);
    expect(existsSync(path.join(dir, 'ran-by-a-shell'))).toBe(false);
    const rows = await measurements(data);
    expect(rows.map((row) => [row.suite, row.metric, row.unit, row.status])).toEqual([
      ['build', artefact, 'B', 'ok'],
      ['build', 'build', 's', 'ok'],
    ]);
    expect(rows[0]?.value).toBe(12345);
    expect(rows[1]?.value).toBeGreaterThanOrEqual(0.2);
  });

  it('records a failing command and a missing file as failed, keeps the run, and exits 1', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const present = path.join(dir, 'present.txt');
    await writeFile(present, 'abc');
    const failing = await runCommand('scripts/record.ts', [
      '--build-time',
      '--file-size',
      present,
      '--file-size',
      path.join(dir, 'missing.bin'),
      '--data',
      data,
      '--',
      process.execPath,
      '-e',
      'process.exit(3)',
    ]);
    expect(failing.code).toBe(1);
    const rows = await measurements(data);
    expect(rows.map((row) => [path.basename(row.metric), row.status, row.value]).sort()).toEqual([
      ['missing.bin', 'failed', null],
      [`${path.basename(process.execPath)} -e process.exit(3)`, 'failed', null],
      ['present.txt', 'ok', 3],
    ]);
  });

  it('refuses to record nothing, and a build time without its command', async () => {
    const data = await tempDir();
    for (const args of [[], ['--build-time'], ['--', 'true']]) {
      const refused = await runCommand('scripts/record.ts', ['--data', data, ...args]);
      expect(refused.code, args.join(' ')).toBe(2);
    }
    expect(await measurements(data)).toEqual([]);
  });
});
