/**
 * The query plans behind every baseline: which earlier measurements a run's metric is compared with, as
 * SQL over the history's `metrics` view. status.ts judges what they return; materialised-baselines.ts runs
 * the windowed plan once over a whole history for a site build.
 */

import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { AnalysisSettings } from './analysis-settings.ts';
import { levelBreaks } from './regression-events.ts';
import { historyChanges } from './series-changes.ts';
import { ON_BASELINE_BRANCH } from './series-runs.ts';

/** What a run's own samples say of its value: the standard error of their mean, of ln(samples) and plain (ownSpread). */
const OWN_SPREAD = `CASE WHEN len(t.samples) >= 2 AND list_min(t.samples) > 0
             THEN list_aggregate(list_transform(t.samples, x -> ln(greatest(x, 1e-300))), 'stddev_samp') / sqrt(len(t.samples)) END AS own_log_se,
           CASE WHEN len(t.samples) >= 2 THEN list_aggregate(t.samples, 'stddev_samp') / sqrt(len(t.samples)) END AS own_se`;

export const SELECT_TARGET = `t.run_id, strftime(t.timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp, t.platform, t.suite, t.metric, t.unit,
           t.direction, t.status, t.value, t.samples, t.spread_low, t.spread_high, t.threshold, ${OWN_SPREAD}`;

/**
 * How many runs of a level the run-to-run spread is taken over: the baseline window, but at least 20. The
 * spread of 5 runs is too unsure for a test, and a runner's slow spell lasts several runs: on django's asv
 * history a spread over the 5 baseline runs called 7.2 % of flat stretches significant at 0.05, over 20 runs
 * 5.1 % (npm run bench:aa, BENCHMARKS.md).
 */
export const SPREAD_MIN_RUNS = 20;

export function spreadWindow(window: number): number {
  return Math.max(window, SPREAD_MIN_RUNS);
}

/** The spread columns (RunSpread) of a list of values, newest first, of one level. */
export function listSpread(values: string): string {
  return `len(${values})::INTEGER AS spread_runs,
             CASE WHEN list_min(${values}) > 0 THEN list_aggregate(list_transform(${values}, x -> ln(greatest(x, 1e-300))), 'stddev_samp') END AS log_sd,
             list_aggregate(${values}, 'stddev_samp') AS value_sd`;
}

/**
 * The rows of a query with one more column, `segment`: how many changes of level (table level_breaks,
 * ensureLevelBreaks) its series had at or before the row. A rolling baseline stays within one segment, so a
 * step is judged once, at its own run, against the level before it; the runs after it against the new level.
 * Each row is hash-joined to its series' few break times and counts them: an ASOF join sorted every row of
 * the history with all its columns (at 100,000 runs 14–16 s, this 3.6–4.2 s; BENCHMARKS.md, issue #16).
 */
export function withSegments(select: string): string {
  return `(SELECT r.*, coalesce(len(list_filter(b.since, since -> since <= r.timestamp)), 0)::INTEGER AS segment
           FROM (${select}) AS r
           LEFT JOIN (SELECT platform, suite, metric, list(since) AS since FROM level_breaks GROUP BY platform, suite, metric) AS b
             ON r.platform = b.platform AND r.suite = b.suite AND r.metric = b.metric)`;
}

/**
 * Table level_breaks: where each series' level moved (its change points, one-run outliers left out), for
 * the baselines to stay within a level. Found once per opened history.
 */
export function ensureLevelBreaks(history: History, branch: string): Promise<void> {
  return history.memo(`level-breaks:${branch}`, async () => {
    const breaks = levelBreaks(await historyChanges(history, branch));
    await history.connection.run(
      `CREATE OR REPLACE TEMP TABLE level_breaks AS
       SELECT unnest($platforms) AS platform, unnest($suites) AS suite, unnest($metrics) AS metric, unnest($since)::TIMESTAMP AS since`,
      {
        platforms: listValue(breaks.map((change) => change.platform)),
        suites: listValue(breaks.map((change) => change.suite)),
        metrics: listValue(breaks.map((change) => change.metric)),
        since: listValue(breaks.map((change) => change.timestamp)),
      },
      { platforms: LIST(VARCHAR), suites: LIST(VARCHAR), metrics: LIST(VARCHAR), since: LIST(VARCHAR) },
    );
  });
}

export function assertWindow(window: number): void {
  if (!Number.isInteger(window) || window < 1) throw new Error(`baseline window must be a positive integer, got ${window}`);
}

/**
 * For many targets (every run of a long history): one pass of a windowed median over the
 * baseline branch, then an as-of join picks, for each target, the window ending just before it.
 * For the whole history (a site build), neither the filter to the targets' series nor the order is needed:
 * the caller sorts the result its own ways, and at 100,000 runs each was a pass over 5 million rows.
 * `series: 'by hash'` (whole history only, and only where seriesHashesAreDistinct) partitions and joins on one
 * hash of the four names instead of the names: the sort and the as-of join of 5 million rows took half the time.
 */
export function windowedSql(window: number, targets: string | 'whole history', series: 'by name' | 'by hash' = 'by name'): string {
  assertWindow(window);
  const whole = targets === 'whole history';
  if (series === 'by hash' && !whole) throw new Error('series by hash is for the whole history only');
  const hashed = series === 'by hash';
  const withKey = (select: string) => (hashed ? `SELECT *, ${SERIES_HASH} AS series_hash FROM (${select})` : select);
  const keyColumns = hashed ? 'series_hash' : 'platform, suite, metric, unit';
  const keyMatch = hashed
    ? 't.series_hash = b.series_hash'
    : 't.platform = b.platform AND t.suite = b.suite AND t.metric = b.metric AND t.unit = b.unit';
  return `
    WITH target AS (${withKey(whole ? 'SELECT * FROM metrics' : targets)}),
    base AS (
      SELECT ${keyColumns}, timestamp,
             median(value) OVER w AS rolling, count(value) OVER w AS rolling_runs,
             count(value) OVER spread AS spread_runs,
             CASE WHEN min(value) OVER spread > 0 THEN stddev_samp(CASE WHEN value > 0 THEN ln(value) END) OVER spread END AS log_sd,
             stddev_samp(value) OVER spread AS value_sd
      FROM (${withKey(
        `SELECT * FROM ${withSegments(`SELECT * FROM metrics WHERE status = 'ok' AND ${ON_BASELINE_BRANCH}
        ${whole ? '' : 'AND (platform, suite, metric) IN (SELECT DISTINCT (platform, suite, metric) FROM target)'}`)}`,
      )})
      WINDOW w AS (PARTITION BY ${keyColumns}, segment ORDER BY timestamp, run_id ROWS BETWEEN ${window - 1} PRECEDING AND CURRENT ROW),
             spread AS (PARTITION BY ${keyColumns}, segment ORDER BY timestamp, run_id ROWS BETWEEN ${spreadWindow(window) - 1} PRECEDING AND CURRENT ROW)
    )
    SELECT ${SELECT_TARGET}, b.rolling, b.rolling_runs::INTEGER AS rolling_runs, b.spread_runs::INTEGER AS spread_runs, b.log_sd, b.value_sd
    FROM target AS t
    ASOF LEFT JOIN base AS b
      ON ${keyMatch} AND t.timestamp > b.timestamp
    ${whole ? '' : 'ORDER BY t.timestamp, t.run_id, t.suite, t.metric'}`;
}

const SERIES_HASH = 'hash(platform, suite, metric, unit)';

/** Whether no two series of the history share a hash: then windowedSql may key them by it. */
export async function seriesHashesAreDistinct(history: History): Promise<boolean> {
  const [counted] = await queryRows<{ hashes: number; series: number }>(
    history.connection,
    `SELECT count(DISTINCT ${SERIES_HASH})::INTEGER AS hashes, count(*)::INTEGER AS series
     FROM (SELECT DISTINCT platform, suite, metric, unit FROM metrics)`,
  );
  return counted !== undefined && counted.hashes === counted.series;
}

/**
 * For a few targets (one run, or the latest of each metric): for each target, the last \`window\`
 * baseline-branch values before it, kept by a bounded top-N aggregate. No sort of the whole history.
 */
export function topNSql(window: number, targets: string): string {
  assertWindow(window);
  return `
    WITH target AS (${targets}),
    eligible AS (
      SELECT * FROM ${withSegments(`SELECT * FROM metrics WHERE status = 'ok' AND ${ON_BASELINE_BRANCH}
        AND (platform, suite, metric) IN (SELECT DISTINCT (platform, suite, metric) FROM target)`)}
    ),
    -- The level of the last run before each target: its baseline comes from that level only.
    last_level AS (
      SELECT t.run_id, t.platform, t.suite, t.metric, max_by(m.segment, (m.timestamp, m.run_id)) AS segment
      FROM eligible AS m
      JOIN target AS t ON m.platform = t.platform AND m.suite = t.suite AND m.metric = t.metric AND m.unit = t.unit AND m.timestamp < t.timestamp
      GROUP BY t.run_id, t.platform, t.suite, t.metric
    ),
    recent AS (
      -- Newest first: the last runs of the level, as many as the spread needs (the median takes the first ones).
      SELECT t.run_id, t.platform, t.suite, t.metric, max_by(m.value, (m.timestamp, m.run_id), ${spreadWindow(window)}) AS values
      FROM eligible AS m
      JOIN target AS t ON m.platform = t.platform AND m.suite = t.suite AND m.metric = t.metric AND m.unit = t.unit AND m.timestamp < t.timestamp
      JOIN last_level AS l ON l.run_id = t.run_id AND l.platform = t.platform AND l.suite = t.suite AND l.metric = t.metric AND m.segment = l.segment
      GROUP BY t.run_id, t.platform, t.suite, t.metric
    ),
    base AS (
      SELECT run_id, platform, suite, metric, list_aggregate(values[1:${window}], 'median') AS rolling,
             len(values[1:${window}])::INTEGER AS rolling_runs, ${listSpread('values')}
      FROM recent
    )
    SELECT ${SELECT_TARGET}, b.rolling, b.rolling_runs, b.spread_runs, b.log_sd, b.value_sd
    FROM target AS t LEFT JOIN base AS b USING (run_id, platform, suite, metric)
    ORDER BY t.timestamp, t.run_id, t.suite, t.metric`;
}

/** Below this many runs to judge, the top-N plan is faster; above it, the windowed one. */
export const TOP_N_MAX_RUNS = 200;

/**
 * The smallest relative change that any metric's threshold could call a regression or an improvement
 * (0 when significance alone decides): below it, no test can change a status.
 */
export async function smallestThreshold(history: History, settings: AnalysisSettings, table: string): Promise<number> {
  if (settings.config.significance === 'significance') return 0;
  const configured = [
    settings.threshold.value,
    ...Object.values(settings.config.suites).map((suite) => suite.threshold ?? Number.POSITIVE_INFINITY),
    ...Object.values(settings.config.metrics).map((metric) => metric.threshold ?? Number.POSITIVE_INFINITY),
  ];
  const [declared] = await queryRows<{ smallest: number | null }>(history.connection, `SELECT min(threshold) AS smallest FROM ${table}`);
  return Math.min(...configured, declared?.smallest ?? Number.POSITIVE_INFINITY);
}
