/**
 * Baselines and statuses: the one place that decides, for a run's metric, what it is compared with and
 * whether it regressed. The CLI gate, the reports and the site all call this module (the site through
 * materialised-baselines.ts, which judges what it reads here too).
 *
 * A metric's baseline is its pinned value in data/baselines.json when there is one; otherwise the
 * median of the last `window` successful measurements on the default branch (runs recorded outside
 * git count too) strictly before the run being judged. The SQL that finds them is in baseline-plans.ts.
 */

import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { metricKey } from '../shared/keys.ts';
import { isCandidate, judgeChange } from '../shared/regression-rule.ts';
import { adjustPValues, type ChangeTest, testLevels } from '../shared/significance.ts';
import { queryRows, sqlStringList } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { AnalysisSettings } from './analysis-settings.ts';
import {
  assertWindow,
  ensureLevelBreaks,
  listSpread,
  SELECT_TARGET,
  spreadWindow,
  TOP_N_MAX_RUNS,
  topNSql,
  windowedSql,
  withSegments,
} from './baseline-plans.ts';
import { pinnedValue } from './baselines-file.ts';
import type { BaselineSource, MetricStatus, SeriesIdentity } from './metric-status.ts';
import { levelBreaks } from './regression-events.ts';
import { seriesChanges, sqlTime } from './series-changes.ts';
import { ON_BASELINE_BRANCH } from './series-runs.ts';
import { resolveThreshold } from './thresholds.ts';

export { type AnalysisSettings, defaultSettings } from './analysis-settings.ts';
export type { BaselineSource, MetricStatus, SeriesIdentity } from './metric-status.ts';

/** A measurement with its rolling baseline, as the query plans give it, before judging. */
export interface Row extends SeriesIdentity {
  run_id: string;
  timestamp: string;
  status: string;
  value: number | null;
  samples: number[] | null;
  threshold: number | null;
  rolling: number | null;
  rolling_runs: number | null;
  spread_runs: number | null;
  log_sd: number | null;
  value_sd: number | null;
  own_log_se: number | null;
  own_se: number | null;
  /**
   * Given by the site's tables, which read a run's measurements a few at a time: how many of the run's
   * measurements have a spread to test against (the Benjamini–Hochberg family), and the adjusted p-value
   * found when the whole run was judged. Left out when the rows hold whole runs: then they are counted here.
   */
  family?: number | null;
  adjusted_p?: number | null;
}

/** Whether a measurement is in its run's family of tests: successful, with enough runs at its level for a spread. */
export function hasSpread(row: Pick<Row, 'status' | 'value' | 'spread_runs'>): boolean {
  return row.status === 'ok' && row.value !== null && (row.spread_runs ?? 0) >= 3;
}

/**
 * Statuses are judged per group: a run (statusOfRuns) or a platform (latestStatuses). Within a run, the
 * tests that can change a status (isCandidate) are adjusted by Benjamini–Hochberg across the run's family.
 */
export function judge(rows: readonly Row[], settings: AnalysisSettings, groupOf: (status: MetricStatus) => string): MetricStatus[] {
  const { config } = settings;
  const level = 1 - config.significanceLevel;
  const tested = rows.map((row) => {
    const pinned = pinnedValue(settings.pinned, row.platform, row.suite, row.metric);
    if (pinned !== undefined || row.rolling === null || row.value === null || row.status !== 'ok' || row.spread_runs === null) return null;
    const own = row.own_log_se !== null || row.own_se !== null ? { logSe: row.own_log_se, se: row.own_se } : null;
    return testLevels(
      { median: row.value, runs: 1, own },
      { median: row.rolling, runs: row.rolling_runs ?? 1 },
      { runs: row.spread_runs, logSd: row.log_sd, sd: row.value_sd },
      level,
    );
  });
  adjustWithinRuns(rows, tested, settings);
  const statuses = rows.map((row, index): MetricStatus => {
    const pinned = pinnedValue(settings.pinned, row.platform, row.suite, row.metric);
    const baseline = pinned ?? row.rolling;
    const baselineSource: BaselineSource | null = pinned !== undefined ? 'pinned' : row.rolling !== null ? 'rolling' : null;
    const threshold = resolveThreshold(
      { suite: row.suite, metric: row.metric, declared: row.threshold },
      settings.config,
      settings.threshold,
    );
    const common = {
      runId: row.run_id,
      timestamp: row.timestamp,
      platform: row.platform,
      suite: row.suite,
      metric: row.metric,
      unit: row.unit,
      direction: row.direction,
      current: row.value,
      samples: row.samples,
      baseline,
      baselineSource,
      baselineRuns: baselineSource === 'rolling' ? (row.rolling_runs ?? 0) : 0,
      spread: row.spread_runs !== null ? { runs: row.spread_runs, logSd: row.log_sd, sd: row.value_sd } : null,
      own: row.own_log_se !== null || row.own_se !== null ? { logSe: row.own_log_se, se: row.own_se } : null,
      threshold,
    };
    if (row.status !== 'ok' || row.value === null) return { ...common, change: null, significance: null, status: 'failed' };
    if (baseline === null) return { ...common, change: null, significance: null, status: 'new' };
    // A pinned value is a number without a spread: the threshold alone judges against it.
    return { ...common, ...judgeChange(row.value, baseline, row.direction, threshold.value, tested[index] ?? null, config) };
  });
  // A group with no baseline for any metric gets the clearer status: nothing to compare with at all.
  const groupsWithBaseline = new Set(statuses.filter((status) => status.baseline !== null).map(groupOf));
  return statuses.map((status) =>
    status.status === 'new' && !groupsWithBaseline.has(groupOf(status)) ? { ...status, status: 'no-baseline' } : status,
  );
}

/**
 * Benjamini–Hochberg within each run, in place: over the run's family (its measurements with a spread), the
 * candidates' p-values (the tests that can change a status) are adjusted; the others count as larger, which
 * keeps the adjustment valid and the same whichever of a run's rows are judged together.
 */
function adjustWithinRuns(rows: readonly Row[], tested: Array<ChangeTest | null>, settings: AnalysisSettings): void {
  const byRun = Map.groupBy(
    rows.map((row, index) => ({ row, index })),
    ({ row }) => row.run_id,
  );
  for (const members of byRun.values()) {
    const family = members[0]?.row.family ?? members.filter(({ row }) => hasSpread(row)).length;
    const candidates = members.filter(({ row, index }) => {
      const test = tested[index];
      if (!test || test.pValue === null || row.value === null || row.rolling === null) return false;
      const threshold = resolveThreshold(
        { suite: row.suite, metric: row.metric, declared: row.threshold },
        settings.config,
        settings.threshold,
      );
      return isCandidate(row.value / row.rolling - 1, row.direction, threshold.value, settings.config.significance);
    });
    const adjusted = adjustPValues(
      candidates.map(({ index }) => tested[index]?.pValue ?? 1),
      family,
    );
    candidates.forEach(({ row, index }, at) => {
      const test = tested[index] as ChangeTest;
      tested[index] = { ...test, adjustedPValue: row.adjusted_p ?? (adjusted[at] as number), family };
    });
  }
}

/** Statuses of every metric of the given runs. `plan` is for tests that hold the two query plans to the same answers. */
export async function statusOfRuns(
  history: History,
  runIds: readonly string[],
  settings: AnalysisSettings,
  plan: 'auto' | 'windowed' | 'top-n' = 'auto',
): Promise<MetricStatus[]> {
  if (runIds.length === 0) return [];
  await ensureLevelBreaks(history, settings.config.defaultBranch);
  const targets = `SELECT * FROM metrics WHERE run_id IN (SELECT unnest(${sqlStringList(runIds)}))`;
  const useTopN = plan === 'top-n' || (plan === 'auto' && runIds.length <= TOP_N_MAX_RUNS);
  const sql = useTopN ? topNSql(settings.config.baselineWindow, targets) : windowedSql(settings.config.baselineWindow, targets);
  const rows = await queryRows<Row & Record<string, unknown>>(history.connection, sql, { branch: settings.config.defaultBranch });
  return judge(rows, settings, (status) => status.runId);
}

/** The status of the latest default-branch measurement of every platform × metric: the state of the project now. */
export async function latestStatuses(history: History, settings: AnalysisSettings): Promise<MetricStatus[]> {
  const window = settings.config.baselineWindow;
  assertWindow(window);
  const { connection } = history;
  await ensureLevelBreaks(history, settings.config.defaultBranch);
  // One aggregate pass: per platform × metric, the latest baseline-branch run and its last window + 1
  // successful values (the latest run may be one of them); the baseline is the window before the latest.
  await connection.run('DROP TABLE IF EXISTS latest_keys');
  await connection.run(
    `CREATE TEMP TABLE latest_keys AS
     WITH latest AS (
       SELECT platform, suite, metric,
              max_by(run_id, {ts: timestamp, id: run_id}) AS run_id,
              max_by(unit, {ts: timestamp, id: run_id}) AS latest_unit,
              max({ts: timestamp, id: run_id}) AS latest_key,
              max_by({value: value, unit: unit, segment: segment, key: {ts: timestamp, id: run_id}}, {ts: timestamp, id: run_id}, ${spreadWindow(window) + 1}) FILTER (WHERE status = 'ok') AS recent
       FROM ${withSegments(`SELECT * FROM metrics WHERE ${ON_BASELINE_BRANCH}`)} GROUP BY platform, suite, metric
     ),
     before_latest AS (
       SELECT platform, suite, metric, run_id, latest_key,
              list_filter(coalesce(recent, []), entry -> entry.key < latest_key AND entry.unit = latest_unit) AS entries
       FROM latest
     ),
     prior AS (
       -- Newest first: the level of the last run before the latest is the one its baseline comes from.
       SELECT platform, suite, metric, run_id, latest_key.ts AS timestamp,
              list_transform(list_filter(entries, entry -> entry.segment = entries[1].segment), entry -> entry.value) AS values
       FROM before_latest
     )
     SELECT platform, suite, metric, run_id, timestamp,
            CASE WHEN len(values) > 0 THEN list_aggregate(values[1:${window}], 'median') END AS rolling,
            len(values[1:${window}])::INTEGER AS rolling_runs, values
     FROM prior`,
    { branch: settings.config.defaultBranch },
  );
  const [bounds] = await queryRows<{ earliest: string | null }>(
    connection,
    `SELECT strftime(min(timestamp), '%Y-%m-%d %H:%M:%S.%f') AS earliest FROM latest_keys`,
  );
  // The time bound lets the Parquet reader skip every month file older than the oldest latest run.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE latest_judged AS
     SELECT ${SELECT_TARGET}, k.rolling, k.rolling_runs, ${listSpread('k.values')}
     FROM (SELECT * FROM metrics WHERE timestamp >= $earliest::TIMESTAMP) AS t
     JOIN latest_keys AS k USING (platform, suite, metric, run_id)`,
    { earliest: bounds?.earliest ?? '1970-01-01 00:00:00' },
  );
  const rows = await queryRows<Row & Record<string, unknown>>(
    connection,
    'SELECT * FROM latest_judged ORDER BY timestamp, run_id, suite, metric',
  );
  await connection.run('DROP TABLE latest_keys; DROP TABLE latest_judged');
  return judge(rows, settings, (status) => status.platform);
}

/**
 * What the judge said of runs when they were new, where later runs changed it. A level break cuts a run's
 * rolling baseline short, and a change point is found only with runs after it: a site built later can compare a
 * run with a level the gate did not know of yet. For each status whose baseline window was cut (fewer runs than
 * the window), the platform's changes are found again as the scan saw them then (its runs up to this one), and
 * the run is judged against the baseline and spread of its level as it was; only verdicts that differ are
 * returned, by run id, then keyed by suite/metric. A run's family of tests is the same (its adjusted p-values
 * count the rest as larger). `runs` holds each run's statuses; the baselines of them all are read in one query.
 */
export async function verdictsAtTheTime(
  history: History,
  runs: ReadonlyArray<readonly MetricStatus[]>,
  settings: AnalysisSettings,
): Promise<Map<string, Map<string, MetricStatus>>> {
  const window = settings.config.baselineWindow;
  const branch = settings.config.defaultBranch;
  const wanted: Array<{ status: MetricStatus; since: string; family: number }> = [];
  for (const statuses of runs) {
    const cut = statuses.filter(
      (status) =>
        status.baselineSource === 'rolling' && status.baselineRuns < window && status.current !== null && status.status !== 'failed',
    );
    const [first] = cut;
    if (!first) continue;
    const breaksThen = Map.groupBy(
      levelBreaks(await seriesChanges(history, branch, {}, { platform: first.platform, until: first.timestamp })),
      (change) => metricKey(change),
    );
    const family = Math.max(
      ...statuses.map((status) => status.significance?.family ?? 0),
      statuses.filter((status) => status.spread !== null).length,
    );
    // The level a run's baseline comes from is that of the run before it: the breaks then, up to that run.
    for (const status of cut) {
      const since =
        (breaksThen.get(metricKey(status)) ?? [])
          .map((change) => change.timestamp)
          .filter((time) => time < status.timestamp)
          .sort()
          .at(-1) ?? '1970-01-01T00:00:00.000Z';
      wanted.push({ status, since, family });
    }
  }
  if (wanted.length === 0) return new Map();
  const rows = await queryRows<{
    run_id: string;
    suite: string;
    metric: string;
    rolling: number | null;
    rolling_runs: number;
    spread_runs: number;
    log_sd: number | null;
    value_sd: number | null;
  }>(
    history.connection,
    `WITH wanted AS (
       SELECT unnest($runs) AS run_id, unnest($platforms) AS platform, unnest($suites) AS suite, unnest($metrics) AS metric,
              unnest($units) AS unit, unnest($since)::TIMESTAMP AS since, unnest($times)::TIMESTAMP AS time),
     recent AS (
       SELECT w.run_id, w.suite, w.metric, max_by(m.value, (m.timestamp, m.run_id), ${spreadWindow(window)}) AS values
       FROM metrics AS m JOIN wanted AS w ON m.platform = w.platform AND m.suite = w.suite AND m.metric = w.metric AND m.unit = w.unit
       WHERE m.status = 'ok' AND ${ON_BASELINE_BRANCH} AND m.timestamp < w.time AND m.timestamp >= w.since
       GROUP BY ALL
     )
     SELECT run_id, suite, metric, list_aggregate(values[1:${window}], 'median') AS rolling, len(values[1:${window}])::INTEGER AS rolling_runs,
            ${listSpread('values')}
     FROM recent`,
    {
      runs: listValue(wanted.map(({ status }) => status.runId)),
      platforms: listValue(wanted.map(({ status }) => status.platform)),
      suites: listValue(wanted.map(({ status }) => status.suite)),
      metrics: listValue(wanted.map(({ status }) => status.metric)),
      units: listValue(wanted.map(({ status }) => status.unit)),
      since: listValue(wanted.map(({ since }) => sqlTime(since))),
      times: listValue(wanted.map(({ status }) => sqlTime(status.timestamp))),
      branch,
    },
    {
      runs: LIST(VARCHAR),
      platforms: LIST(VARCHAR),
      suites: LIST(VARCHAR),
      metrics: LIST(VARCHAR),
      units: LIST(VARCHAR),
      since: LIST(VARCHAR),
      times: LIST(VARCHAR),
    },
  );
  const before = new Map(rows.map((row) => [`${row.run_id}\u0000${metricKey(row)}`, row]));
  const judged = judge(
    wanted.flatMap(({ status, family }): Row[] => {
      const then = before.get(`${status.runId}\u0000${metricKey(status)}`);
      if (!then || then.rolling === null) return [];
      return [
        {
          run_id: status.runId,
          timestamp: status.timestamp,
          platform: status.platform,
          suite: status.suite,
          metric: status.metric,
          unit: status.unit,
          direction: status.direction,
          status: 'ok',
          value: status.current,
          samples: null,
          threshold: status.threshold.source === 'declared by the benchmark' ? status.threshold.value : null,
          rolling: then.rolling,
          rolling_runs: then.rolling_runs,
          spread_runs: then.spread_runs,
          log_sd: then.log_sd,
          value_sd: then.value_sd,
          own_log_se: status.own?.logSe ?? null,
          own_se: status.own?.se ?? null,
          family,
          adjusted_p: null,
        },
      ];
    }),
    settings,
    (status) => status.runId,
  );
  const now = new Map(runs.flat().map((status) => [`${status.runId}\u0000${metricKey(status)}`, status]));
  const changed = new Map<string, Map<string, MetricStatus>>();
  for (const then of judged) {
    if (then.status === now.get(`${then.runId}\u0000${metricKey(then)}`)?.status) continue;
    const ofRun = changed.get(then.runId) ?? new Map<string, MetricStatus>();
    ofRun.set(metricKey(then), then);
    changed.set(then.runId, ofRun);
  }
  return changed;
}
