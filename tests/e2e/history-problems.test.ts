/** What the history cannot read is said wherever a person looks, and what killed writers leave behind is swept up. */
import { mkdir, readdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataLayout } from '../../src/lib/store/paths.ts';
import { appendRuns } from '../../src/lib/store/store.ts';
import { makeRecord, runScript, siteBuildDir, tempDir } from '../helpers.ts';

const builds: string[] = [];
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await Promise.all(builds.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Three runs, compacted into their month file, then one record overwritten with half a line. */
async function historyWithCorruptIndexedRecord() {
  const data = await tempDir();
  const records = [20, 21, 22].map((day) => makeRecord({}, new Date(Date.UTC(2026, 10, day))));
  await appendRuns(data, records);
  expect((await runScript('scripts/compact.ts', ['--data', data])).code).toBe(0);
  const month = path.join(dataLayout(data).runsDir, '2026-11');
  const [name] = (await readdir(month)).sort();
  const file = path.join(month, name as string);
  await writeFile(file, '{"schemaVersion": 1, "id": ');
  // Written after the index: as a hand edit or a bad merge would be.
  const later = new Date(Date.now() + 60_000);
  await utimes(file, later, later);
  return { data, file: name as string };
}

describe('a record corrupted after its run was indexed', () => {
  it('is named, with a pointer to npm run validate, by stats, check and the build', async () => {
    const { data, file } = await historyWithCorruptIndexedRecord();
    const line = new RegExp(
      `${file.replace('.', '\\.')}: changed after its run was indexed and can no longer be read.*Run \`npm run validate\``,
    );
    const stats = await runScript('scripts/stats.ts', ['--data', data]);
    expect(stats.stderr).toMatch(line);
    expect(stats.stdout).toMatch(/Total runs: 3/);
    const check = await runScript('scripts/check.ts', ['--data', data], { env: { REGRESSION_THRESHOLD: '' } });
    expect(check.stderr).toMatch(line);
    const out = await siteBuildDir();
    builds.push(out);
    const build = await runScript('scripts/build.ts', ['--outDir', out], { env: { PERFORMANCE_DB_PATH: data } });
    expect(build.code, build.stderr).toBe(0);
    expect(`${build.stdout}${build.stderr}`).toMatch(line);
  });
});

describe('temporary files of interrupted writes', () => {
  it('are reported by validate and removed by compact once no write can still be busy with them', async () => {
    const data = await tempDir();
    await appendRuns(data, [makeRecord()]);
    const { tmpDir } = dataLayout(data);
    await mkdir(tmpDir, { recursive: true });
    const stale = path.join(tmpDir, 'run.json.4242.deadbeef.tmp');
    const live = path.join(tmpDir, 'run.json.4343.cafebabe.tmp');
    await writeFile(stale, '{"half');
    await writeFile(live, '{"being written');
    // Two hours before the live file was written, by the file system's clock (the one ages are measured by).
    const twoHoursAgo = new Date((await stat(live)).mtimeMs - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    const validate = await runScript('scripts/validate.ts', ['--data', data]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(
      /run\.json\.4242\.deadbeef\.tmp: was left by a write that was interrupted.*`npm run compact` removes it/,
    );
    expect(validate.stdout).not.toMatch(/4343/);
    const compact = await runScript('scripts/compact.ts', ['--data', data]);
    expect(compact.stdout).toMatch(/Removed 1 temporary file that interrupted writes left/);
    expect(await readdir(tmpDir)).toEqual(['run.json.4343.cafebabe.tmp']);
  });
});

describe('links and bad files in the history', () => {
  it('refuses a symlink out of data/, naming it, and never quotes what a bad file holds', async () => {
    const data = await tempDir();
    await appendRuns(data, [makeRecord({}, new Date('2026-11-20T10:00:00Z'))]);
    const outside = await tempDir();
    const secret = path.join(outside, 'secret');
    await writeFile(secret, 'root:x:0:0:root:/root:/bin/bash\nSECRET-TOKEN-1234\n');
    const month = path.join(dataLayout(data).runsDir, '2026-11');
    await symlink(secret, path.join(month, 'evil.json'));
    await symlink(outside, path.join(dataLayout(data).runsDir, '2026-12'));
    await writeFile(path.join(month, 'garbled.json'), 'SECRET-TOKEN-5678 and more');
    const validate = await runScript('scripts/validate.ts', ['--data', data]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(/evil\.json: is a symbolic link, and perfsite never follows links inside the history/);
    expect(validate.stdout).toMatch(/runs\/2026-12: is a symbolic link/);
    expect(validate.stdout).toMatch(/garbled\.json: is not valid JSON \(Unexpected token 'S'\)/);
    expect(validate.stdout).not.toMatch(/root:x|SECRET-TOKEN/);
    const stats = await runScript('scripts/stats.ts', ['--data', data]);
    expect(`${stats.stdout}${stats.stderr}`).not.toMatch(/root:x|SECRET-TOKEN/);
    expect(stats.stdout).toMatch(/Total runs: 1/);
  });
});
