/**
 * Imported runs become perfsite runs: each gets an id derived from what makes it that run (its key and
 * platform), so importing the same file twice adds nothing; each is validated like any recorded run,
 * and one that fails is reported and left out while the rest land.
 */

import { createHash } from 'node:crypto';
import { EXIT, PerfsiteError } from '../shared/errors.ts';
import { shortCommit } from '../shared/short-commit.ts';
import { fieldPath } from '../shared/zod-issues.ts';
import type { Platform } from '../store/platform.ts';
import {
  formatProblem,
  type GitInfo,
  type PlatformDetails,
  type Problem,
  RecordError,
  type RunRecordInput,
  type RunType,
  runRecordSchema,
  SCHEMA_VERSION,
} from '../store/record.ts';
import { cleanRunText, newTextFixes, type TextFixes } from '../store/record-text.ts';
import { appendRuns, recordedIds } from '../store/store.ts';
import type { ImportedRun } from './types.ts';

export interface ImportContext {
  /** The platform of runs whose file names none: --platform, or this machine. */
  platform: Platform;
  /**
   * Whether the runs were measured on the importing machine, so its hardware may be recorded: only
   * when neither the file nor --platform names another (or --this-machine says so).
   */
  onThisMachine: boolean;
  /** The commit of runs whose file records none: the repository the import runs in. */
  git: GitInfo | null;
  runType: RunType;
  tool: string;
  file: string;
  /** For runs without a time of their own (the same for all of them, so an import is one moment). */
  now: Date;
}

export interface ImportOutcome {
  added: string[];
  /** Runs already in the history from an earlier import. */
  existing: string[];
  problems: Problem[];
}

/** A platform id from any name: unsafe characters become "_" (a suite name like "Rust Benchmark"). */
export function toPlatformId(name: string): string {
  const id = name
    .replaceAll(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return id || 'imported';
}

export function importedRunId(run: ImportedRun, platformId: string): string {
  return `imp-${createHash('sha256').update(`${platformId}\u0000${run.key}`).digest('hex').slice(0, 24)}`;
}

/** What an import knows of a machine it did not run on: what its file says, and nothing else. */
export function unknownPlatformDetails(known: Partial<PlatformDetails> = {}): PlatformDetails {
  return { os: null, arch: null, cpu: null, cores: null, memoryGb: null, gpus: [], runtime: {}, ci: null, ...known };
}

function metricIndexOf(issue: { path: readonly PropertyKey[] }): number | null {
  return issue.path[0] === 'metrics' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
}

/**
 * Runs as records. Text fields are made valid (see record-text.ts) rather than costing the run; a
 * malformed metric is left out on its own; a run is lost only when none of its measurements is usable.
 */
export function toRecords(
  runs: readonly ImportedRun[],
  context: ImportContext,
  fixes: TextFixes = newTextFixes(),
): { records: RunRecordInput[]; problems: Problem[] } {
  const records: RunRecordInput[] = [];
  const problems: Problem[] = [];
  for (const run of runs) {
    const platformId = run.platform ? toPlatformId(run.platform) : context.platform.id;
    const details = context.onThisMachine && !run.platform ? context.platform.details : unknownPlatformDetails(run.platformDetails);
    let record: RunRecordInput = cleanRunText(
      {
        schemaVersion: SCHEMA_VERSION,
        id: importedRunId(run, platformId),
        timestamp: run.timestamp ?? context.now.toISOString(),
        platform: { id: platformId, details },
        git: run.git === undefined ? context.git : run.git,
        runType: context.runType,
        mode: 'standard',
        source: { tool: context.tool, file: context.file },
        metrics: run.metrics,
      },
      fixes,
    );
    const where = `run ${(record.git?.commit ? shortCommit(record.git.commit) : undefined) ?? record.id}`;
    let checked = runRecordSchema.safeParse(record);
    const badMetrics = new Set(checked.success ? [] : checked.error.issues.map(metricIndexOf).filter((index) => index !== null));
    if (!checked.success && badMetrics.size > 0) {
      for (const issue of checked.error.issues) {
        const index = metricIndexOf(issue);
        if (index === null) continue;
        const metric = record.metrics[index];
        problems.push({
          file: context.file,
          field: `${where} metric ${JSON.stringify(metric?.name ?? index)} ${issue.path.slice(2).join('.')}`.trim(),
          reason: issue.message,
          fix: 'That measurement was left out and the rest of its run imported; fix it in the file and import again (nothing is imported twice).',
        });
      }
      record = { ...record, metrics: record.metrics.filter((_, index) => !badMetrics.has(index)) };
      checked = runRecordSchema.safeParse(record);
    }
    if (!checked.success) {
      const issue = checked.error.issues[0];
      problems.push({
        file: context.file,
        field: `${where}${issue ? ` ${fieldPath(issue.path)}` : ''}`,
        reason: issue?.message ?? 'is not a valid run',
        fix: 'That run has no usable measurement and was skipped; the rest were imported. Fix it in the file and import again (nothing is imported twice).',
      });
      continue;
    }
    records.push(record);
  }
  return { records, problems };
}

/** Adds the runs not yet in the history; with dryRun, only says which they would be. */
export async function importRecords(
  dataDir: string,
  records: readonly RunRecordInput[],
  options: { dryRun: boolean },
): Promise<ImportOutcome> {
  const known = await recordedIds(
    dataDir,
    records.map((record) => record.id),
  );
  const seen = new Set<string>();
  const fresh: RunRecordInput[] = [];
  const existing: string[] = [];
  for (const record of records) {
    if (known.has(record.id) || seen.has(record.id)) existing.push(record.id);
    else fresh.push(record);
    seen.add(record.id);
  }
  if (!options.dryRun && fresh.length > 0) {
    try {
      await appendRuns(dataDir, fresh);
    } catch (error) {
      if (error instanceof RecordError)
        throw new PerfsiteError(`nothing was imported: ${error.problems.map(formatProblem).join('; ')}`, { exitCode: EXIT.failed });
      throw error;
    }
  }
  return { added: fresh.map((record) => record.id), existing, problems: [] };
}
