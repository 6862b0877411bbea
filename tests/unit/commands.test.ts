/** What every command does alike, called in-process through its exported main: help, exit codes, errors a person can act on. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, tempDir } from '../helpers.ts';

describe('every command', () => {
  it('prints its help and exits 0 on --help, and names the problem and --help on a wrong option, exit 2', async () => {
    const help = await runCommand('scripts/compare.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run compare -- A B \[options\]/);
    expect(help.stdout).toMatch(/ {2}--data DIR +the history folder \(env PERFORMANCE_DB_PATH; default \.\/data\)/);
    // Through the installed package's command, the help names that command.
    const installed = await runCommand('scripts/compare.ts', ['--help'], { env: { PERFSITE_PROGRAM: 'perfsite' } });
    expect(installed.stdout).toMatch(/^Usage: perfsite compare A B \[options\]/);
    expect(installed.stdout).not.toMatch(/npm run/);
    const wrong = await runCommand('scripts/compare.ts', ['--nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/error: .*--nope/);
    expect(wrong.stderr).toMatch(/Run with --help for usage\./);
    expect(wrong.stdout).toBe('');
  });

  it('exits 2 on data it cannot read, saying which file and what to do, without suggesting --help', async () => {
    const data = await tempDir();
    await writeFile(path.join(data, 'baselines.json'), '{ "platforms": ');
    const result = await runCommand('scripts/check.ts', ['--data', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/baselines\.json is not valid JSON .*or delete it to fall back to rolling baselines/);
    expect(result.stderr).not.toMatch(/--help/);
  });

  it('exits 1 when the answer is no, and still records what it measured', async () => {
    const data = await tempDir();
    const result = await runCommand('scripts/record.ts', ['--file-size', path.join(data, 'missing.bin'), '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/missing\.bin: failed \(no such file\)/);
    expect(result.stdout).toMatch(/Recorded run \S+/);
  });
});
