/**
 * Change points of every series of the history (platform × metric), from its successful measurements:
 * where the level of a series moved, by how much, how surely, and between which runs. Direction-aware:
 * only a move for the worse is a regression.
 */

import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { Direction } from '../store/record.ts';
import { type ChangePoint, type ChangePointOptions, changePoints, OTAVA_DEFAULTS } from './change-points.ts';
import type { SeriesIdentity } from './metric-status.ts';
import { type RunSeries, runnerCorrected, runToRunNoise } from './runner-speed.ts';
import { ON_BASELINE_BRANCH } from './series-runs.ts';

/** Only the most recent measurements of a series are scanned: enough history for any change worth acting on, and a bounded cost. */
export const CHANGE_POINT_LOOKBACK = 1_000;

/**
 * Otava's window, a p-value of 0.0001 instead of its 0.001, and a minimum magnitude of 3 % instead of its 0.
 * On the django asv history with steps injected (npm run bench:detection, BENCHMARKS.md), scanning the raw
 * values and the values corrected for runner effects found 92.2 % of 10 % steps and 98.4 % of 5 % steps
 * at 0.47 false alerts per 1,000 runs when the runs are shuffled (no real change left); at p 0.001 that
 * was 1.97, and with a magnitude of 5 % most 5 % steps were missed.
 */
export const CHANGE_POINT_DEFAULTS: ChangePointOptions = { ...OTAVA_DEFAULTS, maxPValue: 0.0001, minMagnitude: 0.03 };

/** A change point in both the corrected and the raw series is one change when they are this close. */
const SAME_CHANGE_DISTANCE = 5;

export interface DetectedChange extends ChangePoint {
  /** Found in the values corrected for runner effects; its means and p-value are those of the corrected values. */
  speedCorrected: boolean;
}

/**
 * Change points of one series: in its values corrected for runner effects, when the correction makes
 * the series quieter (it explains part of the noise), and in its raw values (`raw`, the plain scan), for
 * the changes the correction hides (one that slows most metrics of a run at once).
 */
export function detectChanges(
  values: readonly number[],
  corrected: readonly number[] | undefined,
  options: Partial<ChangePointOptions> = {},
  raw: readonly ChangePoint[] = changePoints(values, { ...CHANGE_POINT_DEFAULTS, ...options }),
): DetectedChange[] {
  const settings = { ...CHANGE_POINT_DEFAULTS, ...options };
  const asMeasured = raw.map((point) => ({ ...point, speedCorrected: false }));
  if (!corrected || runToRunNoise(corrected) >= runToRunNoise(values)) return asMeasured;
  const quieter = changePoints(corrected, settings).map((point) => ({ ...point, speedCorrected: true }));
  const onlyRaw = asMeasured.filter((point) => !quieter.some((other) => Math.abs(other.index - point.index) <= SAME_CHANGE_DISTANCE));
  return [...quieter, ...onlyRaw].sort((a, b) => a.index - b.index);
}

/**
 * Every series a platform measured (same order), scanned as measured, and corrected for runner effects
 * fitted over all of them around the levels that scan found.
 */
export function platformCorrected(
  series: readonly RunSeries[],
  options: Partial<ChangePointOptions> = {},
): { raw: ChangePoint[][]; corrected: number[][] } {
  const settings = { ...CHANGE_POINT_DEFAULTS, ...options };
  const raw = series.map((one) => changePoints(one.values, settings));
  const corrected = runnerCorrected(
    series.map((one, index) => ({ ...one, levelShifts: (raw[index] as ChangePoint[]).map((point) => point.index) })),
  );
  return { raw, corrected };
}

/** Change points of every series a platform measured (same order): platformCorrected, then detectChanges. */
export function platformChanges(series: readonly RunSeries[], options: Partial<ChangePointOptions> = {}): DetectedChange[][] {
  const { raw, corrected } = platformCorrected(series, options);
  return series.map((one, index) => detectChanges(one.values, corrected[index], options, raw[index]));
}

export interface SeriesChange extends SeriesIdentity, DetectedChange {
  /** The first run of the new level, and the last run before it. */
  runId: string;
  previousRunId: string;
  timestamp: string;
  /** meanAfter / meanBefore − 1. */
  change: number;
  worse: boolean;
}

/** An ISO time as DuckDB's TIMESTAMP reads it. */
export function sqlTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

function isWorse(direction: Direction, meanBefore: number, meanAfter: number): boolean {
  return direction === 'lower' ? meanAfter > meanBefore : meanAfter < meanBefore;
}

/**
 * The change points of an opened history's baseline branch with the default settings, scanned once: the
 * baselines (level breaks), the events and the site all ask, and the scan is the costly part of each.
 */
export function historyChanges(history: History, branch: string): Promise<SeriesChange[]> {
  return history.memo(`changes:${branch}`, () => seriesChanges(history, branch));
}

type SeriesRow = SeriesIdentity & { values: number[]; runs: string[]; times: string[] } & Record<string, unknown>;

/**
 * Each series' newest measurements (at most `lookback`, oldest first) on the baseline branch, of every
 * platform or of one, up to a time or to the last.
 */
function seriesRows(
  history: History,
  branch: string,
  lookback: number,
  scope: { platform: string; until: string | null } | null = null,
): Promise<SeriesRow[]> {
  return queryRows<SeriesRow>(
    history.connection,
    // The newest measurements of each series by a top-n aggregate, formatted after: at 100,000 runs a window
    // over every row (row_number() ≤ lookback) and formatting every timestamp took 6.3 s, this 2.4 s.
    `WITH newest AS (
       SELECT platform, suite, metric, any_value(unit) AS unit, any_value(direction) AS direction,
              max_by({value: value, run: run_id, time: timestamp}, (timestamp, run_id), $lookback) AS points
       FROM metrics WHERE status = 'ok' AND ${ON_BASELINE_BRANCH}
         AND ($platform IS NULL OR platform = $platform) AND ($until IS NULL OR timestamp <= $until::TIMESTAMP)
       GROUP BY platform, suite, metric
     )
     SELECT platform, suite, metric, unit, direction,
            list_reverse(list_transform(points, point -> point.value)) AS values,
            list_reverse(list_transform(points, point -> point.run)) AS runs,
            list_reverse(list_transform(points, point -> strftime(point.time, '%Y-%m-%dT%H:%M:%S.%gZ'))) AS times
     FROM newest
     ORDER BY platform, suite, metric`,
    { lookback, branch, platform: scope?.platform ?? null, until: scope?.until ? sqlTime(scope.until) : null },
  );
}

/**
 * How many of each series' newest measurements are read once per platform for verdictsAtTheTime's scans: the
 * runs it asks about are recent (full run pages), so their scans' windows lie inside these. Read whole, a
 * 100,000-run history's series took the build's peak from 1.53 to 2.20 GB.
 */
const RECENT_ROWS = 2 * CHANGE_POINT_LOOKBACK;

/** One platform's recent series, read once: verdictsAtTheTime asks for them up to many runs' times. */
function platformRows(history: History, branch: string, platform: string): Promise<SeriesRow[]> {
  return history.memo(`changes:rows:${branch}:${platform}`, () => seriesRows(history, branch, RECENT_ROWS, { platform, until: null }));
}

/**
 * The series as the scan read them at `until` (the newest CHANGE_POINT_LOOKBACK measurements up to it), cut
 * from the recent rows; undefined when a series' window reaches back before them.
 */
function platformRowsUntil(rows: readonly SeriesRow[], until: string): SeriesRow[] | undefined {
  const cut: SeriesRow[] = [];
  for (const row of rows) {
    let end = row.times.length;
    while (end > 0 && (row.times[end - 1] as string) > until) end--;
    const whole = row.times.length < RECENT_ROWS;
    if (end < CHANGE_POINT_LOOKBACK && !whole) return undefined;
    if (end === 0) continue;
    const start = Math.max(0, end - CHANGE_POINT_LOOKBACK);
    cut.push({ ...row, values: row.values.slice(start, end), runs: row.runs.slice(start, end), times: row.times.slice(start, end) });
  }
  return cut;
}

/**
 * Change points of every series, from the runs of the baseline branch (and runs recorded outside git) only:
 * a feature branch's runs are judged against main, never made into main's events.
 */
export async function seriesChanges(
  history: History,
  branch: string,
  options: Partial<ChangePointOptions> = {},
  /** One platform's runs up to a time: the changes as a scan saw them then (verdictsAtTheTime). */
  scope?: { platform: string; until: string },
): Promise<SeriesChange[]> {
  const rows = scope
    ? (platformRowsUntil(await platformRows(history, branch, scope.platform), scope.until) ??
      (await seriesRows(history, branch, CHANGE_POINT_LOOKBACK, scope)))
    : await seriesRows(history, branch, CHANGE_POINT_LOOKBACK);
  const changes = new Map<(typeof rows)[number], DetectedChange[]>();
  for (const platform of new Set(rows.map((row) => row.platform))) {
    const ofPlatform = rows.filter((row) => row.platform === platform);
    platformChanges(ofPlatform, options).forEach((found, index) => {
      changes.set(ofPlatform[index] as (typeof rows)[number], found);
    });
  }
  return rows.flatMap((row) =>
    (changes.get(row) ?? []).map((point) => ({
      platform: row.platform,
      suite: row.suite,
      metric: row.metric,
      unit: row.unit,
      direction: row.direction,
      ...point,
      runId: row.runs[point.index] as string,
      previousRunId: row.runs[point.index - 1] as string,
      timestamp: row.times[point.index] as string,
      change: point.meanBefore === 0 ? 0 : point.meanAfter / point.meanBefore - 1,
      worse: isWorse(row.direction, point.meanBefore, point.meanAfter),
    })),
  );
}
