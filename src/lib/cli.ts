/**
 * What every command-line tool shares: its options and --help built from one description (defineCommand),
 * errors printed as one readable message with their exit code, never a stack trace, and output that a
 * stranger's text cannot turn into terminal escape sequences.
 */
import { type ParseArgsOptionDescriptor, parseArgs, styleText } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import { EXIT, type ExitCode, PerfsiteError, UsageError } from './shared/errors.ts';
import { neutralise } from './shared/escape.ts';
import { plural } from './shared/plural.ts';
import { formatProblem, type Problem } from './store/record.ts';

export interface OptionSpec extends ParseArgsOptionDescriptor {
  /** What it does, then where its default comes from: "the history folder (env PERFORMANCE_DB_PATH; default ./data)". */
  description: string;
  /** The value's name in the help, as in `--platform ID`; string options only. */
  value?: string;
}
export type OptionSpecs = Record<string, OptionSpec>;

type Values<O extends OptionSpecs> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];

export interface CommandSpec<O extends OptionSpecs> {
  /** How it is called, each form in full: "npm run compare -- A B [options]". */
  usage: string | readonly string[];
  /** What it does, in a paragraph or two. */
  about?: string;
  options: O;
  /** The positional arguments it takes, each with what it is; none when absent. */
  positionals?: Record<string, string>;
  /** Text after the options: formats, examples, the environment it reads. */
  more?: string;
  run(args: { values: Values<O>; positionals: string[] }): Promise<ExitCode | undefined> | Promise<ExitCode> | Promise<void>;
}

export interface Command {
  /** The --help text, as `npm run` calls the command (the README's command reference). */
  readonly help: string;
  /** Runs the command in this process and gives its exit code; errors are written to stderr, never thrown. */
  main(argv: readonly string[]): Promise<ExitCode>;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

function optionRows(options: OptionSpecs, positionals: Record<string, string>): Array<[string, string]> {
  return [
    ...Object.entries(positionals),
    ...Object.entries(options).map(([name, option]): [string, string] => [
      `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`,
      option.description,
    ]),
  ];
}

function helpText<O extends OptionSpecs>(spec: CommandSpec<O>): string {
  const usage = typeof spec.usage === 'string' ? [spec.usage] : spec.usage;
  const rows = optionRows({ ...spec.options, help: HELP_OPTION }, spec.positionals ?? {});
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const indent = ' '.repeat(width + 2);
  const table = rows.map(([left, right]) => `  ${left.padEnd(width)}${right.split('\n').join(`\n${indent}`)}`);
  return [
    usage.length === 1 ? `Usage: ${usage[0]}` : `Usage:\n${usage.map((line) => `  ${line}`).join('\n')}`,
    ...(spec.about ? [spec.about] : []),
    table.join('\n'),
    ...(spec.more ? [spec.more] : []),
  ].join('\n\n');
}

/** One command: --help from its option descriptions, and a main(argv) that tests call in-process. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  const help = helpText(spec);
  const parseOptions = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, { description: _d, value: _v, ...parse }]) => [name, parse]),
  ) as O;
  return {
    help,
    async main(argv) {
      try {
        const { values, positionals } = parseArgs({
          args: [...argv],
          options: parseOptions,
          allowPositionals: spec.positionals !== undefined,
          strict: true,
        });
        if ((values as { help?: boolean }).help) {
          process.stdout.write(`${asCalled(help, process.env.PERFSITE_PROGRAM)}\n`);
          return EXIT.ok;
        }
        return (await spec.run({ values: values as Values<O>, positionals })) ?? EXIT.ok;
      } catch (error) {
        return reportError(unknownOptionError(error, Object.keys(parseOptions)) ?? error);
      }
    },
  };
}

/** Help for the installed package's `perfsite` command (bin/perfsite.mjs sets PERFSITE_PROGRAM): `perfsite compare A B`. */
export function asCalled(help: string, program: string | undefined): string {
  if (program !== 'perfsite') return help;
  return help.replaceAll(
    /npm run ([\w:-]+)( \[-- | --)?/g,
    (_, name: string, dashes?: string) => `perfsite ${name}${dashes === ' [-- ' ? ' [' : ''}`,
  );
}

/**
 * Node's words for a mistyped option (with a quote it leaves open) replaced by what to type: the closest
 * option by edit distance when it is near enough to be a typo, else the list of options.
 */
function unknownOptionError(error: unknown, names: readonly string[]): UsageError | undefined {
  if ((error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const given = /Unknown option '(-[^']*)'/.exec((error as Error).message)?.[1];
  if (given === undefined) return undefined;
  const typed = given.replace(/^-+/, '').split('=')[0] ?? '';
  const near = closest(typed, [...names]);
  const shown = given.split('=')[0];
  // Two edits let a swapped pair through (--mdoe, --fromat); a short name allows one.
  if (near !== undefined && distance(typed, near) <= (near.length <= 3 ? 1 : Math.max(2, Math.floor(near.length / 3))))
    return new UsageError(`unknown option ${shown}; did you mean --${near}?`);
  return new UsageError(`unknown option ${shown}; the options are ${names.map((name) => `--${name}`).join(', ')}`);
}

function reportError(error: unknown): ExitCode {
  const parseError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  const known = error instanceof PerfsiteError ? error : parseError ? new UsageError((error as Error).message) : null;
  if (known) {
    process.stderr.write(`${styleText('red', 'error:')} ${known.message}\n${known.next ? `${known.next}\n` : ''}`);
    return known.exitCode;
  }
  process.stderr.write(`${styleText('red', 'error:')} ${(error as Error).message}\n`);
  if (process.env.PERFSITE_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  return EXIT.broken;
}

export function printProblems(problems: readonly Problem[], where = 'in the history', stream: NodeJS.WriteStream = process.stderr): void {
  if (problems.length === 0) return;
  stream.write(`${styleText('yellow', `${plural(problems.length, 'problem')} ${where}:`)}\n`);
  for (const problem of problems) stream.write(`  - ${formatProblem(problem)}\n`);
}

/**
 * The sequences styleText writes, and only those: bold and dim (1, 2, 22) and the foreground colours (30–37,
 * 39, 90–97). A stranger's own SGR code (8, conceal, hides what follows; 7 swaps colours) is not among them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: our own colour sequences are what is kept
const COLOUR_SEQUENCE = /(\u001b\[(?:1|2|22|3[0-7]|39|9[0-7])m)/;

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

/** Runs a command as the process: its output guarded, its exit code the process's. */
export async function runAsProcess(command: Command): Promise<void> {
  guardStream(process.stdout);
  guardStream(process.stderr);
  process.exitCode = await command.main(process.argv.slice(2));
}
