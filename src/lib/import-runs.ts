/**
 * Imported runs become perfsite runs: each gets an id derived from what makes it that run (its key and
 * platform), so importing the same file twice adds nothing; each is validated like any recorded run,
 * and one that fails is reported and left out while the rest land.
 */
import { createHash } from 'node:crypto';
import type { ImportedRun } from './importers/types.ts';
import type { Platform } from './platform.ts';
import {
  formatProblem,
  type GitInfo,
  type Problem,
  RecordError,
  type RunRecordInput,
  type RunType,
  runRecordSchema,
  SCHEMA_VERSION,
} from './record.ts';
import { appendRuns, listRecordFiles } from './store.ts';

export interface ImportContext {
  /** The platform of runs whose file names none: --platform, or this machine. */
  platform: Platform;
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

export function toRecords(runs: readonly ImportedRun[], context: ImportContext): { records: RunRecordInput[]; problems: Problem[] } {
  const records: RunRecordInput[] = [];
  const problems: Problem[] = [];
  for (const run of runs) {
    const platformId = run.platform ? toPlatformId(run.platform) : context.platform.id;
    const record: RunRecordInput = {
      schemaVersion: SCHEMA_VERSION,
      id: importedRunId(run, platformId),
      timestamp: run.timestamp ?? context.now.toISOString(),
      platform: run.platform ? { id: platformId, details: { ...context.platform.details, ci: null } } : context.platform,
      git: run.git === undefined ? context.git : run.git,
      runType: context.runType,
      mode: 'standard',
      source: { tool: context.tool, file: context.file },
      metrics: run.metrics,
    };
    const checked = runRecordSchema.safeParse(record);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      problems.push({
        file: context.file,
        field: `run ${record.git?.commit?.slice(0, 10) ?? record.id}${issue ? ` ${issue.path.join('.')}` : ''}`,
        reason: issue?.message ?? 'is not a valid run',
        fix: 'That run was skipped and the rest imported; fix it in the file and import again (nothing is imported twice).',
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
  const known = new Set((await listRecordFiles(dataDir)).map((entry) => entry.id));
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
      if (error instanceof RecordError) throw new Error(`nothing was imported: ${error.problems.map(formatProblem).join('; ')}`);
      throw error;
    }
  }
  return { added: fresh.map((record) => record.id), existing, problems: [] };
}
