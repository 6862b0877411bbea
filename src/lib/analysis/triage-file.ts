/**
 * data/triage.json: what people decided about regression events, kept in git beside baselines.json (the
 * nightly workflow carries it on the history branch). An event is accepted (the new normal), invalid (not a
 * real change: noise, a runner) or fixed (by a later change); pages, the feed, issues and the CLI show it,
 * and a triaged event is no longer an open one.
 */

import path from 'node:path';
import { z } from 'zod';
import { commandHint } from '../shared/command-hint.ts';
import { DataError } from '../shared/errors.ts';
import { formatDay } from '../shared/timestamps.ts';
import { describeZodError } from '../shared/zod-issues.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';
import { dataLayout, displayPath } from '../store/paths.ts';
import { readJsonDataFile } from '../store/plain-file.ts';
import { SAFE_ID_PATTERN } from '../store/record.ts';

export const TRIAGE_STATES = ['accepted', 'invalid', 'fixed'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

const EVENT_ID = new RegExp(`^e-${SAFE_ID_PATTERN}$`);

export const TRIAGE_NOTE_MAX = 2000;
export const TRIAGE_BY_MAX = 200;

export const triageEntrySchema = z.object({
  state: z.enum(TRIAGE_STATES),
  note: z.string().max(TRIAGE_NOTE_MAX).default(''),
  at: z.iso.datetime({ offset: true }),
  by: z.string().max(TRIAGE_BY_MAX).nullable().default(null),
  /**
   * The event's range when it was decided, and the series it made worse ("platform/suite/metric", URI-encoded
   * names): an event whose range narrowed or widened since, under another id, keeps the decision (triageOf).
   */
  range: z.object({ from: z.string(), to: z.string(), series: z.array(z.string().max(2000)).max(10_000) }).optional(),
});
export type TriageEntry = z.output<typeof triageEntrySchema>;

export const triageFileSchema = z.record(
  z.string().regex(EVENT_ID, 'is not an event id (e-<commit>-r, as perfsite regressions lists them)'),
  triageEntrySchema,
);
export type Triage = Map<string, TriageEntry>;

export class TriageFileError extends DataError {}

export function triageFile(dataDir: string): string {
  return path.join(dataLayout(dataDir).root, 'triage.json');
}

export async function loadTriage(dataDir: string): Promise<Triage> {
  const file = triageFile(dataDir);
  const data = await readJsonDataFile(file, (message) => new TriageFileError(message));
  if (data === undefined) return new Map();
  return triageOfData(data, displayPath(file));
}

/** The decisions a triage file's text holds, or a TriageFileError naming `where` and the fix. */
export function parseTriage(text: string, where: string): Triage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TriageFileError(
      `${where} is not valid JSON: restore it with \`git checkout -- ${where}\`, or delete it to forget every decision.`,
    );
  }
  return triageOfData(data, where);
}

function triageOfData(data: unknown, where: string): Triage {
  const parsed = triageFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new TriageFileError(`${where}: ${describeZodError(parsed.error)}; fix the entry or remove it.`);
  }
  return new Map(Object.entries(parsed.data));
}

/** Records a decision about an event, keeping every other one. */
export async function writeTriage(dataDir: string, triage: Triage, eventId: string, entry: TriageEntry): Promise<void> {
  if (!EVENT_ID.test(eventId))
    throw new TriageFileError(`${JSON.stringify(eventId)} is not an event id (e-<commit>-r, as ${commandHint('regressions')} lists them)`);
  const entries: Array<[string, TriageEntry]> = [...triage.entries(), [eventId, triageEntrySchema.parse(entry)]];
  const next = Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  const layout = dataLayout(dataDir);
  await writeFileAtomic(layout.tmpDir, triageFile(dataDir), `${JSON.stringify(next, null, 2)}\n`, { exclusive: false });
}

/** The series an event made worse, as a triage entry's range names them. */
export function worseSeries(event: {
  series: ReadonlyArray<{ platform: string; suite: string; metric: string; worse: boolean }>;
}): string[] {
  return event.series
    .filter((change) => change.worse)
    .map((change) => [change.platform, change.suite, change.metric].map(encodeURIComponent).join('/'));
}

/** The decision about an event: by its id, else one whose range overlaps the event's and names a series it made worse. */
export function triageOf(
  triage: Triage,
  event: {
    id: string;
    fromTime: string;
    toTime: string;
    series: ReadonlyArray<{ platform: string; suite: string; metric: string; worse: boolean }>;
  },
): TriageEntry | undefined {
  const byId = triage.get(event.id);
  if (byId) return byId;
  const mine = new Set(worseSeries(event));
  return [...triage.values()].find(
    (entry) =>
      entry.range &&
      entry.range.from <= event.toTime &&
      event.fromTime <= entry.range.to &&
      entry.range.series.some((one) => mine.has(one)),
  );
}

/** "accepted on 2026-11-30 by ada: the new parser is worth it", as pages and the CLI state a decision. */
export function describeTriage(entry: TriageEntry): string {
  return `${entry.state} on ${formatDay(entry.at)}${entry.by ? ` by ${entry.by}` : ''}${entry.note ? `: ${entry.note}` : ''}`;
}
