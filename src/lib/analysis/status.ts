/**
 * Baselines and statuses: the one place that decides, for a run's metric, what it is compared with and
 * whether it regressed. The CLI gate, the reports and the site all call this module.
 *
 * A metric's baseline is its pinned value in data/baselines.json when there is one; otherwise the
 * median of the last `window` successful measurements on the default branch (runs recorded outside
 * git count too) strictly before the run being judged.
 */

import { type DuckDBValue, INTEGER, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { seriesKey } from '../shared/keys.ts';
import { queryRows, sqlStringList } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { Direction } from '../store/record.ts';
import { type PinnedBaselines, pinnedValue } from './baselines-file.ts';
import { type Config, configSchema } from './config.ts';
import { levelBreaks } from './regression-events.ts';
import { classify, judgeChange, type Status } from './regression-rule.ts';
import { historyChanges } from './series-changes.ts';
import type { SampleComparison } from './significance.ts';
import { DEFAULT_THRESHOLD, resolveThreshold, type Threshold } from './thresholds.ts';

export type BaselineSource = 'pinned' | 'rolling';

/** What names a series: one metric on one platform, with how to read its values. */
export interface SeriesIdentity {
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
}

export interface MetricStatus extends SeriesIdentity {
  runId: string;
  timestamp: string;
  current: number | null;
  samples: number[] | null;
  baseline: number | null;
  baselineSource: BaselineSource | null;
  /** How many runs the rolling median was taken over (0 for pinned or missing baselines). */
  baselineRuns: number;
  change: number | null;
  /** Mann–Whitney p-value and 95 % interval of the change, when the run and its baseline runs kept enough samples to test. */
  significance: SampleComparison | null;
  threshold: Threshold;
  status: Status;
}

export interface AnalysisSettings {
  config: Config;
  pinned: PinnedBaselines;
  threshold: Threshold;
}

/** Settings with nothing configured: rolling baselines on main, 20 %, no pinned values. */
export function defaultSettings(): AnalysisSettings {
  return {
    config: configSchema.parse({}),
    pinned: { file: '', document: {}, values: new Map() },
    threshold: { value: DEFAULT_THRESHOLD, source: 'default' },
  };
}

interface Row extends SeriesIdentity {
  run_id: string;
  timestamp: string;
  status: string;
  value: number | null;
  samples: number[] | null;
  threshold: number | null;
  rolling: number | null;
  rolling_runs: number | null;
  /** The samples of the runs the rolling baseline is the median of (one-run plans only). */
  baseline_samples?: number[] | null;
}

const SELECT_TARGET = `t.run_id, strftime(t.timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp, t.platform, t.suite, t.metric, t.unit,
           t.direction, t.status, t.value, t.samples, t.spread_low, t.spread_high, t.threshold`;

const ON_BASELINE_BRANCH = '(git_branch = $branch OR git_branch IS NULL)';

/**
 * The rows of a query with one more column, `segment`: how many changes of level (table level_breaks,
 * ensureLevelBreaks) its series had at or before the row. A rolling baseline stays within one segment, so a
 * step is judged once, at its own run, against the level before it; the runs after it against the new level.
 * Each row is hash-joined to its series' few break times and counts them: an ASOF join sorted every row of
 * the history with all its columns (at 100,000 runs 14–16 s, this 3.6–4.2 s; BENCHMARKS.md, issue #16).
 */
function withSegments(select: string): string {
  return `(SELECT r.*, coalesce(len(list_filter(b.since, since -> since <= r.timestamp)), 0)::INTEGER AS segment
           FROM (${select}) AS r
           LEFT JOIN (SELECT platform, suite, metric, list(since) AS since FROM level_breaks GROUP BY platform, suite, metric) AS b
             ON r.platform = b.platform AND r.suite = b.suite AND r.metric = b.metric)`;
}

/**
 * Table level_breaks: where each series' level moved (its change points, one-run outliers left out), for
 * the baselines to stay within a level. Found once per opened history.
 */
export async function ensureLevelBreaks(history: History): Promise<void> {
  const [exists] = await queryRows<{ n: number }>(
    history.connection,
    "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'level_breaks'",
  );
  if ((exists?.n ?? 0) > 0) return;
  const breaks = levelBreaks(await historyChanges(history));
  await history.connection.run(
    `CREATE TEMP TABLE level_breaks AS
     SELECT unnest($platforms) AS platform, unnest($suites) AS suite, unnest($metrics) AS metric, unnest($since)::TIMESTAMP AS since`,
    {
      platforms: listValue(breaks.map((change) => change.platform)),
      suites: listValue(breaks.map((change) => change.suite)),
      metrics: listValue(breaks.map((change) => change.metric)),
      since: listValue(breaks.map((change) => change.timestamp)),
    },
    { platforms: LIST(VARCHAR), suites: LIST(VARCHAR), metrics: LIST(VARCHAR), since: LIST(VARCHAR) },
  );
}

function assertWindow(window: number): void {
  if (!Number.isInteger(window) || window < 1) throw new Error(`baseline window must be a positive integer, got ${window}`);
}

/**
 * For many targets (every run of a long history): one pass of a windowed median over the
 * baseline branch, then an as-of join picks, for each target, the window ending just before it.
 * For the whole history (a site build), neither the filter to the targets' series nor the order is needed:
 * the caller sorts the result its own ways, and at 100,000 runs each was a pass over 5 million rows.
 */
function windowedSql(window: number, targets: string | 'whole history'): string {
  assertWindow(window);
  const whole = targets === 'whole history';
  return `
    WITH target AS (${whole ? 'SELECT * FROM metrics' : targets}),
    base AS (
      SELECT platform, suite, metric, unit, timestamp,
             median(value) OVER w AS rolling, count(value) OVER w AS rolling_runs
      FROM ${withSegments(`SELECT * FROM metrics WHERE status = 'ok' AND ${ON_BASELINE_BRANCH}
        ${whole ? '' : 'AND (platform, suite, metric) IN (SELECT DISTINCT (platform, suite, metric) FROM target)'}`)}
      WINDOW w AS (PARTITION BY platform, suite, metric, unit, segment ORDER BY timestamp, run_id ROWS BETWEEN ${window - 1} PRECEDING AND CURRENT ROW)
    )
    SELECT ${SELECT_TARGET}, b.rolling, b.rolling_runs::INTEGER AS rolling_runs, NULL::DOUBLE[] AS baseline_samples
    FROM target AS t
    ASOF LEFT JOIN base AS b
      ON t.platform = b.platform AND t.suite = b.suite AND t.metric = b.metric AND t.unit = b.unit AND t.timestamp > b.timestamp
    ${whole ? '' : 'ORDER BY t.timestamp, t.run_id, t.suite, t.metric'}`;
}

/**
 * For a few targets (one run, or the latest of each metric): for each target, the last \`window\`
 * baseline-branch values before it, kept by a bounded top-N aggregate. No sort of the whole history.
 */
function topNSql(window: number, targets: string): string {
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
    base AS (
      SELECT t.run_id, t.platform, t.suite, t.metric,
             list_aggregate(max_by(m.value, (m.timestamp, m.run_id), ${window}), 'median') AS rolling,
             least(count(*), ${window})::INTEGER AS rolling_runs,
             flatten(list_filter(max_by(m.samples, (m.timestamp, m.run_id), ${window}), s -> s IS NOT NULL)) AS baseline_samples
      FROM eligible AS m
      JOIN target AS t ON m.platform = t.platform AND m.suite = t.suite AND m.metric = t.metric AND m.unit = t.unit AND m.timestamp < t.timestamp
      JOIN last_level AS l ON l.run_id = t.run_id AND l.platform = t.platform AND l.suite = t.suite AND l.metric = t.metric AND m.segment = l.segment
      GROUP BY t.run_id, t.platform, t.suite, t.metric
    )
    SELECT ${SELECT_TARGET}, b.rolling, b.rolling_runs, b.baseline_samples
    FROM target AS t LEFT JOIN base AS b USING (run_id, platform, suite, metric)
    ORDER BY t.timestamp, t.run_id, t.suite, t.metric`;
}

/** Below this many runs to judge, the top-N plan is faster; above it, the windowed one. */
const TOP_N_MAX_RUNS = 200;

/** Statuses are judged per group: a run (statusOfRuns) or a platform (latestStatuses). */
function judge(rows: readonly Row[], settings: AnalysisSettings, groupOf: (status: MetricStatus) => string): MetricStatus[] {
  const statuses = rows.map((row): MetricStatus => {
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
      threshold,
    };
    if (row.status !== 'ok' || row.value === null) return { ...common, change: null, significance: null, status: 'failed' };
    if (baseline === null) return { ...common, change: null, significance: null, status: 'new' };
    // Only a rolling baseline has samples behind it; a pinned value is a number without a spread.
    const against = { value: baseline, samples: baselineSource === 'rolling' ? row.baseline_samples : null };
    return {
      ...common,
      ...judgeChange({ value: row.value, samples: row.samples }, against, row.direction, threshold.value, settings.config),
    };
  });
  // A group with no baseline for any metric gets the clearer status: nothing to compare with at all.
  const groupsWithBaseline = new Set(statuses.filter((status) => status.baseline !== null).map(groupOf));
  return statuses.map((status) =>
    status.status === 'new' && !groupsWithBaseline.has(groupOf(status)) ? { ...status, status: 'no-baseline' } : status,
  );
}

/** Statuses of every metric of the given runs. `plan` is for tests that hold the two query plans to the same answers. */
export async function statusOfRuns(
  history: History,
  runIds: readonly string[],
  settings: AnalysisSettings,
  plan: 'auto' | 'windowed' | 'top-n' = 'auto',
): Promise<MetricStatus[]> {
  if (runIds.length === 0) return [];
  await ensureLevelBreaks(history);
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
  await ensureLevelBreaks(history);
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
              max_by({value: value, unit: unit, segment: segment, key: {ts: timestamp, id: run_id}}, {ts: timestamp, id: run_id}, ${window + 1}) FILTER (WHERE status = 'ok') AS recent
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
              list_transform(list_filter(entries, entry -> entry.segment = entries[1].segment), entry -> entry.value)[1:${window}] AS values
       FROM before_latest
     )
     SELECT platform, suite, metric, run_id, timestamp,
            CASE WHEN len(values) > 0 THEN list_aggregate(values, 'median') END AS rolling, len(values)::INTEGER AS rolling_runs
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
     SELECT ${SELECT_TARGET}, k.rolling, k.rolling_runs
     FROM (SELECT * FROM metrics WHERE timestamp >= $earliest::TIMESTAMP) AS t
     JOIN latest_keys AS k USING (platform, suite, metric, run_id)`,
    { earliest: bounds?.earliest ?? '1970-01-01 00:00:00' },
  );
  await createSamplePools(history, settings, 'latest_judged', 'latest_pools');
  const rows = await queryRows<Row & Record<string, unknown>>(
    connection,
    `SELECT j.*, p.baseline_samples FROM latest_judged AS j LEFT JOIN latest_pools AS p USING (run_id, platform, suite, metric)
     ORDER BY j.timestamp, j.run_id, j.suite, j.metric`,
  );
  await connection.run('DROP TABLE latest_keys; DROP TABLE latest_judged; DROP TABLE latest_pools');
  return judge(rows, settings, (status) => status.platform);
}

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

/**
 * Into \`pools\`: the baseline runs' samples, pooled, for each measurement of \`judged\` (target columns
 * and rolling) that has samples and moved beyond the smallest threshold from its rolling baseline. Only
 * there can the test change a status, and only there do pages show its interval; gathering the pools of
 * every measurement would copy every sample of the history window-fold.
 */
async function createSamplePools(history: History, settings: AnalysisSettings, judged: string, pools: string): Promise<void> {
  const { connection } = history;
  const window = settings.config.baselineWindow;
  assertWindow(window);
  const smallest = await smallestThreshold(history, settings, judged);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE pool_targets AS SELECT run_id, platform, suite, metric, unit, timestamp::TIMESTAMP AS timestamp FROM ${judged}
     WHERE status = 'ok' AND len(samples) > 0 AND rolling IS NOT NULL AND abs(value - rolling) > $smallest * abs(rolling)`,
    { smallest },
  );
  // The baseline of a target is the `window` baseline-branch runs of its series up to the last one before
  // it (as windowedSql): numbered in series order, they are found by equality, not by a range join per target.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${pools} AS
     WITH eligible AS (
       SELECT platform, suite, metric, unit, segment, timestamp, run_id,
              row_number() OVER (PARTITION BY platform, suite, metric, unit, segment ORDER BY timestamp, run_id) AS seq
       FROM ${withSegments(`SELECT * FROM metrics WHERE status = 'ok' AND ${ON_BASELINE_BRANCH}
         AND (platform, suite, metric) IN (SELECT DISTINCT (platform, suite, metric) FROM pool_targets)`)}
     ),
     positioned AS (
       SELECT t.run_id, t.platform, t.suite, t.metric, t.unit, e.segment, e.seq AS last_seq
       FROM pool_targets AS t
       ASOF JOIN eligible AS e ON t.platform = e.platform AND t.suite = e.suite AND t.metric = e.metric AND t.unit = e.unit AND t.timestamp > e.timestamp
     ),
     wanted AS (
       SELECT run_id, platform, suite, metric, unit, segment, unnest(range(greatest(last_seq - ${window - 1}, 1), last_seq + 1)) AS seq FROM positioned
     ),
     baseline_runs AS (
       SELECT w.run_id AS target_run, w.platform, w.suite, w.metric, e.run_id
       FROM wanted AS w JOIN eligible AS e USING (platform, suite, metric, unit, segment, seq)
     )
     SELECT b.target_run AS run_id, b.platform, b.suite, b.metric, flatten(list(m.samples)) AS baseline_samples
     FROM baseline_runs AS b JOIN metrics AS m USING (run_id, platform, suite, metric)
     WHERE m.samples IS NOT NULL
     GROUP BY ALL
     HAVING len(flatten(list(m.samples))) > 0`,
    { branch: settings.config.defaultBranch },
  );
  await connection.run('DROP TABLE pool_targets');
}

/**
 * For a site build: the baseline of every measurement of the history, computed once (windowed plan)
 * into two tables: `measurement_baselines` by run (run pages) and `series_baselines`, the successful
 * measurements by platform × metric × time (charts). Each page then reads its statuses by key,
 * touching few row groups, instead of re-running the analysis.
 */
export async function materialiseBaselines(history: History, settings: AnalysisSettings): Promise<void> {
  const { connection } = history;
  await ensureLevelBreaks(history);
  smallestByHistory.delete(history);
  judgedByHistory.delete(history);
  platformSeriesByHistory.delete(history);
  indexesByHistory.delete(history);
  await connection.run(
    'DROP TABLE IF EXISTS measurement_baselines; DROP TABLE IF EXISTS series_baselines; DROP TABLE IF EXISTS baseline_series; DROP TABLE IF EXISTS baseline_runs',
  );
  await connection.run(
    `CREATE TEMP TABLE all_judged AS SELECT * EXCLUDE (baseline_samples) FROM (${windowedSql(settings.config.baselineWindow, 'whole history')})`,
    { branch: settings.config.defaultBranch },
  );
  await createSamplePools(history, settings, 'all_judged', 'all_pools');
  // The two tables pages read hold numbers, not names: a row's series and run are indexes into two small
  // tables, read once (baselineIndexes). Names in every row were most of a run page's cost (at 10,000 runs,
  // 3.2 s to read 500,000 rows as objects against 0.7 s as numbers) and most of a 100,000-run build's memory.
  await connection.run(
    `CREATE TABLE baseline_series AS
     SELECT (row_number() OVER (ORDER BY platform, suite, metric, unit, direction) - 1)::INTEGER AS series_index,
            (dense_rank() OVER (ORDER BY platform, suite, metric) - 1)::INTEGER AS chart_index, *
     FROM (SELECT DISTINCT platform, suite, metric, unit, direction FROM all_judged)`,
  );
  await connection.run(
    `CREATE TABLE baseline_runs AS
     SELECT (row_number() OVER (ORDER BY run_id, timestamp) - 1)::INTEGER AS run_index,
            (row_number() OVER (ORDER BY timestamp, run_id) - 1)::INTEGER AS time_rank,
            run_id, timestamp, epoch_ms(timestamp::TIMESTAMP)::DOUBLE AS time
     FROM (SELECT DISTINCT run_id, timestamp FROM all_judged)`,
  );
  await connection.run(
    `CREATE TEMP TABLE indexed_judged AS
     SELECT s.series_index, s.chart_index, r.run_index, r.time_rank, j.status = 'ok' AS ok,
            j.value, j.threshold, j.rolling, j.rolling_runs, j.samples, j.spread_low, j.spread_high, j.run_id, j.platform, j.suite, j.metric
     FROM all_judged AS j
     JOIN baseline_series AS s ON j.platform = s.platform AND j.suite = s.suite AND j.metric = s.metric
       AND j.unit IS NOT DISTINCT FROM s.unit AND j.direction IS NOT DISTINCT FROM s.direction
     JOIN baseline_runs AS r ON j.run_id = r.run_id AND j.timestamp = r.timestamp`,
  );
  // Run pages keep a measurement's samples only where they are tested (see createSamplePools).
  await connection.run(
    `CREATE TABLE measurement_baselines AS
     SELECT j.run_index, j.time_rank, j.series_index, j.ok, j.value, j.threshold, j.rolling, j.rolling_runs,
            CASE WHEN p.baseline_samples IS NOT NULL THEN j.samples END AS samples, p.baseline_samples
     FROM indexed_judged AS j LEFT JOIN all_pools AS p USING (run_id, platform, suite, metric) ORDER BY j.run_index`,
  );
  // Charts draw the spread of the samples, never the samples: keeping two numbers instead of the list
  // keeps this copy small.
  await connection.run(
    `CREATE TABLE series_baselines AS
     SELECT series_index, chart_index, run_index, time_rank, value, rolling, threshold,
            coalesce(list_min(samples), spread_low) AS low, coalesce(list_max(samples), spread_high) AS high
     FROM indexed_judged WHERE ok ORDER BY chart_index, time_rank`,
  );
  await connection.run('DROP TABLE indexed_judged; DROP TABLE all_judged; DROP TABLE all_pools');
}

/** One successful measurement of a series, as a chart draws it, judged like every other. */
export interface SeriesMeasurement {
  runId: string;
  /** Milliseconds since the epoch. */
  time: number;
  value: number;
  /** Lowest and highest sample, when the run kept samples. */
  low: number | null;
  high: number | null;
  baseline: number | null;
  status: Status;
}

/**
 * Every successful measurement of one series, oldest first, from the table materialiseBaselines built.
 * Read column by column: a series of a long history has tens of thousands of points. A platform with up
 * to PLATFORM_READ_ROWS measurements is read whole, once, for all its charts: a query a chart was most of
 * a build's time on django's history (a build waits on DuckDB, not on drawing).
 */
export async function materialisedSeries(
  history: History,
  settings: AnalysisSettings,
  series: Pick<SeriesIdentity, 'platform' | 'suite' | 'metric'>,
): Promise<SeriesMeasurement[]> {
  const whole = await platformSeries(history, settings, series.platform);
  if (whole) return whole.get(seriesKey(series)) ?? [];
  return (await readSeries(history, settings, series, true)).get(seriesKey(series)) ?? [];
}

/** Platforms up to this many measurements are read whole (about 150 bytes a measurement in memory). */
const PLATFORM_READ_ROWS = 500_000;
const platformSeriesByHistory = new WeakMap<History, Map<string, Promise<Map<string, SeriesMeasurement[]> | null>>>();

/** One computation per history and platform, kept for every later ask. */
function perPlatform<T>(
  cache: WeakMap<History, Map<string, Promise<T>>>,
  history: History,
  platform: string,
  compute: () => Promise<T>,
): Promise<T> {
  let platforms = cache.get(history);
  if (!platforms) {
    platforms = new Map();
    cache.set(history, platforms);
  }
  let value = platforms.get(platform);
  if (!value) {
    value = compute();
    platforms.set(platform, value);
  }
  return value;
}

function platformSeries(history: History, settings: AnalysisSettings, platform: string): Promise<Map<string, SeriesMeasurement[]> | null> {
  return perPlatform(platformSeriesByHistory, history, platform, async () => {
    const range = (await baselineIndexes(history)).ranges.get(platform);
    if (!range) return new Map();
    const [counted] = await queryRows<{ rows: number }>(
      history.connection,
      'SELECT count(*)::INTEGER AS rows FROM series_baselines WHERE series_index BETWEEN $first AND $last',
      range,
    );
    if ((counted?.rows ?? 0) > PLATFORM_READ_ROWS) return null;
    return readSeries(history, settings, { platform }, false);
  });
}

/** The measurements of one series, or of every series of a platform, grouped by series. */
async function readSeries(
  history: History,
  settings: AnalysisSettings,
  selection: { platform: string; suite?: string; metric?: string },
  oneSeries: boolean,
): Promise<Map<string, SeriesMeasurement[]>> {
  const indexes = await baselineIndexes(history);
  const range = indexes.ranges.get(oneSeries ? seriesKey({ suite: '', metric: '', ...selection }) : selection.platform);
  if (!range) return new Map();
  const reader = await history.connection.runAndReadAll(
    `SELECT series_index, run_index, value, low, high, rolling, threshold
     FROM series_baselines WHERE series_index BETWEEN $first AND $last
     ORDER BY chart_index, time_rank`,
    range,
  );
  const bySeries = new Map<string, SeriesMeasurement[]>();
  // No rows gives no columns at all: a metric another platform measures and this one never did.
  if (reader.currentRowCount === 0) return bySeries;
  const [seriesIndexes, runIndexes, values, lows, highs, rollings, declared] = reader.getColumns() as [
    number[],
    number[],
    number[],
    Array<number | null>,
    Array<number | null>,
    Array<number | null>,
    Array<number | null>,
  ];
  // One verdict: where a measurement moved beyond the smallest threshold from its rolling baseline, the
  // chart marks what the run page and check say (significance included), from the same judge.
  const judgedOfPlatform = await judgedMoves(history, settings, selection.platform);
  const seriesOf = (row: number) => indexes.series[seriesIndexes[row] as number] as BaselineIndexes['series'][number];
  const thresholds = new Map<string, number>();
  let start = 0;
  while (start < seriesIndexes.length) {
    const { suite, metric } = seriesOf(start);
    let end = start + 1;
    // One chart per suite × metric, as the site lists them, even where its unit or direction changed.
    while (end < seriesIndexes.length && seriesOf(end).suite === suite && seriesOf(end).metric === metric) end++;
    const key = seriesKey({ platform: selection.platform, suite, metric });
    const pinned = pinnedValue(settings.pinned, selection.platform, suite, metric);
    const judged = pinned === undefined ? (judgedOfPlatform.get(key) ?? new Map<string, Status>()) : new Map<string, Status>();
    const thresholdOf = (value: number | null) => {
      const cacheKey = `${suite}\u0000${metric}\u0000${value}`;
      let threshold = thresholds.get(cacheKey);
      if (threshold === undefined) {
        threshold = resolveThreshold({ suite, metric, declared: value }, settings.config, settings.threshold).value;
        thresholds.set(cacheKey, threshold);
      }
      return threshold;
    };
    const points: SeriesMeasurement[] = [];
    for (let index = start; index < end; index++) {
      const run = indexes.runs[runIndexes[index] as number] as BaselineIndexes['runs'][number];
      const runId = run.run_id;
      const value = values[index] as number;
      const baseline = pinned ?? rollings[index] ?? null;
      points.push({
        runId,
        time: run.time,
        value,
        low: lows[index] ?? null,
        high: highs[index] ?? null,
        baseline,
        status:
          judged.get(runId) ??
          (baseline === null ? 'new' : classify(value, baseline, seriesOf(index).direction, thresholdOf(declared[index] ?? null)).status),
      });
    }
    bySeries.set(key, points);
    start = end;
  }
  return bySeries;
}

/** Per history and platform: the judged statuses of its measurements beyond the smallest threshold, by series and run. */
const judgedByHistory = new WeakMap<History, Map<string, Promise<Map<string, Map<string, Status>>>>>();

/**
 * The statuses of a platform's measurements that moved beyond the smallest threshold from their rolling
 * baseline, judged once for every chart of the platform: one query a platform, not two a chart (on
 * django's history the per-chart query was most of a chart's cost). Only statuses are kept, not samples.
 */
function judgedMoves(history: History, settings: AnalysisSettings, platform: string): Promise<Map<string, Map<string, Status>>> {
  return perPlatform(judgedByHistory, history, platform, async () => {
    const statuses = await materialisedStatuses(history, settings, {
      platform,
      // Judged by the test alone, any move can be a change: then every measurement goes to the judge.
      beyond: settings.config.significance === 'significance' ? -1 : await smallestOf(history, settings),
    });
    const bySeries = new Map<string, Map<string, Status>>();
    for (const status of statuses) {
      const key = seriesKey(status);
      const runs = bySeries.get(key) ?? new Map<string, Status>();
      bySeries.set(key, runs);
      runs.set(status.runId, status.status);
    }
    return bySeries;
  });
}

/** smallestThreshold over measurement_baselines, found once per history (every chart of a build asks). */
const smallestByHistory = new WeakMap<History, Promise<number>>();
function smallestOf(history: History, settings: AnalysisSettings): Promise<number> {
  let smallest = smallestByHistory.get(history);
  if (!smallest) {
    smallest = smallestThreshold(history, settings, 'measurement_baselines');
    smallestByHistory.set(history, smallest);
  }
  return smallest;
}

/** The names behind the indexes of the tables materialiseBaselines built. */
interface BaselineIndexes {
  series: Array<Pick<Row, 'platform' | 'suite' | 'metric' | 'unit' | 'direction'>>;
  runs: Array<Pick<Row, 'run_id' | 'timestamp'> & { time: number }>;
  runIndex: Map<string, number>;
  /**
   * The series indexes of each platform and of each platform × suite × metric, a contiguous range since
   * they are numbered in that order. Reads filter on it: DuckDB skips row groups by an integer's range,
   * while its string statistics keep 8 bytes, too few to tell `suite-00/metric-003` from `suite-00/metric-004`.
   */
  ranges: Map<string, { first: number; last: number }>;
}

const indexesByHistory = new WeakMap<History, Promise<BaselineIndexes>>();

function baselineIndexes(history: History): Promise<BaselineIndexes> {
  let indexes = indexesByHistory.get(history);
  if (!indexes) {
    indexes = Promise.all([
      queryRows<BaselineIndexes['series'][number]>(
        history.connection,
        'SELECT platform, suite, metric, unit, direction FROM baseline_series ORDER BY series_index',
      ),
      queryRows<BaselineIndexes['runs'][number]>(
        history.connection,
        'SELECT run_id, timestamp, time FROM baseline_runs ORDER BY run_index',
      ),
    ]).then(([series, runs]) => {
      const ranges = new Map<string, { first: number; last: number }>();
      series.forEach((one, index) => {
        for (const key of [one.platform, seriesKey(one)]) {
          const range = ranges.get(key);
          if (range) range.last = index;
          else ranges.set(key, { first: index, last: index });
        }
      });
      return { series, runs, runIndex: new Map(runs.map((run, index) => [run.run_id, index])), ranges };
    });
    indexesByHistory.set(history, indexes);
  }
  return indexes;
}

function runOf(indexes: BaselineIndexes, runIndex: number): Pick<Row, 'run_id' | 'timestamp'> {
  const { run_id, timestamp } = indexes.runs[runIndex] as BaselineIndexes['runs'][number];
  return { run_id, timestamp };
}

/** Which measurements materialisedStatuses reads. */
export type StatusSelection =
  | { every: true }
  | { runIds: readonly string[] }
  /** Every run whose id sorts from `first` to `last`. */
  | { first: string; last: string }
  | { series: Pick<SeriesIdentity, 'platform' | 'suite' | 'metric'> }
  /** A platform's measurements that moved more than `beyond` (a fraction) from their rolling baseline. */
  | { platform: string; beyond: number };

const NOTHING = 'false';

function selectionSql(selection: StatusSelection, indexes: BaselineIndexes): { where: string; params: Record<string, DuckDBValue> } {
  if ('every' in selection) return { where: 'true', params: {} };
  if ('runIds' in selection) {
    const wanted = selection.runIds.map((id) => indexes.runIndex.get(id)).filter((index) => index !== undefined);
    return { where: wanted.length === 0 ? NOTHING : 'run_index IN (SELECT unnest($wanted))', params: { wanted: listValue(wanted) } };
  }
  if ('first' in selection) {
    const first = indexes.runIndex.get(selection.first);
    const last = indexes.runIndex.get(selection.last);
    if (first === undefined || last === undefined) return { where: NOTHING, params: {} };
    return { where: 'run_index BETWEEN $first AND $last', params: { first, last } };
  }
  const range = indexes.ranges.get('series' in selection ? seriesKey(selection.series) : selection.platform);
  if (!range) return { where: NOTHING, params: {} };
  const inRange = 'series_index BETWEEN $firstSeries AND $lastSeries';
  const params = { firstSeries: range.first, lastSeries: range.last };
  if ('series' in selection) return { where: inRange, params };
  return {
    where: `${inRange} AND ok AND rolling IS NOT NULL AND abs(value - rolling) > $beyond * abs(rolling)`,
    params: { ...params, beyond: selection.beyond },
  };
}

/** Every platform × suite × metric with a successful measurement, in name order: each has a chart. */
export async function chartedSeries(history: History): Promise<Array<Pick<SeriesIdentity, 'platform' | 'suite' | 'metric'>>> {
  return queryRows(
    history.connection,
    `SELECT DISTINCT platform, suite, metric FROM baseline_series
     WHERE series_index IN (SELECT DISTINCT series_index FROM series_baselines) ORDER BY ALL`,
  );
}

/**
 * The newest runs (at most `cap`) with a measurement beyond the smallest threshold from its baseline (a
 * pinned value where there is one): the candidates for the site's list of recent changes.
 */
export async function recentlyMovedRuns(history: History, settings: AnalysisSettings, cap: number): Promise<string[]> {
  const { connection } = history;
  const pinned = [...settings.pinned.values].flatMap(([platform, values]) => [...values].map(([key, value]) => ({ platform, key, value })));
  await connection.run('CREATE OR REPLACE TEMP TABLE pinned_values (platform VARCHAR, key VARCHAR, value DOUBLE)');
  for (const entry of pinned) await connection.run('INSERT INTO pinned_values VALUES ($platform, $key, $value)', entry);
  const rows = await queryRows<{ run_id: string }>(
    connection,
    `WITH judged AS (
       SELECT m.run_index, m.time_rank, m.value, coalesce(p1.value, p2.value, m.rolling) AS baseline
       FROM measurement_baselines AS m
       JOIN baseline_series AS s USING (series_index)
       LEFT JOIN pinned_values AS p1 ON p1.platform = s.platform AND p1.key = s.suite || '/' || s.metric
       LEFT JOIN pinned_values AS p2 ON p2.platform = s.platform AND p2.key = s.metric
       WHERE m.ok),
     newest AS (
       SELECT DISTINCT run_index, time_rank FROM (
         SELECT run_index, time_rank FROM judged
         WHERE baseline IS NOT NULL AND abs(value - baseline) > $smallest * abs(baseline)
         ORDER BY time_rank DESC LIMIT $cap))
     SELECT r.run_id FROM newest JOIN baseline_runs AS r USING (run_index) ORDER BY newest.time_rank DESC`,
    { smallest: await smallestThreshold(history, settings, 'measurement_baselines'), cap },
  );
  return rows.map((row) => row.run_id);
}

/** Statuses read from the tables materialiseBaselines built, for the measurements selected, in time order. */
export async function materialisedStatuses(
  history: History,
  settings: AnalysisSettings,
  selection: StatusSelection,
): Promise<MetricStatus[]> {
  const indexes = await baselineIndexes(history);
  const { where, params } = selectionSql(selection, indexes);
  const reader = await history.connection.runAndReadAll(
    `SELECT series_index, run_index, ok, value, threshold, rolling, rolling_runs, samples, baseline_samples
     FROM measurement_baselines WHERE ${where} ORDER BY time_rank, series_index`,
    params,
    'wanted' in params ? { wanted: LIST(INTEGER) } : undefined,
  );
  if (reader.currentRowCount === 0) return [];
  const [seriesIndexes, runIndexes, oks, values, thresholds, rollings, rollingRuns, samples, baselineSamples] = reader.getColumnsJson() as [
    number[],
    number[],
    boolean[],
    Array<number | null>,
    Array<number | null>,
    Array<number | null>,
    Array<number | null>,
    Array<number[] | null>,
    Array<number[] | null>,
  ];
  const rows = seriesIndexes.map(
    (seriesIndex, at): Row => ({
      ...(indexes.series[seriesIndex] as BaselineIndexes['series'][number]),
      ...runOf(indexes, runIndexes[at] as number),
      status: oks[at] ? 'ok' : 'failed',
      value: values[at] ?? null,
      samples: samples[at] ?? null,
      threshold: thresholds[at] ?? null,
      rolling: rollings[at] ?? null,
      rolling_runs: rollingRuns[at] ?? null,
      baseline_samples: baselineSamples[at] ?? null,
    }),
  );
  return judge(rows, settings, (status) => status.runId);
}
