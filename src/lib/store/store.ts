/**
 * Writing runs into data/ and reading record files back. A run is written once: its JSON record
 * (the fact, human-readable, merge-friendly) and then its Parquet rows (the index DuckDB reads).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { publishFile, temporaryPath, writeFileAtomic } from './atomic-file.ts';
import { openDuckDB } from './duckdb.ts';
import { assertRunWithinLimits, recordLimits } from './limits.ts';
import { writeRecordsParquet } from './metric-table.ts';
import { type DataLayout, dataLayout, displayPath, pendingParquetPath, runRecordPath } from './paths.ts';
import { isLinkedFolder } from './plain-file.ts';
import { type Problem, parseRecordText, RecordError, type RunRecord, type RunRecordInput, validateRecord } from './record.ts';
import { cleanRunText, newTextFixes, type TextFixes } from './record-text.ts';

/** Sortable by time, unique without coordination: 20261125T151600123Z-3fa9c2d1. */
export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replaceAll(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Where a run id is already taken, if anywhere. Imports and hand-made ids pick their own, so the id is
 * looked for in every month's folder: by a few lookups for a few runs, by one listing for a batch. A
 * history of 100,000 runs is 100,000 names to list; appending one run looks in each month's folder once.
 */
async function existingRecordFinder(layout: DataLayout, batchSize: number): Promise<(id: string) => Promise<string | undefined>> {
  const months = await readdir(layout.runsDir).catch(() => [] as string[]);
  if (batchSize <= months.length) {
    return async (id) => {
      for (const month of months) {
        const candidate = path.join(layout.runsDir, month, `${id}.json`);
        if (await exists(candidate)) return candidate;
      }
      return (await exists(pendingParquetPath(layout, id))) ? pendingParquetPath(layout, id) : undefined;
    };
  }
  const known = new Map<string, string>();
  for (const month of months) {
    for (const name of await readdir(path.join(layout.runsDir, month)).catch(() => [] as string[])) {
      if (name.endsWith('.json')) known.set(name.slice(0, -'.json'.length), path.join(layout.runsDir, month, name));
    }
  }
  return async (id) => known.get(id);
}

/** Which of these run ids the history already holds (an import adds only the others). */
export async function recordedIds(dataDir: string, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const find = await existingRecordFinder(dataLayout(dataDir), unique.length);
  const found = new Set<string>();
  for (const id of unique) if (await find(id)) found.add(id);
  return found;
}

export interface AppendOptions {
  /** Reuse one DuckDB connection when appending many times. */
  connection?: DuckDBConnection;
  /** Collects what was shortened or replaced in text fields, for the caller to say once. */
  fixes?: TextFixes;
}

function duplicateId(file: string, id: string): RecordError {
  return new RecordError([
    {
      file: displayPath(file),
      field: 'id',
      reason: `run id ${id} is already recorded`,
      fix: 'Run ids are unique and records are never overwritten; give the new run another id (perfsite makes one when none is given).',
    },
  ]);
}

/**
 * Validates and appends runs: one JSON record each, then one Parquet file with all their rows.
 * Text fields are made valid first (record-text.ts), so no run is refused over one; nothing is
 * written when any record is otherwise invalid or any id is taken.
 */
export async function appendRuns(
  dataDir: string,
  inputs: readonly RunRecordInput[],
  options: AppendOptions = {},
): Promise<Array<{ record: RunRecord; file: string }>> {
  const layout = dataLayout(dataDir);
  const problems: Problem[] = [];
  const records: RunRecord[] = [];
  const fixes = options.fixes ?? newTextFixes();
  const limits = recordLimits();
  inputs.forEach((input, index) => {
    assertRunWithinLimits(inputs.length === 1 ? 'the new run' : `new run #${index + 1}`, input, limits);
  });
  inputs.forEach((input, index) => {
    const checked = validateRecord(cleanRunText(input, fixes), inputs.length === 1 ? '(new run)' : `(new run #${index + 1})`);
    if ('problems' in checked) problems.push(...checked.problems);
    else records.push(checked.record);
  });
  if (problems.length > 0) throw new RecordError(problems);
  const first = records[0];
  if (!first) return [];

  const ids = new Set<string>();
  const findExisting = await existingRecordFinder(layout, records.length);
  for (const record of records) {
    if (ids.has(record.id)) throw duplicateId('(this batch)', record.id);
    ids.add(record.id);
    const existing = await findExisting(record.id);
    if (existing) throw duplicateId(existing, record.id);
  }

  const written: Array<{ record: RunRecord; file: string }> = [];
  for (const record of records) {
    const file = runRecordPath(layout, record.id, record.timestamp);
    try {
      await writeFileAtomic(layout.tmpDir, file, `${JSON.stringify(record, null, 2)}\n`, { exclusive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw duplicateId(file, record.id);
      throw error;
    }
    written.push({ record, file });
  }

  // The JSON records are the facts; the Parquet file only indexes them. Should this step be
  // interrupted, the history reads these runs from their JSON until `npm run compact` indexes them.
  const parquet = pendingParquetPath(layout, first.id);
  const tmp = temporaryPath(layout.tmpDir, parquet);
  const connection = options.connection ?? (await openDuckDB());
  try {
    await writeRecordsParquet(connection, records, tmp);
  } finally {
    if (!options.connection) connection.closeSync();
  }
  await mkdir(layout.pendingMetricsDir, { recursive: true });
  await publishFile(tmp, parquet, { exclusive: true });
  return written;
}

export async function appendRun(
  dataDir: string,
  input: RunRecordInput,
  options: AppendOptions = {},
): Promise<{ record: RunRecord; file: string }> {
  const [written] = await appendRuns(dataDir, [input], options);
  if (!written) throw new Error('appendRuns returned nothing for one run');
  return written;
}

export interface RecordFile {
  id: string;
  file: string;
}

/**
 * Every JSON record file under data/runs/ (month folders, and any file placed directly in it), found by
 * name only. A linked folder is not entered; it is reported into `problems` when given.
 */
export async function listRecordFiles(dataDir: string, problems?: Problem[]): Promise<RecordFile[]> {
  const { runsDir } = dataLayout(dataDir);
  // A linked runs/ would be listed through the link, and every record behind it read.
  if (await isLinkedFolder(runsDir)) {
    problems?.push(symlinkProblem(runsDir));
    return [];
  }
  const top = await readdir(runsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of top) if (entry.isSymbolicLink()) problems?.push(symlinkProblem(path.join(runsDir, entry.name)));
  // Names only, one folder at a time, in parallel: several times faster than a recursive listing with file types.
  const folders = top.filter((entry) => entry.isDirectory()).map((entry) => path.join(runsDir, entry.name));
  const listed = await Promise.all(folders.map(async (folder) => (await readdir(folder)).map((name) => path.join(folder, name))));
  const loose = top.filter((entry) => entry.isFile()).map((entry) => path.join(runsDir, entry.name));
  // Plain code-unit order: deterministic, and far cheaper than a locale-aware sort of 100,000 paths.
  return [...loose, ...listed.flat()]
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ id: path.basename(file, '.json'), file }));
}

/** A link in the history could point anywhere on the machine: it is refused, never followed. */
function symlinkProblem(file: string): Problem {
  return {
    file: displayPath(file),
    reason: 'is a symbolic link, and perfsite never follows links inside the history (one could point anywhere on this machine)',
    fix: 'Replace it with the file or folder itself, or remove it.',
  };
}

export async function readRecordFile(file: string): Promise<{ record: RunRecord } | { problems: Problem[] }> {
  let text: string;
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return { problems: [symlinkProblem(file)] };
    return {
      problems: [
        {
          file: displayPath(file),
          reason: `cannot be read (${code ?? 'unknown error'})`,
          fix: 'Check that it exists and its permissions.',
        },
      ],
    };
  }
  const result = parseRecordText(text, displayPath(file));
  if ('record' in result) {
    const expected = path.basename(file, '.json');
    if (result.record.id !== expected) {
      return {
        problems: [
          {
            file: displayPath(file),
            field: 'id',
            reason: `is ${JSON.stringify(result.record.id)} but the file is named ${expected}.json`,
            fix: 'Rename the file after the id inside it.',
          },
        ],
      };
    }
  }
  return result;
}
