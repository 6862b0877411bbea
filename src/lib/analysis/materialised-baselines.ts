/**
 * The site's build-time tables: the baseline of every measurement of the history, computed once, and the
 * reads every page makes of them (statuses of a run, a platform's series, the runs that moved). Only this
 * module names these tables.
 */

import { DOUBLE, type DuckDBValue, INTEGER, LIST, listValue } from '@duckdb/node-api';
import { seriesKey } from '../shared/keys.ts';
import { classify, type Status } from '../shared/regression-rule.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import { ensureLevelBreaks, seriesHashesAreDistinct, smallestThreshold, windowedSql } from './baseline-plans.ts';
import { pinnedValue } from './baselines-file.ts';
import { type AnalysisSettings, judge, type MetricStatus, type Row, type SeriesIdentity } from './status.ts';
import { resolveThreshold } from './thresholds.ts';

/** The history's memo keys of what is read from the site's tables: forgotten when they are built again. */
const SITE_TABLES = 'site-tables:';

/**
 * For a site build: the baseline of every measurement of the history, computed once (windowed plan)
 * into two tables: `measurement_baselines` by run (run pages) and `series_baselines`, the successful
 * measurements by platform × metric × time (charts). Each page then reads its statuses by key,
 * touching few row groups, instead of re-running the analysis.
 */
export async function materialiseBaselines(history: History, settings: AnalysisSettings): Promise<void> {
  const { connection } = history;
  await ensureLevelBreaks(history, settings.config.defaultBranch);
  history.forget(SITE_TABLES);
  await connection.run(
    'DROP TABLE IF EXISTS measurement_baselines; DROP TABLE IF EXISTS series_baselines; DROP TABLE IF EXISTS baseline_series; DROP TABLE IF EXISTS baseline_runs',
  );
  await connection.run(
    `CREATE TEMP TABLE all_judged AS SELECT * FROM (${windowedSql(settings.config.baselineWindow, 'whole history', (await seriesHashesAreDistinct(history)) ? 'by hash' : 'by name')})`,
    { branch: settings.config.defaultBranch },
  );
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
            j.value, j.threshold, j.rolling, j.rolling_runs, j.spread_runs, j.log_sd, j.value_sd, j.own_log_se, j.own_se,
            j.samples, j.spread_low, j.spread_high, j.run_id, j.platform, j.suite, j.metric
     FROM all_judged AS j
     JOIN baseline_series AS s ON j.platform = s.platform AND j.suite = s.suite AND j.metric = s.metric
       AND j.unit IS NOT DISTINCT FROM s.unit AND j.direction IS NOT DISTINCT FROM s.direction
     JOIN baseline_runs AS r ON j.run_id = r.run_id AND j.timestamp = r.timestamp`,
  );
  // A run's family of tests (judge's Benjamini–Hochberg): its measurements with a spread to test against (hasSpread).
  await connection.run(
    `CREATE TABLE measurement_baselines AS
     SELECT run_index, time_rank, series_index, ok, value, threshold, rolling, rolling_runs, spread_runs, log_sd, value_sd, own_log_se, own_se,
            (count(*) FILTER (WHERE ok AND value IS NOT NULL AND spread_runs >= 3) OVER (PARTITION BY run_index))::INTEGER AS family,
            NULL::DOUBLE AS adjusted_p
     FROM indexed_judged ORDER BY run_index`,
  );
  // Charts draw the spread of the samples, never the samples: keeping two numbers instead of the list
  // keeps this copy small.
  await connection.run(
    `CREATE TABLE series_baselines AS
     SELECT series_index, chart_index, run_index, time_rank, value, rolling, threshold,
            coalesce(list_min(samples), spread_low) AS low, coalesce(list_max(samples), spread_high) AS high
     FROM indexed_judged WHERE ok ORDER BY chart_index, time_rank`,
  );
  await connection.run('DROP TABLE indexed_judged; DROP TABLE all_judged');
  await storeAdjustedPValues(history, settings);
}

/**
 * The adjusted p-values of every run's candidates, judged once with all of the run's candidates together, so
 * that a page reading one series or a few runs gets the verdict the whole run got. Candidates move beyond their
 * threshold (or, judged by the test alone, any tested move), so only rows beyond the smallest threshold are read.
 */
async function storeAdjustedPValues(history: History, settings: AnalysisSettings): Promise<void> {
  if (settings.config.significance === 'threshold') return;
  const beyond = await smallestOf(history, settings);
  const statuses = await readStatuses(history, settings, `ok AND rolling IS NOT NULL AND abs(value - rolling) > $beyond * abs(rolling)`, {
    beyond,
  });
  const indexes = await baselineIndexes(history);
  const adjusted = statuses.filter((status) => status.significance?.adjustedPValue != null);
  if (adjusted.length === 0) return;
  const seriesIndex = new Map(indexes.series.map((series, index) => [seriesKey(series), index]));
  await history.connection.run(
    `UPDATE measurement_baselines AS m SET adjusted_p = a.adjusted_p
     FROM (SELECT unnest($runs) AS run_index, unnest($series) AS series_index, unnest($adjusted) AS adjusted_p) AS a
     WHERE m.run_index = a.run_index AND m.series_index = a.series_index`,
    {
      runs: listValue(adjusted.map((status) => indexes.runIndex.get(status.runId) as number)),
      series: listValue(adjusted.map((status) => seriesIndex.get(seriesKey(status)) as number)),
      adjusted: listValue(adjusted.map((status) => status.significance?.adjustedPValue as number)),
    },
    { runs: LIST(INTEGER), series: LIST(INTEGER), adjusted: LIST(DOUBLE) },
  );
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
function platformSeries(history: History, settings: AnalysisSettings, platform: string): Promise<Map<string, SeriesMeasurement[]> | null> {
  return history.memo(`${SITE_TABLES}series:${platform}`, async () => {
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
  let start = 0;
  while (start < seriesIndexes.length) {
    const { suite, metric } = seriesOf(start);
    let end = start + 1;
    // One chart per suite × metric, as the site lists them, even where its unit or direction changed.
    while (end < seriesIndexes.length && seriesOf(end).suite === suite && seriesOf(end).metric === metric) end++;
    const key = seriesKey({ platform: selection.platform, suite, metric });
    const pinned = pinnedValue(settings.pinned, selection.platform, suite, metric);
    const judged = pinned === undefined ? (judgedOfPlatform.get(key) ?? new Map<string, Status>()) : new Map<string, Status>();
    // A series declares the same threshold run after run, if any: resolved again only when it changes.
    let lastDeclared: number | null | undefined;
    let lastThreshold = 0;
    const thresholdOf = (value: number | null) => {
      if (value !== lastDeclared) {
        lastDeclared = value;
        lastThreshold = resolveThreshold({ suite, metric, declared: value }, settings.config, settings.threshold).value;
      }
      return lastThreshold;
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

/**
 * The statuses of a platform's measurements that moved beyond the smallest threshold from their rolling
 * baseline, judged once for every chart of the platform: one query a platform, not two a chart (on
 * django's history the per-chart query was most of a chart's cost). Only statuses are kept, not samples.
 */
function judgedMoves(history: History, settings: AnalysisSettings, platform: string): Promise<Map<string, Map<string, Status>>> {
  return history.memo(`${SITE_TABLES}judged:${platform}`, async () => {
    const statuses = await materialisedStatuses(history, settings, {
      platform,
      beyond: await smallestOf(history, settings),
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
function smallestOf(history: History, settings: AnalysisSettings): Promise<number> {
  return history.memo(`${SITE_TABLES}smallest`, () => smallestThreshold(history, settings, 'measurement_baselines'));
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

function baselineIndexes(history: History): Promise<BaselineIndexes> {
  return history.memo(`${SITE_TABLES}indexes`, () =>
    Promise.all([
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
    }),
  );
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
    { smallest: await smallestOf(history, settings), cap },
  );
  return rows.map((row) => row.run_id);
}

/** Statuses read from the tables materialiseBaselines built, for the measurements selected, in time order. */
export async function materialisedStatuses(
  history: History,
  settings: AnalysisSettings,
  selection: StatusSelection,
): Promise<MetricStatus[]> {
  const { where, params } = selectionSql(selection, await baselineIndexes(history));
  return readStatuses(history, settings, where, params);
}

async function readStatuses(
  history: History,
  settings: AnalysisSettings,
  where: string,
  params: Record<string, DuckDBValue>,
): Promise<MetricStatus[]> {
  const indexes = await baselineIndexes(history);
  const reader = await history.connection.runAndReadAll(
    `SELECT series_index, run_index, ok, value, threshold, rolling, rolling_runs, spread_runs, log_sd, value_sd, own_log_se, own_se, family, adjusted_p
     FROM measurement_baselines WHERE ${where} ORDER BY time_rank, series_index`,
    params,
    'wanted' in params ? { wanted: LIST(INTEGER) } : undefined,
  );
  if (reader.currentRowCount === 0) return [];
  // The values as DuckDB gives them, not converted to JSON first: 5,000,000 rows at 100,000 runs.
  const columns = reader.getColumns();
  const [seriesIndexes, runIndexes, oks] = columns as [number[], number[], boolean[]];
  const numbers = columns.slice(3) as Array<Array<number | null>>;
  const at = (column: number, row: number) => (numbers[column] as Array<number | null>)[row] ?? null;
  const rows = seriesIndexes.map(
    (seriesIndex, row): Row => ({
      ...(indexes.series[seriesIndex] as BaselineIndexes['series'][number]),
      ...runOf(indexes, runIndexes[row] as number),
      status: oks[row] ? 'ok' : 'failed',
      value: at(0, row),
      samples: null,
      threshold: at(1, row),
      rolling: at(2, row),
      rolling_runs: at(3, row),
      spread_runs: at(4, row),
      log_sd: at(5, row),
      value_sd: at(6, row),
      own_log_se: at(7, row),
      own_se: at(8, row),
      family: at(9, row),
      adjusted_p: at(10, row),
    }),
  );
  return judge(rows, settings, (status) => status.runId);
}
