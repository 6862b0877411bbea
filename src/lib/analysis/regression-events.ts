/**
 * Regression events: one answer to "which commit made what slower, where". Change points of every series
 * are grouped by the commit range they fall in (across metrics and platforms, as Perfherder groups alerts
 * per push and Chromium's dashboard groups overlapping revision ranges), so a step that moved 13 series on
 * 4 platforms is one event, not 13 rows. A run that leaves its level and comes back at the next run is an
 * outlier, never two changes; a level that a later change brought back is recovered, the rest are open.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { median } from 'simple-statistics';
import type { EventCause } from '../shared/event-cause.ts';
import { formatChange } from '../shared/format.ts';
import { metricKey, seriesKey } from '../shared/keys.ts';
import { describeParams } from '../shared/param-text.ts';
import { plural } from '../shared/plural.ts';
import { improvementOf } from '../shared/regression-rule.ts';
import { shortCommit } from '../shared/short-commit.ts';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { AnalysisSettings } from './analysis-settings.ts';
import { type Culprit, type CulpritEntry, type Culprits, culpritEntryOf, isCulprit } from './culprits-file.ts';
import type { MetricStatus } from './metric-status.ts';
import type { SeriesChange } from './series-changes.ts';
import { resolveThreshold } from './thresholds.ts';
import { type Triage, type TriageEntry, triageOf } from './triage-file.ts';

/** A series in an event: where its level moved, from what to what. */
export interface EventSeries
  extends Pick<SeriesChange, 'platform' | 'suite' | 'metric' | 'unit' | 'direction' | 'meanBefore' | 'meanAfter' | 'pValue'> {
  runId: string;
  previousRunId: string;
  timestamp: string;
  /** meanAfter / meanBefore − 1. */
  change: number;
  worse: boolean;
  /** Beyond the series' threshold (resolved as status.ts resolves it): only such a move makes an event a regression. */
  beyondThreshold: boolean;
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
export type EventState = 'open' | 'recovered' | 'triaged';

export interface RegressionEvent {
  /**
   * Stable as the history grows (stableEventIds): the commit of the first run after the change and whether
   * anything in it got worse; never a run id, which changes with the platform whose run came first.
   */
  id: string;
  /** The event's commit range: the latest run before the change and the earliest after it, among its series. */
  fromRunId: string;
  toRunId: string;
  fromTime: string;
  toTime: string;
  series: EventSeries[];
  /** The change most for the worse (for an improvement, the largest). */
  worst: EventSeries;
  medianChange: number;
  direction: EventDirection;
  /** Something in it got worse beyond its threshold (isRegressionEvent); smaller moves are changes, never regressions. */
  regression: boolean;
  platforms: EventPlatform[];
  /** Code, the environment, or cannot tell, with the evidence (eventCause). */
  cause: EventCause;
  state: EventState;
  /** The commits of the first runs after the change, with the first line of their messages (filled by historyEvents). */
  commits: EventCommit[];
  /** The commit of the last run before the change, when known. */
  fromCommit: string | null;
  /** What people decided about it (data/triage.json); a triaged event is no longer open. */
  triage: TriageEntry | null;
  /** The commit that made it, found by bisect or named by hand (data/culprits.json). */
  culprit: Culprit | null;
  /** A bisect of its range that named no culprit: no change, or its budget ran out (data/culprits.json, commit null). */
  bisectWithoutCulprit: CulpritEntry | null;
  /** Parameterised benchmarks that moved in it: named once, with how many of their combinations moved (filled by historyEvents). */
  benchmarks: EventBenchmark[];
}

export interface EventBenchmark {
  suite: string;
  benchmark: string;
  /** Its combinations that moved, as "name=value, …", one per metric, in the event's order (worst first). */
  moved: Array<{ metric: string; params: string }>;
  /** How many combinations the benchmark has in the history. */
  combinations: number;
}

export interface EventCommit {
  commit: string;
  message: string | null;
}

/** A run that leaves its level and returns at the next one: an outlier, drawn on the chart, never counted as a change. */
export interface Outlier extends Pick<SeriesChange, 'platform' | 'suite' | 'metric'> {
  runId: string;
}

/** Share of a platform's series (at least this many) that must move in one event for it to look like the environment. */
export const ENVIRONMENT_SHARE = 0.5;
/** How far apart (in runs of one platform) the changes of one event on that platform may be. */
export const JITTER_RUNS = 5;
export const ENVIRONMENT_MIN_SERIES = 5;

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
        beyondThreshold: true,
        speedCorrected: point.speedCorrected,
        recoveredAt: recovery?.runId ?? null,
      };
    }),
    outliers,
  };
}

/** The change points that are real changes of level (not one run and back): where a rolling baseline must not reach across. */
export function levelBreaks(changes: readonly SeriesChange[]): Array<Pick<SeriesChange, 'platform' | 'suite' | 'metric' | 'timestamp'>> {
  return [...Map.groupBy(changes, seriesKey).values()].flatMap((points) =>
    cleanSeries(points).kept.map(({ platform, suite, metric, timestamp }) => ({ platform, suite, metric, timestamp })),
  );
}

/**
 * Events from the change points of every series. `previousTimes` gives the time of each change's last run
 * before it (run id → ISO time); `seriesPerPlatform` how many series each platform has (for the share that moved).
 *
 * A change happened somewhere in its commit range: after its last run before, up to its first run after.
 * Changes join an event only while all their ranges still share a stretch of time, the event's own range:
 * the most precise changes (the shortest ranges, from platforms that run often) are placed first, so a
 * platform that ran once a month cannot chain two changes a year apart into one event.
 */
export function groupEvents(
  changes: readonly SeriesChange[],
  previousTimes: ReadonlyMap<string, string>,
  seriesPerPlatform: ReadonlyMap<string, number>,
  /** Whether two platforms measure the same code (they share commits); changes of unrelated projects are never one event. */
  related: (a: string, b: string) => boolean = () => true,
  /** Each platform's run times, sorted: lets a change a few runs off join its event. */
  timeline?: RunTimeline,
): { events: RegressionEvent[]; outliers: Outlier[] } {
  const all: EventSeries[] = [];
  const outliers: Outlier[] = [];
  for (const points of Map.groupBy(changes, seriesKey).values()) {
    const cleaned = cleanSeries(points);
    all.push(...cleaned.kept);
    outliers.push(...cleaned.outliers);
  }
  const start = (change: EventSeries) => previousTimes.get(change.previousRunId) ?? change.timestamp;
  const span = (change: EventSeries) => Date.parse(change.timestamp) - Date.parse(start(change));
  const groups: Array<{ from: string; to: string; widened: boolean; members: EventSeries[] }> = [];
  type Group = (typeof groups)[number];
  // A total order, so that the same changes in any order make the same events (bench:events shuffles them).
  for (const change of [...all].sort(
    (a, b) =>
      span(a) - span(b) ||
      a.timestamp.localeCompare(b.timestamp) ||
      a.runId.localeCompare(b.runId) ||
      a.platform.localeCompare(b.platform) ||
      a.suite.localeCompare(b.suite) ||
      a.metric.localeCompare(b.metric),
  )) {
    const from = start(change);
    const fits = (candidate: Group) =>
      candidate.members.every((member) => related(member.platform, change.platform)) &&
      ((from < candidate.to && candidate.from < change.timestamp) || (from === candidate.from && change.timestamp === candidate.to));
    // A scan may place a step a run or a few early or late in some series (bench:detection: ±1–5 runs): such a
    // change joins an event whose changes on its platform, in its direction, stay within JITTER_RUNS of it
    // (jitterMates), widening the event's range to cover them. Without a timeline, an adjacent run joins, once.
    const touches = (candidate: Group) => {
      if (timeline === undefined)
        return (
          !candidate.widened &&
          candidate.members.some((member) => member.platform === change.platform) &&
          (from === candidate.to || change.timestamp === candidate.from)
        );
      return jitterMates(candidate, { from, to: change.timestamp, members: [change] }, timeline, related);
    };
    const inside = groups.find(fits);
    const group = inside ?? groups.find(touches);
    if (!group) {
      groups.push({ from, to: change.timestamp, widened: false, members: [change] });
      continue;
    }
    group.members.push(change);
    // A widened range covers changes at different runs: narrowing it to a later member would leave one out.
    if (inside && !group.widened) {
      if (from > group.from) group.from = from;
      if (change.timestamp < group.to) group.to = change.timestamp;
    } else if (!inside) {
      group.widened = true;
      if (from < group.from) group.from = from;
      if (change.timestamp > group.to) group.to = change.timestamp;
    }
  }
  // Placed one by one, a step's changes can still start two events (the first change of each came before
  // the other's); two events whose changes on a platform are the jitter of one step become one.
  // Repeated until nothing joins: a merge can make a group the jitter mate of one it was checked against before.
  for (let merged = timeline !== undefined; merged; ) {
    merged = false;
    for (let at = 0; at < groups.length; at++) {
      const group = groups[at] as Group;
      for (let other = at + 1; other < groups.length; other++) {
        const candidate = groups[other] as Group;
        if (!jitterMates(group, candidate, timeline as RunTimeline, related)) continue;
        group.members.push(...candidate.members);
        group.widened = true;
        if (candidate.from < group.from) group.from = candidate.from;
        if (candidate.to > group.to) group.to = candidate.to;
        groups.splice(other, 1);
        other = at;
        merged = true;
      }
    }
  }
  const events = groups.map((group) => toEvent(group.members, group, start, seriesPerPlatform));
  return { events: sortEvents(events), outliers };
}

/** Each platform's distinct run times (ISO), oldest first. */
export type RunTimeline = ReadonlyMap<string, readonly string[]>;

/** How many of the platform's runs are at or before `time`. */
function runsUpTo(times: readonly string[], time: string): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as string) <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface Stretch {
  from: string;
  to: string;
  members: readonly EventSeries[];
}

/**
 * Whether the two stretches share a side (by `sideOf` and direction) and, on every side they share, their
 * changes lie within JITTER_RUNS runs of each other on the timeline of every platform among them.
 */
function closeSides(ours: Stretch, joining: Stretch, timeline: RunTimeline, sideOf: (change: EventSeries) => string): boolean {
  const key = (change: EventSeries) => `${sideOf(change)}\u0000${change.worse}`;
  const mine = Map.groupBy(ours.members, key);
  const shared = [...Map.groupBy(joining.members, key)].filter(([side]) => mine.has(side));
  if (shared.length === 0) return false;
  return shared.every(([side, theirs]) => {
    const changes = [...(mine.get(side) ?? []), ...theirs];
    return [...new Set(changes.map((change) => change.platform))].every((platform) => {
      const positions = changes.map((change) => runsUpTo(timeline.get(platform) ?? [], change.timestamp));
      return Math.max(...positions) - Math.min(...positions) <= JITTER_RUNS;
    });
  });
}

/**
 * Whether `joining` is the jitter of the step `ours` holds: they measure related code, and they share a
 * platform and direction (or else a series and direction) whose changes together lie within JITTER_RUNS runs; and the joined
 * range holds at most JITTER_RUNS + 1 runs of any platform in it, so a platform that runs monthly cannot
 * stretch an event over months of a platform that runs daily. Changes the other way (another series'
 * noise caught in the range) neither join nor block.
 */
function jitterMates(ours: Stretch, joining: Stretch, timeline: RunTimeline, related: (a: string, b: string) => boolean): boolean {
  if (!ours.members.every((mine) => joining.members.every((theirs) => related(mine.platform, theirs.platform)))) return false;
  if (!closeSides(ours, joining, timeline, (change) => change.platform)) {
    // The same series on other machines: a step the scan placed a few runs apart on two machines that ran
    // the same commits is one change (Chromium's dashboard groups overlapping ranges across bots).
    if (!closeSides(ours, joining, timeline, (change) => `${change.suite}\u0000${change.metric}`)) return false;
  }
  // ISO times: the earliest start and the latest end, compared as text.
  const from = [ours.from, joining.from].sort()[0] as string;
  const to = [ours.to, joining.to].sort()[1] as string;
  const platforms = new Set([...ours.members, ...joining.members].map((change) => change.platform));
  return [...platforms].every((platform) => {
    const times = timeline.get(platform) ?? [];
    return runsUpTo(times, to) - runsUpTo(times, from) <= JITTER_RUNS + 1;
  });
}

function toEvent(
  series: EventSeries[],
  range: { from: string; to: string },
  start: (change: EventSeries) => string,
  seriesPerPlatform: ReadonlyMap<string, number>,
): RegressionEvent {
  const byBadness = [...series].sort(
    (a, b) => improvementOf(a.change, a.direction) - improvementOf(b.change, b.direction) || a.platform.localeCompare(b.platform),
  );
  const worse = series.filter((change) => change.worse).length;
  const direction: EventDirection = worse === series.length ? 'regression' : worse === 0 ? 'improvement' : 'mixed';
  const worst = (direction === 'improvement' ? byBadness.at(-1) : byBadness[0]) as EventSeries;
  // The run at each end of the event's range: the latest "before" run and the earliest "after" run.
  const after = [...series].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.runId.localeCompare(b.runId))[0] as EventSeries;
  // The latest "before" run that still comes before the first "after" run: in a range widened over a step the
  // scan placed a few runs apart, the latest start can lie after the first change.
  const starts = [...series].sort((a, b) => start(b).localeCompare(start(a)) || a.runId.localeCompare(b.runId));
  const before = (starts.find((change) => start(change) < after.timestamp) ?? starts.at(-1)) as EventSeries;
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
    id: `e-${after.runId}`,
    fromRunId: before.previousRunId,
    toRunId: after.runId,
    fromTime: range.from,
    toTime: range.to,
    series: byBadness,
    worst,
    medianChange: median(series.map((change) => change.change)),
    direction,
    regression: worse > 0,
    platforms: platforms.sort((a, b) => a.platform.localeCompare(b.platform)),
    cause: { kind: 'unknown', evidence: '' },
    state: series.every((change) => change.recoveredAt !== null) ? 'recovered' : 'open',
    commits: [],
    fromCommit: null,
    triage: null,
    culprit: null,
    bisectWithoutCulprit: null,
    benchmarks: [],
  };
}

/** The machine facts a run records (platform_details): a change of any of them between two runs is a machine change. */
const MACHINE_FACTS = ['os', 'osRelease', 'distro', 'arch', 'cpu', 'cores', 'memoryGb', 'gpus', 'runtime'] as const;

function machineChange(before: string | null | undefined, after: string | null | undefined): string | null {
  if (!before || !after) return null;
  let was: Record<string, unknown>;
  let now: Record<string, unknown>;
  try {
    was = JSON.parse(before);
    now = JSON.parse(after);
  } catch {
    return null;
  }
  const changed = MACHINE_FACTS.filter(
    (fact) => was[fact] !== undefined && now[fact] !== undefined && JSON.stringify(was[fact]) !== JSON.stringify(now[fact]),
  );
  if (changed.length === 0) return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return changed.map((fact) => `${fact} ${text(was[fact])} → ${text(now[fact])}`).join(', ');
}

/**
 * Code, the environment, or cannot tell, from what the runs show:
 * - bisect found its culprit: the code (that commit's runs against its parent's, measured in alternation on one
 *   machine, differ; a culprit named by hand is a decision, not evidence);
 * - the same series moved in the range on two or more independent platforms: the code;
 * - a platform's runs on both sides of the change record different machines (CPU, OS, runtimes…), or the
 *   same commit: the environment;
 * - most of a platform's series moved (at least ENVIRONMENT_MIN_SERIES, ENVIRONMENT_SHARE) while platforms that
 *   measure the same project ran the commit after the change and did not move: the environment;
 * - otherwise (one platform, no recorded machine change) nothing tells them apart, and the event says so.
 */
export function eventCause(
  event: Pick<RegressionEvent, 'series' | 'platforms' | 'toRunId' | 'culprit'>,
  facts: {
    runOf: (runId: string) => { git_commit: string | null; platform_details: string | null } | undefined;
    platformsThatRan: (commit: string) => string[];
    related: (a: string, b: string) => boolean;
  },
): EventCause {
  if (event.culprit?.by === 'bisect') {
    const on = event.culprit.platform ? ` on ${event.culprit.platform}` : '';
    return {
      kind: 'code',
      evidence: `bisect measured the change${on} at ${shortCommit(event.culprit.commit)}, its runs alternating with its parent's`,
    };
  }
  const byMetric = Map.groupBy(event.series, (change) => `${change.suite}/${change.metric}`);
  const shared = [...byMetric].find(([, changes]) => new Set(changes.map((change) => change.platform)).size >= 2);
  if (shared) {
    const [metric, changes] = shared;
    const platforms = [...new Set(changes.map((change) => change.platform))].sort();
    return {
      kind: 'code',
      evidence: `${metric} moved in this range on ${platforms.length} machines (${platforms.join(', ')})`,
    };
  }
  for (const change of event.series) {
    const before = facts.runOf(change.previousRunId);
    const after = facts.runOf(change.runId);
    const machine = machineChange(before?.platform_details, after?.platform_details);
    if (machine)
      return {
        kind: 'environment',
        evidence: `${change.platform}'s runs on either side of the change record different machines: ${machine}`,
      };
    if (before?.git_commit && before.git_commit === after?.git_commit)
      return {
        kind: 'environment',
        evidence: `${change.platform} ran the same commit (${shortCommit(before.git_commit)}) on both sides of the change`,
      };
  }
  const wide = event.platforms.find((platform) => platform.environmentWide);
  const commit = facts.runOf(event.toRunId)?.git_commit;
  if (wide) {
    const quiet = commit
      ? [...new Set(facts.platformsThatRan(commit))].filter(
          (platform) => !event.platforms.some((moved) => moved.platform === platform) && facts.related(platform, wide.platform),
        )
      : [];
    const share = `${wide.moved} of ${wide.series} series of ${wide.platform} moved together`;
    if (quiet.length > 0)
      return { kind: 'environment', evidence: `${share}, while ${quiet.sort().join(', ')} ran the same commit and did not move` };
    return { kind: 'unknown', evidence: `${share}, and no other machine ran this commit to compare with` };
  }
  return {
    kind: 'unknown',
    evidence: `Only ${event.platforms.map((platform) => platform.platform).join(', ')} moved, and no machine change is recorded`,
  };
}

/**
 * The one definition of an open regression: an event that made something worse beyond its threshold, whose
 * level has not come back and that nobody triaged. Every count, list, feed, issue and gate goes by it.
 */
export function isOpenRegression(event: Pick<RegressionEvent, 'state' | 'regression'>): boolean {
  return event.state === 'open' && event.regression;
}

/** What an event is, in a word or three: its regressions first, as its state and the gate follow them. */
export function eventKind(event: Pick<RegressionEvent, 'regression' | 'direction'>): string {
  if (event.regression) return event.direction === 'mixed' ? 'Regression and improvement' : 'Regression';
  if (event.direction === 'improvement') return 'Improvement';
  return 'Change within the threshold';
}

/**
 * Marks each change beyond its series' threshold, and each event that holds a change for the worse beyond
 * it as a regression. `thresholdOf` resolves a series' threshold as the judge does (resolveThreshold).
 */
export function applyThresholds(events: readonly RegressionEvent[], thresholdOf: (change: EventSeries) => number): void {
  for (const event of events) {
    for (const change of event.series)
      change.beyondThreshold = Math.abs(improvementOf(change.change, change.direction)) > thresholdOf(change);
    event.regression = event.series.some((change) => change.worse && change.beyondThreshold);
  }
}

/** By series: the open regression event it moved for the worse in, and the first run of that move. */
export type OpenRegressionLevels = ReadonlyMap<string, { id: string; since: string }>;

export function openRegressionLevels(events: readonly RegressionEvent[]): OpenRegressionLevels {
  const moved = new Map<string, { id: string; since: string }>();
  for (const event of events.filter(isOpenRegression))
    for (const change of event.series)
      if (change.worse && change.beyondThreshold && change.recoveredAt === null)
        moved.set(seriesKey(change), { id: event.id, since: change.timestamp });
  return moved;
}

/**
 * Statuses as the events see them: a run after the first run of a series' move for the worse in an open
 * regression event, judged against a baseline that has followed the move and found no regression, is on a
 * new level since that event, never "unchanged". The move's own run keeps the judge's verdict.
 */
export function onOpenRegressions<T extends Pick<MetricStatus, 'platform' | 'suite' | 'metric' | 'timestamp' | 'status'>>(
  statuses: readonly T[],
  levels: OpenRegressionLevels,
): Array<T & { openEvent?: string }> {
  return statuses.map((status) => {
    const open = levels.get(seriesKey(status));
    if (!open || status.timestamp <= open.since || !['unchanged', 'noise', 'improvement'].includes(status.status)) return status;
    return { ...status, status: 'new-level', openEvent: open.id };
  });
}

/** Open regressions first, worst first; then everything else, newest first. */
export function sortEvents(events: readonly RegressionEvent[]): RegressionEvent[] {
  const openRegression = isOpenRegression;
  return [...events].sort((a, b) => {
    if (openRegression(a) !== openRegression(b)) return openRegression(a) ? -1 : 1;
    if (openRegression(a)) return improvementOf(a.worst.change, a.worst.direction) - improvementOf(b.worst.change, b.worst.direction);
    return b.toTime.localeCompare(a.toTime) || a.id.localeCompare(b.id);
  });
}

/** The events of a history whose change points were found (seriesChanges, over materialiseBaselines' tables), with their commits. */
export async function historyEvents(
  history: History,
  changes: readonly SeriesChange[],
  settings: AnalysisSettings,
  triage: Triage = new Map(),
  culprits: Culprits = new Map(),
): Promise<{ events: RegressionEvent[]; outliers: Outlier[] }> {
  const ids = [...new Set(changes.flatMap((change) => [change.previousRunId, change.runId]))];
  const runs = await queryRows<{
    run_id: string;
    timestamp: string;
    git_commit: string | null;
    git_message: string | null;
    platform_details: string | null;
  }>(
    history.connection,
    `SELECT run_id, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp, git_commit, git_message, platform_details
     FROM runs WHERE list_contains($ids, run_id)`,
    { ids: listValue(ids) },
    { ids: LIST(VARCHAR) },
  );
  const byId = new Map(runs.map((run) => [run.run_id, run]));
  const counts = await queryRows<{ platform: string; series: number }>(
    history.connection,
    'SELECT platform, count(DISTINCT (suite, metric))::INTEGER AS series FROM metrics WHERE status = $ok GROUP BY platform',
    { ok: 'ok' },
  );
  // Platforms that ever ran the same commit measure the same project.
  const shared = await queryRows<{ a: string; b: string }>(
    history.connection,
    `WITH pc AS (SELECT DISTINCT platform, git_commit FROM runs WHERE git_commit IS NOT NULL)
     SELECT DISTINCT x.platform AS a, y.platform AS b FROM pc AS x JOIN pc AS y USING (git_commit) WHERE x.platform < y.platform`,
  );
  const project = new Map<string, string>();
  const root = (platform: string): string => {
    const parent = project.get(platform) ?? platform;
    return parent === platform ? platform : root(parent);
  };
  for (const { a, b } of shared) if (root(a) !== root(b)) project.set(root(a), root(b));
  const runTimes = await queryRows<{ platform: string; times: string[] }>(
    history.connection,
    // Distinct times: the runs of one commit in several environments (asv) are one position.
    `SELECT platform, list(DISTINCT strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') ORDER BY strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%gZ')) AS times
     FROM runs WHERE platform IN (SELECT DISTINCT platform FROM runs WHERE list_contains($ids, run_id)) GROUP BY platform`,
    { ids: listValue(ids) },
    { ids: LIST(VARCHAR) },
  );
  const grouped = groupEvents(
    changes,
    new Map(runs.map((run) => [run.run_id, run.timestamp])),
    new Map(counts.map((row) => [row.platform, row.series])),
    (a, b) => a === b || root(a) === root(b),
    new Map(runTimes.map((row) => [row.platform, row.times])),
  );
  const combinations = await queryRows<{ suite: string; metric: string; benchmark: string; params: string }>(
    history.connection,
    `SELECT suite, metric, arg_max(benchmark, timestamp) AS benchmark, arg_max(params, timestamp) AS params
     FROM metrics WHERE benchmark IS NOT NULL GROUP BY suite, metric`,
  );
  const benchmarkOf = new Map(combinations.map((row) => [metricKey(row), row]));
  const comboCount = Map.groupBy(combinations, (row) => `${row.suite}\u0000${row.benchmark}`);
  for (const event of grouped.events) {
    const moved = new Map<string, EventBenchmark>();
    for (const change of event.series) {
      const combo = benchmarkOf.get(metricKey(change));
      const total = combo ? (comboCount.get(`${change.suite}\u0000${combo.benchmark}`)?.length ?? 0) : 0;
      if (!combo || total < 2) continue;
      const key = `${change.suite}\u0000${combo.benchmark}`;
      const entry = moved.get(key) ?? { suite: change.suite, benchmark: combo.benchmark, moved: [], combinations: total };
      if (!entry.moved.some((each) => each.metric === change.metric))
        entry.moved.push({ metric: change.metric, params: describeParams(JSON.parse(combo.params)) });
      moved.set(key, entry);
    }
    event.benchmarks = [...moved.values()];
  }
  const declared = await queryRows<{ suite: string; metric: string; threshold: number | null }>(
    history.connection,
    'SELECT suite, metric, arg_max(threshold, timestamp) AS threshold FROM metrics GROUP BY suite, metric',
  );
  const declaredOf = new Map(declared.map((row) => [metricKey(row), row.threshold]));
  applyThresholds(
    grouped.events,
    (change) =>
      resolveThreshold(
        { suite: change.suite, metric: change.metric, declared: declaredOf.get(metricKey(change)) ?? null },
        settings.config,
        settings.threshold,
      ).value,
  );
  stableEventIds(grouped.events, (runId) => byId.get(runId));
  const machines = await queryRows<{ platform: string; git_commit: string }>(
    history.connection,
    `SELECT DISTINCT platform, git_commit FROM runs WHERE list_contains($commits, git_commit)`,
    { commits: listValue([...new Set(runs.flatMap((run) => (run.git_commit ? [run.git_commit] : [])))]) },
    { commits: LIST(VARCHAR) },
  );
  const ranCommit = Map.groupBy(machines, (row) => row.git_commit);
  for (const event of grouped.events) {
    const commits = new Map<string, EventCommit>();
    for (const change of event.series) {
      const run = byId.get(change.runId);
      if (run?.git_commit && !commits.has(run.git_commit))
        commits.set(run.git_commit, { commit: run.git_commit, message: run.git_message?.split('\n')[0] ?? null });
    }
    // The commit the event's id is anchored on (its first run after the change) first: the headline names it.
    const first = byId.get(event.toRunId)?.git_commit;
    event.commits = [...commits.values()].sort((x, y) => Number(y.commit === first) - Number(x.commit === first));
    event.fromCommit = byId.get(event.fromRunId)?.git_commit ?? null;
    const recorded = culpritEntryOf(culprits, { id: event.id, fromCommit: event.fromCommit, toCommit: first ?? null });
    event.culprit = isCulprit(recorded) ? recorded : null;
    event.bisectWithoutCulprit = recorded && !isCulprit(recorded) ? recorded : null;
    event.cause = eventCause(event, {
      runOf: (runId) => byId.get(runId),
      platformsThatRan: (commit) => (ranCommit.get(commit) ?? []).map((row) => row.platform),
      related: (a, b) => a === b || root(a) === root(b),
    });
    const decided = triageOf(triage, event);
    if (decided) {
      event.triage = decided;
      event.state = 'triaged';
    }
  }
  return { ...grouped, events: sortEvents(grouped.events) };
}

/**
 * Ids that more runs do not move: `e-<commit>-<r|i>`, the commit of the event's first run after the change
 * and whether something in it got worse. Where no commit tells the range apart (runs outside git, or the
 * same commit on both sides: then the code did not change), the time of that run stands in. Events that
 * share both (unrelated projects at one commit) are told apart by their platforms, in name order.
 */
/** Commit characters in an event id: 48 bits, enough to tell apart every commit a history holds. */
const COMMIT_ID_LENGTH = 12;

export function stableEventIds(
  events: RegressionEvent[],
  runOf: (runId: string) => { git_commit: string | null; timestamp: string } | undefined,
): void {
  const anchor = (event: RegressionEvent) => {
    const after = runOf(event.toRunId);
    // The run before it in the same series: the event's own range may start in another series' run of that commit.
    const opening = event.series.find((change) => change.runId === event.toRunId);
    const before = runOf(opening?.previousRunId ?? event.fromRunId);
    const where =
      after?.git_commit && after.git_commit !== before?.git_commit
        ? after.git_commit.slice(0, COMMIT_ID_LENGTH)
        : (after?.timestamp ?? event.toTime).replace(/[^0-9A-Za-z]/g, '');
    return `e-${where}-${event.series.some((change) => change.worse) ? 'r' : 'i'}`;
  };
  for (const [id, sharing] of Map.groupBy(events, anchor)) {
    const platforms = (event: RegressionEvent) => event.platforms.map((platform) => platform.platform).join('\u0000');
    sharing.sort((x, y) => platforms(x).localeCompare(platforms(y)));
    sharing.forEach((event, at) => {
      event.id = at === 0 ? id : `${id}-${at + 1}`;
    });
  }
}

/** What an event is, in one line: its direction, where, how much, and the commit. */
export function eventHeadline(event: RegressionEvent): string {
  const what = eventKind(event);
  const metrics = new Set(event.series.map((change) => `${change.suite}/${change.metric}`)).size;
  // A parameterised benchmark is named once, with how many of its combinations moved, not as 40 metrics.
  const benchmarks = event.benchmarks
    .slice(0, 3)
    .map((each) => `${each.moved.length} of ${each.combinations} combinations of ${each.suite}/${each.benchmark}`);
  if (event.benchmarks.length > 3) benchmarks.push(`${event.benchmarks.length - 3} more benchmarks`);
  const where = `${plural(event.platforms.length, 'platform')} × ${plural(metrics, 'metric')}${benchmarks.length > 0 ? ` (${benchmarks.join('; ')})` : ''}`;
  const commit = event.commits[0];
  const at = event.culprit
    ? ` at ${shortCommit(event.culprit.commit)}${event.culprit.subject ? ` ${event.culprit.subject}` : ''} (the culprit, ${event.culprit.by === 'bisect' ? 'found by bisect' : 'named by hand'})`
    : commit
      ? ` at ${shortCommit(commit.commit)}${commit.message ? ` ${commit.message}` : ''}`
      : '';
  return `${what} on ${where}: worst ${event.worst.suite}/${event.worst.metric} on ${event.worst.platform} ${formatChange(event.worst.change)}${at}`;
}
