/**
 * npm run docs:commands: writes the README's command reference from the commands' own --help, so the two
 * cannot drift apart (tests/unit/command-reference.test.ts fails when the README is stale).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, defineCommand, runAsProcess } from '../src/lib/cli.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(ROOT, 'README.md');
const START = '<!-- command reference: written by npm run docs:commands -->';
const END = '<!-- end of command reference -->';

/** The commands people run, in the order they meet them; each file exports its `command`. */
export const COMMAND_FILES = [
  'bench/run.ts',
  'scripts/build.ts',
  'scripts/preview.ts',
  'scripts/dev.ts',
  'scripts/import.ts',
  'scripts/record.ts',
  'scripts/check.ts',
  'scripts/report.ts',
  'scripts/compare.ts',
  'scripts/regressions.ts',
  'scripts/triage.ts',
  'scripts/baselines.ts',
  'scripts/ab.ts',
  'scripts/bisect.ts',
  'scripts/backfill.ts',
  'scripts/stats.ts',
  'scripts/validate.ts',
  'scripts/compact.ts',
  'scripts/export.ts',
  'scripts/history.ts',
  'scripts/github.ts',
  'scripts/init.ts',
  'scripts/demo-history.ts',
  'scripts/screenshots.ts',
  'scripts/lint-workflows.ts',
  'scripts/rehearse-nightly.ts',
] as const;

export async function commandReference(): Promise<string> {
  const sections: string[] = [];
  for (const file of COMMAND_FILES) {
    const { command } = (await import(path.join(ROOT, file))) as { command: Command };
    sections.push(`\`${file}\`\n\n\`\`\`text\n${command.help}\n\`\`\``);
  }
  return `${START}\n\n${sections.join('\n\n')}\n\n${END}`;
}

/** The README with its command reference replaced by the given one. */
export function withReference(readme: string, reference: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${README} has no command reference markers (${START} … ${END})`);
  return `${readme.slice(0, start)}${reference}${readme.slice(end + END.length)}`;
}

export const command = defineCommand({
  usage: 'npm run docs:commands',
  about: "Rewrites the README's command reference from each command's --help.",
  options: {},
  async run() {
    await writeFile(README, withReference(await readFile(README, 'utf8'), await commandReference()));
    console.log(`wrote the command reference of ${COMMAND_FILES.length} commands into README.md`);
  },
});

if (import.meta.main) await runAsProcess(command);
