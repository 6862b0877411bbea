/**
 * A history folder that cannot be one (a file, a path through a file) is refused by every command with exit
 * 2 and one line naming the flag and the fix, before anything is measured; a run measured but not stored is
 * kept in a recovery file that the history then takes as it is.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../src/lib/store/history.ts';
import { formatProblem } from '../../src/lib/store/record.ts';
import { PROJECT_ROOT, runCommand, runScript, tempDir } from '../helpers.ts';

/** A suite that leaves a mark when it measures, and can break the history folder while it does. */
async function markingSuite(dir: string, sample = ''): Promise<string> {
  const suites = path.join(dir, 'suites');
  await mkdir(suites);
  await writeFile(
    path.join(suites, 'marking.suite.mts'),
    `import { writeFileSync } from 'node:fs';
import { defineSuite } from '${pathToFileURL(path.join(PROJECT_ROOT, 'bench', 'suite.ts')).href}';
export default defineSuite({
  name: 'marking',
  description: 'leaves a file behind when it measures',
  metrics: { work: { unit: 's', direction: 'lower', description: 'a constant' } },
  async setup() { return {}; },
  async sample() { writeFileSync(${JSON.stringify(path.join(dir, 'measured'))}, 'yes'); ${sample} return { work: 0.5 }; },
});
`,
  );
  return suites;
}

const COMMANDS: Array<[string, string[]]> = [
  ['scripts/import.ts', ['--format', 'hyperfine', 'bench.json']],
  ['scripts/record.ts', ['--file-size', 'package.json']],
  ['scripts/check.ts', []],
  ['scripts/report.ts', []],
  ['scripts/regressions.ts', []],
  ['scripts/compare.ts', ['a1b2c3d', 'b2c3d4e']],
  ['scripts/stats.ts', []],
  ['scripts/export.ts', ['--format', 'csv']],
  ['scripts/validate.ts', []],
  ['scripts/baselines.ts', []],
  ['scripts/compact.ts', []],
  ['scripts/triage.ts', ['e-x', 'accepted']],
];

describe('a history folder that is a file', () => {
  it.each(COMMANDS)('%s refuses it with exit 2 and one line that names the flag and the fix', async (script, args) => {
    const dir = await tempDir();
    const file = path.join(dir, 'history');
    await writeFile(file, 'not a folder\n');
    const result = await runCommand(script, [...args, '--data', file], { cwd: dir });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `error: --data ${file} is a file, not a folder: point --data (or PERFORMANCE_DB_PATH) at the history folder; a missing one is created by the first run`,
    );
    expect(result.stderr).not.toMatch(/ENOTDIR|\n\s+at /);
    expect(await readFile(file, 'utf8')).toBe('not a folder\n');
  });

  it('names PERFORMANCE_DB_PATH when that is where the path came from, and a path through a file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'history'), '');
    const fromEnv = await runCommand('scripts/check.ts', [], { cwd: dir, env: { PERFORMANCE_DB_PATH: 'history' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/^error: PERFORMANCE_DB_PATH=history is a file, not a folder/);
    const through = await runCommand('scripts/regressions.ts', ['--data', 'history/inner'], { cwd: dir });
    expect(through.code).toBe(2);
    expect(through.stderr).toMatch(/^error: --data history\/inner lies inside a file, not a folder/);
  });

  it('bench measures nothing when its results could not be stored', async () => {
    const dir = await tempDir();
    const suites = await markingSuite(dir);
    await writeFile(path.join(dir, 'history'), '');
    const result = await runCommand('bench/run.ts', ['--dir', suites, '--mode', 'quick', '--data', path.join(dir, 'history')], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--data .*history is a file, not a folder/);
    expect(existsSync(path.join(dir, 'measured'))).toBe(false);
  });

  it('bench keeps a run it measured but could not store in a recovery file the history then reads', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    // The folder is fine when bench starts; the suite then puts a file where the run records go.
    const suites = await markingSuite(dir, `writeFileSync(${JSON.stringify(path.join(data, 'runs'))}, 'in the way');`);
    const result = await runCommand('bench/run.ts', ['--dir', suites, '--mode', 'quick', '--data', data, '--platform', 'P1'], { cwd: dir });
    expect(result.code, result.stderr).toBe(2);
    expect(existsSync(path.join(dir, 'measured'))).toBe(true);
    const [saved] = (await readdir(dir)).filter((name) => name.startsWith('perfsite-unrecorded-run-'));
    expect(saved).toBeDefined();
    expect(result.stderr).toMatch(/^error: the run could not be recorded in data: /m);
    expect(result.stderr).toContain(`Its measurements are kept in ${saved}`);

    // The fix the message gives, followed: the history holds the run and its measurement.
    const [, folder, from, to] = /mkdir -p (\S+) && mv (\S+) (\S+)$/m.exec(result.stderr) ?? [];
    await rm(path.join(data, 'runs'));
    await mkdir(path.join(dir, folder as string), { recursive: true });
    await rename(path.join(dir, from as string), path.join(dir, to as string));
    const history = await openHistory(data);
    try {
      expect(history.problems.map(formatProblem)).toEqual([]);
      const rows = await history.connection.runAndReadAll(`SELECT platform, metric, value FROM metrics`);
      expect(rows.getRowObjectsJson()).toEqual([{ platform: 'P1', metric: 'work', value: 0.5 }]);
    } finally {
      history.close();
    }
  });
});

describe('a suite file', () => {
  it('written as .suite.ts in a CommonJS project is refused in one line that says to rename it to .mts, which then runs', async () => {
    const dir = await tempDir();
    // What npm init -y writes.
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'project', version: '1.0.0', type: 'commonjs' }));
    const suites = path.join(dir, 'bench');
    await mkdir(suites);
    const suite = `export default {
  name: 'plain',
  description: 'a constant',
  metrics: { work: { unit: 's', direction: 'lower', description: 'a constant' } },
  async setup() { return {}; },
  async sample() { return { work: 0.5 }; },
};
`;
    await writeFile(path.join(suites, 'plain.suite.ts'), suite);
    // A process of its own: Node decides how to load the file, as it does for a user (the test runner would not).
    const refused = await runScript('bench/run.ts', ['--dir', suites, '--dry-run', '--mode', 'quick'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(
      'error: bench/plain.suite.ts is loaded as CommonJS, because package.json does not say "type": "module", so its import/export lines fail: rename it to plain.suite.mts (an ES module in any project)',
    );
    await rename(path.join(suites, 'plain.suite.ts'), path.join(suites, 'plain.suite.mts'));
    const renamed = await runScript('bench/run.ts', ['--dir', suites, '--dry-run', '--mode', 'quick'], { cwd: dir });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toContain('Dry run: nothing was recorded.');
  });
});
