/**
 * npm run import -- --format F [options] FILE...: brings other tools' results, and whole histories
 * from github-action-benchmark and asv, into the history as perfsite runs.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { readAsvResults } from '../src/lib/importers/asv.ts';
import { detectFormat } from '../src/lib/importers/detect-format.ts';
import { FILE_FORMATS, type FileFormatName, GITHUB_ACTION_BENCHMARK_TOOLS, HISTORY_FORMATS } from '../src/lib/importers/formats.ts';
import {
  MACHINE_SERIES_SUITE,
  parseGithubActionBenchmarkData,
  type SeriesKind,
  seriesKind,
} from '../src/lib/importers/github-action-benchmark.ts';
import { importRecords, toPlatformId, toRecords } from '../src/lib/importers/import-runs.ts';
import { checkedRuns, fileFormatOf, readImportFile } from '../src/lib/importers/tool-output.ts';
import type { ImportedRun } from '../src/lib/importers/types.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { assertImportableFile, LimitError, metricsLimitOf, type RecordLimits, recordLimits } from '../src/lib/store/limits.ts';
import { ensureWritableDataDir, resolveDataDir } from '../src/lib/store/paths.ts';
import { assertPlatformId } from '../src/lib/store/platform.ts';
import type { Problem } from '../src/lib/store/record.ts';
import { describeTextFixes, newTextFixes } from '../src/lib/store/record-text.ts';
import { detectRunContext, resolveRunType } from '../src/lib/store/run-context.ts';

/** A format's own name, or github-action-benchmark's name for it, said when it is the latter. */
function formatOf(given: string): string {
  const { format, alias } = fileFormatOf(given);
  if (alias) console.log(`--format ${given}: github-action-benchmark's name for ${format}`);
  return format;
}

/** --format auto for one file: an asv results folder, or a file as detectFormat reads it. */
async function detectFileFormat(file: string, limits: RecordLimits): Promise<string> {
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    if (await stat(path.join(file, 'benchmarks.json')).catch(() => undefined)) {
      console.log(`${file}: read as asv (a folder with benchmarks.json)`);
      return 'asv';
    }
    throw new UsageError(`${file} is a folder without benchmarks.json, so not asv results: give the file(s) inside it, or --format`);
  }
  const text = await readImportFile(file, limits);
  const detected = detectFormat(text);
  if ('error' in detected) throw new UsageError(`${file}: --format auto cannot tell what wrote it: ${detected.error}`);
  console.log(`${file}: read as ${detected.format} (${detected.because})`);
  return detected.format;
}

/**
 * A file given with a --format that reads nothing in it, when its content says which tool wrote it: refused
 * before anything is written, naming the format that fits, rather than reported as a problem of the history.
 */
async function assertFormatFits(file: string, format: string, limits: RecordLimits): Promise<void> {
  await assertImportableFile(file, limits);
  if (format === 'asv' || format === 'github-action-benchmark' || !Object.hasOwn(FILE_FORMATS, format)) return;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const detected = detectFormat(text);
  if ('error' in detected || detected.format === format) return;
  let readable: number;
  try {
    readable = FILE_FORMATS[format as FileFormatName].parse(text, { file, suite: format }).runs.length;
  } catch {
    readable = 0;
  }
  if (readable > 0) return;
  throw new UsageError(
    `${file} is not ${format} output: it looks like ${detected.format}'s (${detected.because}); import it with --format ${detected.format}, or --format auto`,
  );
}

/** --series, else what the benchmarks say; --platform puts every series on one machine, so they are suites. */
function seriesKindToUse(given: string | undefined, platform: string | undefined, runs: Parameters<typeof seriesKind>[0]): SeriesKind {
  if (given !== undefined && given !== 'auto' && given !== 'machines' && given !== 'suites')
    throw new UsageError(`--series must be auto, machines or suites; got ${JSON.stringify(given)}`);
  if (platform !== undefined) {
    if (given === 'machines')
      throw new UsageError('--series machines and --platform disagree: a series is a machine, or all are on --platform');
    return { kind: 'suites', because: `--platform ${platform} puts them all on one platform` };
  }
  if (given === 'machines' || given === 'suites') return { kind: given, because: `--series ${given}` };
  const found = seriesKind(runs);
  return { ...found, because: `${found.because} (--series ${found.kind === 'machines' ? 'suites' : 'machines'} reads them the other way)` };
}

export const command = defineCommand({
  usage: 'npm run import -- --format FORMAT [options] FILE...',
  options: {
    format: {
      type: 'string',
      value: 'FORMAT',
      description:
        "one of the formats below (github-action-benchmark's tool names work too), or auto:\nrecognise each file by its content, and say which format it was read as",
    },
    platform: {
      type: 'string',
      value: 'ID',
      description: "the platform of the runs (default: this machine; for github-action-benchmark, each series' name)",
    },
    series: {
      type: 'string',
      value: 'KIND',
      description:
        "github-action-benchmark only: what each series (the action's name:) is, machines or suites\n(default auto: machines when all hold the same benchmarks; machines' metrics go into\nthe suite Benchmark)",
    },
    'this-machine': {
      type: 'boolean',
      default: false,
      description:
        "with --platform: the runs were measured here, so record this machine's hardware\n(otherwise a named platform's hardware is recorded as unknown, or as its file says)",
    },
    suite: {
      type: 'string',
      value: 'NAME',
      description:
        "the suite the metrics go into (default: the format's name); for github-action-benchmark,\nonly the entries of that series (the action's name:)",
    },
    'run-type': {
      type: 'string',
      value: 'T',
      description: 'ci, nightly, manual, pr, bisect or backfill (default manual; ci for histories)',
    },
    'dry-run': { type: 'boolean', default: false, description: 'show what would be added, add nothing' },
    data: DATA_OPTION,
  },
  positionals: { 'FILE...': 'the files the tool wrote (for asv, its results folder)' },
  more: `Formats (a tool's output file):
${Object.entries(FILE_FORMATS)
  .map(([name, format]) => `  ${name.padEnd(24)}${format.produce}`)
  .join('\n')}
Histories (every run, with its commit):
${Object.entries(HISTORY_FORMATS)
  .map(([name, what]) => `  ${name.padEnd(24)}${what}`)
  .join('\n')}
github-action-benchmark's tool names: ${Object.keys(GITHUB_ACTION_BENCHMARK_TOOLS).join(', ')}.

Importing a file again adds nothing. No run is lost over a text field: over-long commit messages and names
are shortened (marked "… [shortened from N characters]") and control characters replaced, and the import
says how many. A malformed measurement is reported with its place and left out, the rest of its run
imported; a run is skipped only when none of its measurements is usable. Either way the exit code is 1 so
that a CI job notices.`,
  async run({ values, positionals }) {
    const given = formatOf(values.format ?? '');
    const auto = given === 'auto';
    const isHistory = Object.hasOwn(HISTORY_FORMATS, given);
    if (!Object.hasOwn(FILE_FORMATS, given) && !isHistory && !auto) {
      throw new UsageError(`--format must be auto or one of ${[...Object.keys(FILE_FORMATS), ...Object.keys(HISTORY_FORMATS)].join(', ')}`);
    }
    if (positionals.length === 0) throw new UsageError('give the file(s) to import');
    if (values.platform !== undefined) assertPlatformId(values.platform, '--platform');
    const dataDir = resolveDataDir(values.data);
    if (!values['dry-run']) await ensureWritableDataDir(dataDir, values.data);
    const runTypeOf = (format: string) => resolveRunType(values['run-type'] ?? (Object.hasOwn(HISTORY_FORMATS, format) ? 'ci' : undefined));
    runTypeOf(given);
    const context = await detectRunContext({ dataDir, ...(values.platform ? { platformFlag: values.platform } : {}) });
    const now = new Date();
    const fixes = newTextFixes();
    const onThisMachine = values['this-machine'] || values.platform === undefined;
    let added = 0;
    let existing = 0;
    const problems: Problem[] = [];
    // Every file's format is known before anything is written: a file auto cannot tell stops the import whole.
    const formats: string[] = [];
    const limits = recordLimits();
    for (const file of positionals) {
      if (!auto) await assertFormatFits(file, given, limits);
      formats.push(auto ? await detectFileFormat(file, limits) : given);
    }
    for (const [index, file] of positionals.entries()) {
      let runs: ImportedRun[];
      const format = formats[index] as string;
      if (format === 'asv') {
        const result = await readAsvResults(file);
        runs = values.platform ? result.runs.map((run) => ({ ...run, platform: values.platform as string })) : result.runs;
        problems.push(...result.problems);
        if (result.outdated + result.unknown > 0) {
          console.log(
            `${file}: left out, as asv does: ${result.outdated} results measured with an older version of their benchmark, ${result.unknown} of benchmarks no longer in benchmarks.json`,
          );
        }
      } else {
        const text = await readImportFile(file, limits);
        const source = { file, suite: values.suite ?? format, metricsLimit: metricsLimitOf(file, limits) };
        let result: { runs: ImportedRun[]; problems: Problem[] };
        try {
          if (format === 'github-action-benchmark') {
            const history = parseGithubActionBenchmarkData(text, source);
            // --suite picks one of the action's series (its `name:`), as one step of that action recorded it.
            const wanted = values.suite === undefined ? history.runs : history.runs.filter((run) => run.suiteName === values.suite);
            const others = new Set(history.runs.filter((run) => !wanted.includes(run)).map((run) => run.suiteName));
            if (others.size > 0)
              console.log(
                `${file}: left out the entries of ${[...others].map((name) => JSON.stringify(name)).join(', ')} (--suite ${values.suite})`,
              );
            const kind = seriesKindToUse(values.series, values.platform, wanted);
            console.log(`${file}: each series read as ${kind.kind === 'machines' ? 'a platform' : 'a suite'}: ${kind.because}`);
            result = {
              runs: wanted.map(({ suiteName, tool: _tool, ...run }) =>
                kind.kind === 'machines'
                  ? {
                      ...run,
                      platform: toPlatformId(suiteName),
                      metrics: run.metrics.map((metric) => ({ ...metric, suite: MACHINE_SERIES_SUITE })),
                    }
                  : { ...run, platform: values.platform ?? toPlatformId(suiteName) },
              ),
              problems: history.problems,
            };
          } else {
            result = FILE_FORMATS[format as FileFormatName].parse(text, source);
          }
        } catch (error) {
          if (error instanceof LimitError) throw error;
          throw new UsageError(`${file} cannot be read as ${format}: ${(error as Error).message}`);
        }
        const checked = checkedRuns(result, format, file, limits);
        runs = checked.runs;
        problems.push(...checked.problems);
      }
      const { records, problems: invalid } = toRecords(
        runs,
        {
          platform: context.platform,
          onThisMachine,
          git: context.git,
          runType: runTypeOf(format),
          tool: format,
          file: path.basename(file),
          now,
        },
        fixes,
      );
      problems.push(...invalid);
      const outcome = await importRecords(dataDir, records, { dryRun: values['dry-run'] });
      added += outcome.added.length;
      existing += outcome.existing.length;
      const metrics = records.filter((record) => outcome.added.includes(record.id)).reduce((sum, record) => sum + record.metrics.length, 0);
      console.log(
        `${file}: ${values['dry-run'] ? 'would add' : 'added'} ${plural(outcome.added.length, 'run')} (${metrics} measurements)` +
          (outcome.existing.length > 0 ? `; ${outcome.existing.length} already imported` : ''),
      );
    }
    for (const line of describeTextFixes(fixes)) console.log(`note: ${line} (the run was kept; see ${commandHint('import', '--help')})`);
    printProblems(problems, 'in the imported files');
    console.log(
      `${values['dry-run'] ? 'Dry run: nothing written. ' : ''}${added} new, ${existing} already there, ${plural(problems.length, 'problem')}.`,
    );
    // The rest landed, but a CI job importing a file should not pass over entries it could not read.
    return problems.length > 0 ? EXIT.failed : EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
