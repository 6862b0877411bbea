/**
 * A symbolic link inside the history is refused, never followed: baselines.json, triage.json and runs/ could
 * point anywhere on the machine, and an error quoting what they point at would print it.
 */
import { rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRun } from '../../src/lib/store/store.ts';
import { makeRecord, runCommand, tempDir } from '../helpers.ts';

const SECRET = 'root:x:0:0:root:/root:/bin/bash';

async function historyBesideASecret(): Promise<{ dir: string; data: string; secret: string }> {
  const dir = await tempDir();
  const data = path.join(dir, 'data');
  await appendRun(data, makeRecord());
  const secret = path.join(dir, 'passwd');
  await writeFile(secret, `${SECRET}\n`);
  return { dir, data, secret };
}

describe('links in the history', () => {
  it.each([
    ['baselines.json', ['scripts/check.ts', 'scripts/report.ts']],
    ['triage.json', ['scripts/check.ts', 'scripts/regressions.ts']],
  ])('a linked %s is refused by name, its target never read', async (name, scripts) => {
    const { data, secret } = await historyBesideASecret();
    await symlink(secret, path.join(data, name));
    for (const script of scripts) {
      const result = await runCommand(script, ['--data', data]);
      expect(result.code, script).toBe(2);
      expect(result.stderr).toContain(`${path.join(data, name)} is a symbolic link, and perfsite never follows links inside the history`);
      expect(result.stdout + result.stderr).not.toContain('root:x');
    }
  });

  it('a linked runs/ is one problem, its records never read, and nothing is judged', async () => {
    const { dir, data } = await historyBesideASecret();
    // Another history's runs, behind a link.
    const elsewhere = path.join(dir, 'elsewhere');
    await rename(path.join(data, 'runs'), elsewhere);
    await symlink(elsewhere, path.join(data, 'runs'));
    const validate = await runCommand('scripts/validate.ts', ['--data', data]);
    expect(validate.stdout).toContain(`${path.join(data, 'runs')}: is a symbolic link`);
    expect(validate.stdout).toMatch(/: 0 record files, 0 runs readable/);
    const check = await runCommand('scripts/check.ts', ['--data', data]);
    expect(check.code).not.toBe(0);
  });
});
