/**
 * What a command says when something is off. What it tells a person to type next is worded for how perfsite
 * was called: `npm run …` in its own repository, `npx perfsite …` where it is installed (bin/perfsite.mjs sets
 * PERFSITE_PROGRAM). A mistyped option gets the one it was probably meant to be. Its exit code tells a no
 * from bad usage and from a command that broke.
 */
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/lib/cli.ts';
import { EXIT, PerfsiteError, UsageError } from '../../src/lib/shared/errors.ts';
import { runCommand, tempDir } from '../helpers.ts';

describe('hints', () => {
  it('name the commands the person has', async () => {
    const empty = await tempDir();
    const here = await runCommand('scripts/stats.ts', ['--data', empty]);
    expect(here.stdout).toContain('No runs yet: record one with `npm run bench`.');
    const installed = await runCommand('scripts/stats.ts', ['--data', empty], { env: { PERFSITE_PROGRAM: 'perfsite' } });
    expect(installed.stdout).toContain('No runs yet: record one with `npx perfsite bench`.');
    const compare = await runCommand('scripts/compare.ts', ['--data', empty, 'only-one'], { env: { PERFSITE_PROGRAM: 'perfsite' } });
    expect(compare.stderr).toContain('give exactly two runs or commits to compare: npx perfsite compare A B');
  });

  it.each([
    ['scripts/import.ts', '--fromat', 'unknown option --fromat; did you mean --format?'],
    ['scripts/check.ts', '--treshold=5', 'unknown option --treshold; did you mean --threshold?'],
    ['scripts/stats.ts', '--zzz', 'unknown option --zzz; the options are --recent, --data, --help'],
  ])('%s %s: one line that says what to type', async (script, option, message) => {
    const result = await runCommand(script, [option, 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });
});

describe('exit codes', () => {
  it('tell a command that broke (3, no verdict) from a no (1) and from bad usage (2)', async () => {
    const failing = (error: Error) =>
      defineCommand({
        usage: 'npm run nothing',
        options: {},
        async run() {
          throw error;
        },
      });
    const silence = { write: process.stderr.write };
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      // What DuckDB throws when the machine runs out of memory: no verdict, so never a regression's 1.
      expect(await failing(new Error('Out of Memory Error: could not allocate block of size 256.0 KiB')).main([])).toBe(EXIT.broken);
      expect(await failing(new UsageError('--x is wrong')).main([])).toBe(EXIT.usage);
      expect(await failing(new PerfsiteError('a step failed')).main([])).toBe(EXIT.failed);
    } finally {
      process.stderr.write = silence.write;
    }
  });
});
