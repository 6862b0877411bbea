/**
 * data/culprits.json: the commit that made a regression event, found by `perfsite bisect --event` or named by
 * hand (`perfsite triage EVENT --culprit REV`), kept in git beside triage.json. Pages, the feed, issues and the
 * CLI name it in the event's headline. A bisect that named none (no change across the range, or its budget ran
 * out) is kept too, its commit null, so that the nightly does not spend its runs on the same range again.
 */
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../shared/errors.ts';
import type { ChangeTest } from '../shared/significance.ts';
import { formatDay } from '../shared/timestamps.ts';
import { describeZodError } from '../shared/zod-issues.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';
import { dataLayout, displayPath } from '../store/paths.ts';
import { readJsonDataFile } from '../store/plain-file.ts';
import { SAFE_ID_PATTERN } from '../store/record.ts';

const EVENT_ID = new RegExp(`^e-${SAFE_ID_PATTERN}$`);
const SHA = /^[0-9a-f]{40,64}$/;

/** A ChangeTest (shared/significance.ts) as a file keeps it. */
const changeTestSchema = z.object({
  test: z.enum(['runs', 'rounds', 'samples']),
  count: z.number().int().nonnegative(),
  estimate: z.number(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  level: z.number().gt(0).lt(1),
  pValue: z.number().min(0).max(1).nullable(),
  adjustedPValue: z.number().min(0).max(1).nullable(),
  family: z.number().int().positive().nullable(),
}) satisfies z.ZodType<ChangeTest>;

export const culpritSchema = z
  .object({
    /** Null: bisect named none (why, in `note`). */
    commit: z.string().regex(SHA, 'is not a full commit id').nullable(),
    /** Its subject line, as git gave it when it was named. */
    subject: z.string().max(2000).default(''),
    by: z.enum(['bisect', 'hand']),
    at: z.iso.datetime({ offset: true }),
    note: z.string().max(2000).default(''),
    /** The range it was found in: a later event of the same range (the id changes as runs arrive) keeps it. */
    range: z.object({ good: z.string().regex(SHA), bad: z.string().regex(SHA) }),
    /** What bisect measured of it: each metric's change from its parent, tested as groups of runs, and the runs it took. */
    changes: z
      .array(z.object({ metric: z.string().max(2000), test: changeTestSchema }))
      .max(10_000)
      .default([]),
    runs: z.number().int().nonnegative().nullable().default(null),
    /** The machine bisect measured on (its platform id), and every commit it measured with each run's values: the probes' chart. */
    platform: z.string().max(2000).nullable().default(null),
    probes: z
      .array(
        z.object({
          commit: z.string().regex(SHA),
          /** Its place in the range: 0 is the good end. */
          index: z.number().int().nonnegative(),
          side: z.enum(['good', 'bad']),
          values: z.record(z.string().max(2000), z.array(z.number()).max(10_000)),
        }),
      )
      .max(10_000)
      .default([]),
  })
  .refine((entry) => entry.commit !== null || entry.by === 'bisect', {
    path: ['commit'],
    message: 'is missing: only bisect records a range without a culprit',
  });
/** What culprits.json holds of an event: its culprit, or a bisect's "no change across this range". */
export type CulpritEntry = z.output<typeof culpritSchema>;
export type Culprit = CulpritEntry & { commit: string };
export type Culprits = Map<string, CulpritEntry>;

const culpritsFileSchema = z.record(
  z.string().regex(EVENT_ID, 'is not an event id (e-<commit>-r, as perfsite regressions lists them)'),
  culpritSchema,
);

export class CulpritsFileError extends DataError {}

export function culpritsFile(dataDir: string): string {
  return path.join(dataLayout(dataDir).root, 'culprits.json');
}

export async function loadCulprits(dataDir: string): Promise<Culprits> {
  const file = culpritsFile(dataDir);
  const data = await readJsonDataFile(file, (message) => new CulpritsFileError(message));
  return data === undefined ? new Map() : culpritsOfData(data, displayPath(file));
}

/** The culprits a file's text holds (a night's hand-over is checked so), or a CulpritsFileError naming `where`. */
export function parseCulprits(text: string, where: string): Culprits {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CulpritsFileError(`${where} is not valid JSON: restore it with \`git checkout -- ${where}\`, or delete it.`);
  }
  return culpritsOfData(data, where);
}

function culpritsOfData(data: unknown, where: string): Culprits {
  const parsed = culpritsFileSchema.safeParse(data);
  if (!parsed.success) throw new CulpritsFileError(`${where}: ${describeZodError(parsed.error)}; fix the entry or remove it.`);
  return new Map(Object.entries(parsed.data));
}

/** Records the culprit of an event, keeping every other one. */
export async function writeCulprit(
  dataDir: string,
  culprits: Culprits,
  eventId: string,
  culprit: z.input<typeof culpritSchema>,
): Promise<void> {
  if (!EVENT_ID.test(eventId)) throw new CulpritsFileError(`${JSON.stringify(eventId)} is not an event id`);
  const entries: Array<[string, CulpritEntry]> = [...culprits.entries(), [eventId, culpritSchema.parse(culprit)]];
  const next = Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  await writeFileAtomic(dataLayout(dataDir).tmpDir, culpritsFile(dataDir), `${JSON.stringify(next, null, 2)}\n`, { exclusive: false });
}

/** What is recorded of an event: by its id, else what was recorded of the same range (the commit before it, and the first after). */
export function culpritEntryOf(
  culprits: Culprits,
  event: { id: string; fromCommit: string | null; toCommit: string | null },
): CulpritEntry | undefined {
  return (
    culprits.get(event.id) ??
    [...culprits.values()].find((culprit) => culprit.range.good === event.fromCommit && culprit.range.bad === event.toCommit)
  );
}

export function isCulprit(entry: CulpritEntry | undefined): entry is Culprit {
  return entry?.commit != null;
}

/**
 * "found by bisect on 2026-12-07, 51 runs", "named by hand on 2026-12-07: the parser rewrite", "bisected on
 * 2026-12-07 on ci-runner, 24 runs, no culprit: no change across this range on this machine".
 */
export function describeCulprit(culprit: CulpritEntry): string {
  if (culprit.commit === null)
    return `bisected on ${formatDay(culprit.at)}${culprit.platform ? ` on ${culprit.platform}` : ''}${culprit.runs ? `, ${culprit.runs} runs` : ''}, no culprit: ${culprit.note}`;
  const how = culprit.by === 'bisect' ? `found by bisect on ${formatDay(culprit.at)}` : `named by hand on ${formatDay(culprit.at)}`;
  return `${how}${culprit.runs ? `, ${culprit.runs} runs` : ''}${culprit.note ? `: ${culprit.note}` : ''}`;
}
