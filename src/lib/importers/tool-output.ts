/**
 * One tool's output file read as runs: what `perfsite import` does for a file of a tool's results, and what
 * bisect does after each run of the benchmark command, in its own process (recordToolRun).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PerfsiteError, UsageError } from '../shared/errors.ts';
import { assertImportableFile, assertRunWithinLimits, metricsLimitOf, type RecordLimits, recordLimits } from '../store/limits.ts';
import type { Platform } from '../store/platform.ts';
import type { GitInfo, Problem, RunType } from '../store/record.ts';
import { appendRuns, newRunId } from '../store/store.ts';
import { FILE_FORMATS, type FileFormatName, GITHUB_ACTION_BENCHMARK_TOOLS } from './formats.ts';
import { toRecords } from './import-runs.ts';
import type { ImportedRun } from './types.ts';

/** A format's own name, or github-action-benchmark's name for one (`cargo`, `googlecpp`…); `alias` when it was the latter. */
export function fileFormatOf(given: string): { format: string; alias: boolean } {
  if (!Object.hasOwn(GITHUB_ACTION_BENCHMARK_TOOLS, given) || Object.hasOwn(FILE_FORMATS, given)) return { format: given, alias: false };
  const format = GITHUB_ACTION_BENCHMARK_TOOLS[given];
  if (!format)
    throw new UsageError(
      `--format ${given}: perfsite does not read ${given}'s output yet; write it as Bencher Metric Format JSON (--format bmf) or as github-action-benchmark's custom JSON (--format custom-smaller)`,
    );
  return { format, alias: true };
}

/** An imported file's text, once it is known to be a regular file within the size limit. */
export async function readImportFile(file: string, limits: RecordLimits): Promise<string> {
  await assertImportableFile(file, limits);
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
}

/** Runs read from `file`, each checked against the limits; a file that held nothing becomes a problem. */
export function checkedRuns(
  result: { runs: ImportedRun[]; problems: Problem[] },
  format: string,
  file: string,
  limits: RecordLimits,
): { runs: ImportedRun[]; problems: Problem[] } {
  for (const [index, run] of result.runs.entries())
    assertRunWithinLimits(result.runs.length === 1 ? file : `${file}, run ${index + 1},`, run, limits);
  if (result.runs.length > 0 || result.problems.length > 0) return result;
  return {
    runs: [],
    problems: [
      { file, reason: `holds nothing ${format} writes`, fix: 'Check the file and --format (--format auto tells a file by its content).' },
    ],
  };
}

/** The runs of a tool's file (FILE_FORMATS), checked. */
export function parseToolOutput(
  text: string,
  format: FileFormatName,
  source: { file: string; suite: string; limits: RecordLimits },
): { runs: ImportedRun[]; problems: Problem[] } {
  const { file, suite, limits } = source;
  return checkedRuns(FILE_FORMATS[format].parse(text, { file, suite, metricsLimit: metricsLimitOf(file, limits) }), format, file, limits);
}

/**
 * The one run a tool's output file holds, recorded in `dataDir` as measured now, on `platform`, at `git`: read in
 * this process rather than by a `perfsite import` of its own (0.7 s a run), under an id of its own, since a
 * benchmark that counts (instructions, allocations) writes the same file every time. `what` starts its errors.
 */
export async function recordToolRun(
  dataDir: string,
  file: string,
  tool: { format: string; suite: string; runType: RunType },
  git: GitInfo,
  platform: Platform,
  what: string,
): Promise<void> {
  const limits = recordLimits();
  const { format } = fileFormatOf(tool.format);
  if (!Object.hasOwn(FILE_FORMATS, format)) throw new UsageError(`${what}: ${tool.format} is not a tool's output format perfsite reads`);
  const read = parseToolOutput(await readImportFile(file, limits), format as FileFormatName, { file, suite: tool.suite, limits });
  const now = new Date();
  const context = { platform, onThisMachine: true, git, runType: tool.runType, tool: format, file: path.basename(file), now };
  const { records, problems } = toRecords(read.runs, context);
  const all = [...read.problems, ...problems];
  if (all.length > 0 || records.length !== 1)
    throw new PerfsiteError(
      `${what}: ${file} ${all.length > 0 ? `cannot be used: ${all.map((problem) => `${problem.field ?? ''} ${problem.reason}`.trim()).join('; ')}` : `holds ${records.length} runs, not one`}`,
    );
  await appendRuns(
    dataDir,
    records.map((record) => ({ ...record, id: newRunId(now), timestamp: now.toISOString() })),
  );
}
