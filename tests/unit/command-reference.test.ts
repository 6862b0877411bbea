/** The README's command reference is each command's own --help, and every command is in it. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_FILES, commandReference, README, withReference } from '../../scripts/command-reference.ts';
import { PROJECT_ROOT } from '../helpers.ts';

/** Entry points that are not commands people type: the action's step, and the reference's own writer. */
const NOT_IN_REFERENCE = ['scripts/action.ts', 'scripts/command-reference.ts'];

describe('the command reference', () => {
  it('is in the README as the commands print it (npm run docs:commands rewrites it)', async () => {
    const readme = await readFile(README, 'utf8');
    expect(withReference(readme, await commandReference())).toBe(readme);
  });

  it('lists every command that defines its options', async () => {
    const entryPoints: string[] = [];
    for (const dir of ['scripts', 'bench']) {
      for (const name of await readdir(path.join(PROJECT_ROOT, dir))) {
        if (!name.endsWith('.ts')) continue;
        if ((await readFile(path.join(PROJECT_ROOT, dir, name), 'utf8')).includes('defineCommand(')) entryPoints.push(`${dir}/${name}`);
      }
    }
    expect(entryPoints.filter((file) => !NOT_IN_REFERENCE.includes(file)).sort()).toEqual([...COMMAND_FILES].sort());
  });
});
