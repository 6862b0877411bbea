/**
 * The view model of one run judged against its baselines: what the CLI gate prints, what the PR
 * comment and the reports render. Built only from src/lib/analysis/status.ts, so they can never disagree.
 */

import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { loadCulprits } from '../analysis/culprits-file.ts';
import { findRun, type RunInfo } from '../analysis/queries.ts';
import {
  eventHeadline,
  historyEvents,
  isOpenRegression,
  onOpenRegressions,
  openRegressionLevels,
  type RegressionEvent,
} from '../analysis/regression-events.ts';
import { historyChanges } from '../analysis/series-changes.ts';
import { describeSharedShift, sharedShift } from '../analysis/shared-shift.ts';
import { type AnalysisSettings, latestStatuses, type MetricStatus, statusOfRuns } from '../analysis/status.ts';
import { loadTriage } from '../analysis/triage-file.ts';
import { commandHint } from '../shared/command-hint.ts';
import { DataError } from '../shared/errors.ts';
import { compareSeries, naturalCompare } from '../shared/natural-order.ts';
import { plural } from '../shared/plural.ts';
import { STATUS_LABELS, type Status } from '../shared/regression-rule.ts';
import { formatDay } from '../shared/timestamps.ts';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import { noBaselineNote } from './history-readiness.ts';

export interface RunReport {
  run: RunInfo;
  settings: { defaultBranch: string; baselineWindow: number; threshold: number; thresholdSource: string };
  metrics: MetricStatus[];
  counts: Record<Status, number>;
  /** True when nothing regressed and no measurement failed. */
  passed: boolean;
  verdict: string;
  notes: string[];
  /** The open regression events the judged series are part of (as the site lists them). */
  events: RegressionEvent[];
  /** Per event of `events`: which judged series are part of it ("demo/m0 on P3 and 2 more"). */
  eventMembers: string[];
  /** Per event of `events`: that, as a sentence for a terminal or a page. */
  eventNotes: string[];
}

export class RunNotFoundError extends DataError {}

/** The one-line verdict of a run's judged metrics, as `check`, the report and the run page say it. */
export function runVerdict(metrics: ReadonlyArray<Pick<MetricStatus, 'status'>>): string {
  return verdictOf(countStatuses(metrics));
}

function verdictOf(counts: Record<Status, number>): string {
  const parts: string[] = [];
  if (counts.regression > 0) parts.push(plural(counts.regression, 'regression'));
  if (counts.failed > 0) parts.push(`${plural(counts.failed, 'measurement')} failed`);
  if (parts.length > 0) return `${parts.join(', ')} detected`;
  if (counts['no-baseline'] > 0 && counts['no-baseline'] === Object.values(counts).reduce((a, b) => a + b, 0))
    return 'No baseline to compare with';
  return counts.improvement > 0 ? `No regressions detected; ${plural(counts.improvement, 'improvement')}` : 'No regressions detected';
}

function countStatuses(metrics: ReadonlyArray<Pick<MetricStatus, 'status'>>): Record<Status, number> {
  const counts = Object.fromEntries(Object.keys(STATUS_LABELS).map((status) => [status, 0])) as Record<Status, number>;
  for (const metric of metrics) counts[metric.status]++;
  return counts;
}

function reportSettings(settings: AnalysisSettings): RunReport['settings'] {
  return {
    defaultBranch: settings.config.defaultBranch,
    baselineWindow: settings.config.baselineWindow,
    threshold: settings.threshold.value,
    thresholdSource: settings.threshold.source,
  };
}

/**
 * What a reader of judged metrics must know besides their rows: no baseline, zero baselines, units that
 * changed, a slower machine, the open events they are part of.
 */
async function notesOn(
  history: History,
  metrics: readonly MetricStatus[],
  settings: AnalysisSettings,
): Promise<{ notes: string[]; events: RegressionEvent[]; eventMembers: string[]; eventNotes: string[] }> {
  const notes: string[] = [];
  for (const platform of new Set(metrics.filter((metric) => metric.status === 'no-baseline').map((metric) => metric.platform))) {
    notes.push(noBaselineNote(platform, settings.config));
  }
  for (const metric of metrics) {
    if (metric.baseline === 0 && metric.current !== 0 && metric.current !== null) {
      notes.push(
        `${metric.suite}/${metric.metric}: the baseline is 0, so a relative change cannot be computed and any other value counts as an unbounded change; pin a non-zero baseline in data/baselines.json if 0 is not a real measurement.`,
      );
    }
  }
  for (const change of await unitChanges(history, metrics)) {
    notes.push(
      `${change.suite}/${change.metric} on ${change.platform}: earlier runs recorded it in ${change.earlier.join(', ')} and this one in ${change.unit}, which do not convert into each other, so it is not compared (it counts as new). Record it in one unit, or give it a new name.`,
    );
  }
  for (const runMetrics of Map.groupBy(metrics, (metric) => metric.runId).values()) {
    const shared = sharedShift(runMetrics);
    if (shared) notes.push(describeSharedShift(shared));
  }
  const events = await openEventsOf(history, metrics, settings);
  const eventMembers = events.map(({ inside }) => {
    const names = inside.slice(0, 3).map((metric) => `${metric.suite}/${metric.metric} on ${metric.platform}`);
    return `${names.join(', ')}${inside.length > 3 ? ` and ${inside.length - 3} more` : ''}`;
  });
  const eventNotes = events.map(
    ({ event, inside }, index) =>
      `${eventMembers[index]} ${inside.length === 1 ? 'is' : 'are'} part of open event ${event.id}: ${eventHeadline(event)}, since ${formatDay(event.toTime)}.`,
  );
  return { notes, events: events.map(({ event }) => event), eventMembers, eventNotes };
}

/**
 * The open regression events (as the site lists them) that the judged series are part of, when the judged
 * run came at or after the change: the run is slower because of that range of commits, not its own.
 */
async function openEventsOf(
  history: History,
  metrics: readonly MetricStatus[],
  settings: AnalysisSettings,
): Promise<Array<{ event: RegressionEvent; inside: MetricStatus[] }>> {
  const changes = await historyChanges(history, settings.config.defaultBranch);
  const { events } = await historyEvents(
    history,
    changes,
    settings,
    await loadTriage(history.dataDir),
    await loadCulprits(history.dataDir),
  );
  return events
    .filter(isOpenRegression)
    .map((event) => ({
      event,
      inside: metrics.filter((metric) =>
        event.series.some(
          (change) =>
            change.platform === metric.platform &&
            change.suite === metric.suite &&
            change.metric === metric.metric &&
            change.worse &&
            change.recoveredAt === null &&
            metric.timestamp >= change.timestamp,
        ),
      ),
    }))
    .filter(({ inside }) => inside.length > 0);
}

/** Metrics judged as new whose earlier runs used a unit that cannot be converted to theirs. */
async function unitChanges(
  history: History,
  metrics: readonly MetricStatus[],
): Promise<Array<Pick<MetricStatus, 'platform' | 'suite' | 'metric' | 'unit'> & { earlier: string[] }>> {
  const fresh = metrics.filter((metric) => metric.status === 'new' || metric.status === 'no-baseline');
  if (fresh.length === 0) return [];
  const rows = await queryRows<{ platform: string; suite: string; metric: string; unit: string; earlier: string[] }>(
    history.connection,
    `WITH judged AS (SELECT unnest($platforms) AS platform, unnest($suites) AS suite, unnest($metrics) AS metric,
                            unnest($units) AS unit, unnest($times)::TIMESTAMP AS timestamp)
     SELECT j.platform, j.suite, j.metric, j.unit, list(DISTINCT m.unit ORDER BY m.unit) AS earlier
     FROM judged AS j JOIN metrics AS m USING (platform, suite, metric)
     WHERE m.unit <> j.unit AND m.timestamp < j.timestamp AND m.status = 'ok'
     GROUP BY ALL`,
    {
      platforms: listValue(fresh.map((metric) => metric.platform)),
      suites: listValue(fresh.map((metric) => metric.suite)),
      metrics: listValue(fresh.map((metric) => metric.metric)),
      units: listValue(fresh.map((metric) => metric.unit)),
      times: listValue(fresh.map((metric) => metric.timestamp)),
    },
    { platforms: LIST(VARCHAR), suites: LIST(VARCHAR), metrics: LIST(VARCHAR), units: LIST(VARCHAR), times: LIST(VARCHAR) },
  );
  return rows;
}

export async function buildRunReport(history: History, runId: string, settings: AnalysisSettings): Promise<RunReport> {
  const run = await findRun(history, runId);
  if (!run)
    throw new RunNotFoundError(
      `no run with id ${JSON.stringify(runId)} in the history; \`${commandHint('stats')}\` lists the recent runs.`,
    );
  const metrics = (await statusOfRuns(history, [runId], settings)).sort(compareSeries);
  return { run, ...(await judgedReport(history, metrics, settings)) };
}

/** What every report says of its judged metrics: the settings, the counts, the verdict, the notes and the open events. */
async function judgedReport(history: History, judged: MetricStatus[], settings: AnalysisSettings): Promise<Omit<RunReport, 'run'>> {
  const notes = await notesOn(history, judged, settings);
  // A series on the level an open regression left it at is said to be, as on the site; it does not fail the gate again.
  const metrics = onOpenRegressions(judged, openRegressionLevels(notes.events));
  const counts = countStatuses(metrics);
  return {
    settings: reportSettings(settings),
    metrics,
    counts,
    passed: counts.regression === 0 && counts.failed === 0,
    verdict: verdictOf(counts),
    ...notes,
  };
}

/** The state of the project now: every series' latest measurement on the default branch, as the site's overview and open list judge it. */
export interface LatestReport extends Omit<RunReport, 'run'> {
  /** The runs those measurements come from, newest first. */
  runs: RunInfo[];
  platforms: string[];
}

export async function buildLatestReport(
  history: History,
  settings: AnalysisSettings,
  platforms: readonly string[] = [],
): Promise<LatestReport> {
  const wanted = new Set(platforms);
  const metrics = (await latestStatuses(history, settings))
    .filter((metric) => wanted.size === 0 || wanted.has(metric.platform))
    .sort(compareSeries);
  const runIds = [...new Set(metrics.map((metric) => metric.runId))];
  const runs = (await Promise.all(runIds.map((runId) => findRun(history, runId))))
    .filter((run): run is RunInfo => run !== undefined)
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  return {
    runs,
    platforms: [...new Set(metrics.map((metric) => metric.platform))].sort(naturalCompare),
    ...(await judgedReport(history, metrics, settings)),
  };
}
