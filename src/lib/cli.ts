/** What every command-line tool shares: exit codes, and errors as one readable message, never a stack trace. */
import { styleText } from 'node:util';
import { BaselinesFileError } from './analysis/baselines-file.ts';
import { ConfigError } from './analysis/config.ts';
import { TriageFileError } from './analysis/triage-file.ts';
import { UnreadableDataError } from './reports/report-target.ts';
import { RunNotFoundError } from './reports/run-report.ts';
import { neutralise } from './shared/escape.ts';
import { plural } from './shared/plural.ts';
import { PlatformIdError } from './store/platform.ts';
import { formatProblem, type Problem, RecordError } from './store/record.ts';
import { UsageError } from './store/run-context.ts';

/** 0: fine; 1: the answer is no (a regression, a failed measurement); 2: bad usage or data that cannot be read. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const UNREADABLE_DATA = [BaselinesFileError, ConfigError, UnreadableDataError, RunNotFoundError, TriageFileError];

export function printProblems(problems: readonly Problem[], stream: NodeJS.WriteStream = process.stderr): void {
  if (problems.length === 0) return;
  stream.write(`${styleText('yellow', `${plural(problems.length, 'problem')} in the history:`)}\n`);
  for (const problem of problems) stream.write(`  - ${formatProblem(problem)}\n`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: our own colour sequences are what is kept
const COLOUR_SEQUENCE = /(\u001b\[[0-9;]*m)/;

/**
 * Text for a terminal or a CI log: commit messages and names come from strangers, and an escape sequence
 * in one could clear the log, retitle the terminal or hide the verdict. Only colour sequences survive, and
 * only where the stream shows colours (then they are perfsite's own: styleText writes none elsewhere).
 */
export function terminalSafe(text: string, allowColours: boolean): string {
  if (!allowColours) return neutralise(text);
  return text
    .split(COLOUR_SEQUENCE)
    .map((part, index) => (index % 2 === 1 ? part : neutralise(part)))
    .join('');
}

/** Every string a command writes to stdout or stderr goes through terminalSafe; binary output (a piped export) is left alone. */
function guardStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const allowColours = Boolean(stream.isTTY && stream.hasColors?.());
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? terminalSafe(chunk, allowColours) : chunk, ...rest)) as typeof stream.write;
}

let guarded = false;

/** Runs a command's main function; known errors become a message and an exit code. */
export async function runCli(main: () => Promise<number | undefined>): Promise<void> {
  if (!guarded) {
    guardStream(process.stdout);
    guardStream(process.stderr);
    guarded = true;
  }
  try {
    process.exitCode = (await main()) ?? EXIT.ok;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof PlatformIdError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${styleText('red', 'error:')} ${(error as Error).message}\nRun with --help for usage.\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (UNREADABLE_DATA.some((kind) => error instanceof kind)) {
      process.stderr.write(`${styleText('red', 'error:')} ${(error as Error).message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (error instanceof RecordError) {
      process.stderr.write(`${styleText('red', 'error:')} the run was not recorded:\n`);
      for (const problem of error.problems) process.stderr.write(`  - ${formatProblem(problem)}\n`);
      process.exitCode = EXIT.failed;
      return;
    }
    process.stderr.write(`${styleText('red', 'error:')} ${(error as Error).message}\n`);
    if (process.env.PERFSITE_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = EXIT.failed;
  }
}
