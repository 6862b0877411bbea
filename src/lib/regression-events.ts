/**
 * Regression events: one answer to "which commit made what slower, where". Change points of every series
 * are grouped by the commit range they fall in (across metrics and platforms, as Perfherder groups alerts
 * per push and Chromium's dashboard groups overlapping revision ranges), so a step that moved 13 series on
 * 4 platforms is one event, not 13 rows. A run that leaves its level and comes back at the next run is an
 * outlier, never two changes; a level that a later change brought back is recovered, the rest are open.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { median } from 'simple-statistics';
import { queryRows } from './duckdb.ts';
import type { History } from './history.ts';
import { improvementOf } from './regression-rule.ts';
import type { SeriesChange } from './series-changes.ts';

/** A series in an event: where its level moved, from what to what. */
export interface EventSeries
  extends Pick<SeriesChange, 'platform' | 'suite' | 'metric' | 'unit' | 'direction' | 'meanBefore' | 'meanAfter' | 'pValue'> {
  runId: string;
  previousRunId: string;
  timestamp: string;
  /** meanAfter / meanBefore − 1. */
  change: number;
  worse: boolean;
  speedCorrected: boolean;
  /** The run of a later change that brought the level back, when one did. */
  recoveredAt: string | null;
}

export interface EventPlatform {
  platform: string;
  /** Series of this platform that moved in the event, and all its series. */
  moved: number;
  series: number;
  /** Most of the platform's series moved together: a machine or an environment changed as likely as the code. */
  environmentWide: boolean;
}

export type EventDirection = 'regression' | 'improvement' | 'mixed';
export type EventState = 'open' | 'recovered';

export interface RegressionEvent {
  /** Stable as the history grows: taken from the first run after the change. */
  id: string;
  /** The last run before the change and the first after it (the earliest and latest of the event's series). */
  fromRunId: string;
  toRunId: string;
  fromTime: string;
  toTime: string;
  series: EventSeries[];
  /** The change most for the worse (for an improvement, the largest). */
  worst: EventSeries;
  medianChange: number;
  direction: EventDirection;
  platforms: EventPlatform[];
  state: EventState;
}

/** A run that leaves its level and returns at the next one: an outlier, drawn on the chart, never counted as a change. */
export interface Outlier extends Pick<SeriesChange, 'platform' | 'suite' | 'metric'> {
  runId: string;
}

/** Share of a platform's series (at least this many) that must move in one event for it to look like the environment. */
export const ENVIRONMENT_SHARE = 0.5;
export const ENVIRONMENT_MIN_SERIES = 5;

const seriesKey = (change: Pick<SeriesChange, 'platform' | 'suite' | 'metric'>) =>
  `${change.platform}\u0000${change.suite}\u0000${change.metric}`;

/** How much of a change a later level still carries: 0 when it came all the way back. */
function residual(before: number, later: number): number {
  return before === 0 ? 0 : later / before - 1;
}

/**
 * The change points of one series, oldest first, without blips (a one-run segment that returns to within
 * half of its move is an outlier), each with the run that brought it back when a later level returned to
 * within half of the move.
 */
function cleanSeries(points: readonly SeriesChange[]): { kept: EventSeries[]; outliers: Outlier[] } {
  const sorted = [...points].sort((a, b) => a.index - b.index);
  const kept: SeriesChange[] = [];
  const outliers: Outlier[] = [];
  for (let at = 0; at < sorted.length; at++) {
    const point = sorted[at] as SeriesChange;
    const next = sorted[at + 1];
    const returns =
      next !== undefined &&
      next.index === point.index + 1 &&
      Math.abs(residual(point.meanBefore, next.meanAfter)) <= Math.abs(point.change) / 2;
    if (returns) {
      outliers.push({ platform: point.platform, suite: point.suite, metric: point.metric, runId: point.runId });
      at++;
      continue;
    }
    kept.push(point);
  }
  return {
    kept: kept.map((point, at) => {
      const recovery = kept
        .slice(at + 1)
        .find((later) => Math.abs(residual(point.meanBefore, later.meanAfter)) <= Math.abs(point.change) / 2);
      return {
        platform: point.platform,
        suite: point.suite,
        metric: point.metric,
        unit: point.unit,
        direction: point.direction,
        meanBefore: point.meanBefore,
        meanAfter: point.meanAfter,
        pValue: point.pValue,
        runId: point.runId,
        previousRunId: point.previousRunId,
        timestamp: point.timestamp,
        change: point.change,
        worse: point.worse,
        speedCorrected: point.speedCorrected,
        recoveredAt: recovery?.runId ?? null,
      };
    }),
    outliers,
  };
}

/** Disjoint sets over indexes, for grouping changes whose commit ranges overlap. */
function unionFind(size: number) {
  const parent = Array.from({ length: size }, (_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root] as number;
    let walk = index;
    while (parent[walk] !== root) {
      const up = parent[walk] as number;
      parent[walk] = root;
      walk = up;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  return { find, union };
}

/**
 * Events from the change points of every series. `previousTimes` gives the time of each change's last run
 * before it (run id → ISO time); `seriesPerPlatform` how many series each platform has (for the share that moved).
 */
export function groupEvents(
  changes: readonly SeriesChange[],
  previousTimes: ReadonlyMap<string, string>,
  seriesPerPlatform: ReadonlyMap<string, number>,
): { events: RegressionEvent[]; outliers: Outlier[] } {
  const bySeries = Map.groupBy(changes, seriesKey);
  const all: EventSeries[] = [];
  const outliers: Outlier[] = [];
  for (const points of bySeries.values()) {
    const cleaned = cleanSeries(points);
    all.push(...cleaned.kept);
    outliers.push(...cleaned.outliers);
  }
  const start = (change: EventSeries) => previousTimes.get(change.previousRunId) ?? change.timestamp;
  const sets = unionFind(all.length);
  // Sorted by the first run after: a change only needs comparing with those whose range began before it ended.
  const order = all
    .map((_, index) => index)
    .sort((a, b) => (all[a] as EventSeries).timestamp.localeCompare((all[b] as EventSeries).timestamp));
  for (let i = 0; i < order.length; i++) {
    const a = all[order[i] as number] as EventSeries;
    for (let j = i + 1; j < order.length; j++) {
      const b = all[order[j] as number] as EventSeries;
      if (start(b) >= a.timestamp) break;
      // On one platform, only changes at the same run are one event; across platforms, overlapping ranges are.
      const together = a.platform === b.platform ? a.runId === b.runId : start(a) < b.timestamp;
      if (together) sets.union(order[i] as number, order[j] as number);
    }
  }
  const groups = Map.groupBy(
    all.map((change, index) => ({ change, index })),
    ({ index }) => sets.find(index),
  );
  const events = [...groups.values()].map((members) =>
    toEvent(
      members.map(({ change }) => change),
      start,
      seriesPerPlatform,
    ),
  );
  return { events: sortEvents(events), outliers };
}

function toEvent(
  series: EventSeries[],
  start: (change: EventSeries) => string,
  seriesPerPlatform: ReadonlyMap<string, number>,
): RegressionEvent {
  const byBadness = [...series].sort(
    (a, b) => improvementOf(a.change, a.direction) - improvementOf(b.change, b.direction) || a.platform.localeCompare(b.platform),
  );
  const worse = series.filter((change) => change.worse).length;
  const direction: EventDirection = worse === series.length ? 'regression' : worse === 0 ? 'improvement' : 'mixed';
  const worst = (direction === 'improvement' ? byBadness.at(-1) : byBadness[0]) as EventSeries;
  const first = [...series].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.runId.localeCompare(b.runId))[0] as EventSeries;
  const last = [...series].sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.runId.localeCompare(a.runId))[0] as EventSeries;
  const earliestStart = [...series].sort((a, b) => start(a).localeCompare(start(b)))[0] as EventSeries;
  const platforms = [...Map.groupBy(series, (change) => change.platform)].map(([platform, moved]) => {
    const total = seriesPerPlatform.get(platform) ?? moved.length;
    return {
      platform,
      moved: moved.length,
      series: total,
      environmentWide: total >= ENVIRONMENT_MIN_SERIES && moved.length / total >= ENVIRONMENT_SHARE,
    };
  });
  return {
    id: `e-${first.runId}`,
    fromRunId: earliestStart.previousRunId,
    toRunId: last.runId,
    fromTime: start(earliestStart),
    toTime: last.timestamp,
    series: byBadness,
    worst,
    medianChange: median(series.map((change) => change.change)),
    direction,
    platforms: platforms.sort((a, b) => a.platform.localeCompare(b.platform)),
    state: series.every((change) => change.recoveredAt !== null) ? 'recovered' : 'open',
  };
}

/** Open regressions first, worst first; then everything else, newest first. */
export function sortEvents(events: readonly RegressionEvent[]): RegressionEvent[] {
  const openRegression = (event: RegressionEvent) => event.state === 'open' && event.direction !== 'improvement';
  return [...events].sort((a, b) => {
    if (openRegression(a) !== openRegression(b)) return openRegression(a) ? -1 : 1;
    if (openRegression(a)) return improvementOf(a.worst.change, a.worst.direction) - improvementOf(b.worst.change, b.worst.direction);
    return b.toTime.localeCompare(a.toTime) || a.id.localeCompare(b.id);
  });
}

/** The events of a history whose change points were found (seriesChanges, over materialiseBaselines' tables). */
export async function historyEvents(
  history: History,
  changes: readonly SeriesChange[],
): Promise<{ events: RegressionEvent[]; outliers: Outlier[] }> {
  const previous = [...new Set(changes.map((change) => change.previousRunId))];
  const times = await queryRows<{ run_id: string; timestamp: string }>(
    history.connection,
    `SELECT run_id, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp FROM runs WHERE list_contains($ids, run_id)`,
    { ids: listValue(previous) },
    { ids: LIST(VARCHAR) },
  );
  const counts = await queryRows<{ platform: string; series: number }>(
    history.connection,
    'SELECT platform, count(DISTINCT (suite, metric))::INTEGER AS series FROM metrics WHERE status = $ok GROUP BY platform',
    { ok: 'ok' },
  );
  return groupEvents(
    changes,
    new Map(times.map((row) => [row.run_id, row.timestamp])),
    new Map(counts.map((row) => [row.platform, row.series])),
  );
}
