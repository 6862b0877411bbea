/**
 * The SQL the explorer is opened with: its examples, and the prepared queries other pages link to.
 * Names come from strangers' benchmarks, so every one is an SQL literal here, and the whole query travels
 * URL-encoded (links.explore); the explorer shows results as text, never as markup.
 */
import { sqlString } from '../store/duckdb.ts';

export interface SeriesName {
  platform: string;
  suite: string;
  metric: string;
}

const ofMetric = (suite: string, metric: string) => `suite = ${sqlString(suite)} AND metric = ${sqlString(metric)}`;

export function trendQuery(series: SeriesName): string {
  return `SELECT timestamp, value, unit, git_commit
FROM metrics
WHERE platform = ${sqlString(series.platform)} AND ${ofMetric(series.suite, series.metric)} AND status = 'ok'
ORDER BY timestamp`;
}

/** Every measurement of one platform: the platform page's one link to the explorer (a link a metric would weigh on a page of hundreds). */
export function platformQuery(platform: string): string {
  return `SELECT timestamp, suite, metric, value, unit, git_commit
FROM metrics
WHERE platform = ${sqlString(platform)} AND status = 'ok'
ORDER BY suite, metric, timestamp`;
}

export function metricAcrossPlatformsQuery(suite: string, metric: string): string {
  return `SELECT timestamp, platform, value
FROM metrics
WHERE ${ofMetric(suite, metric)} AND status = 'ok'
ORDER BY timestamp`;
}

export function platformsSideBySideQuery(suite: string, metric: string): string {
  return `SELECT platform, median(value) AS median, quantile_cont(value, 0.9) AS p90, count(*) AS runs, any_value(unit) AS unit
FROM metrics
WHERE ${ofMetric(suite, metric)} AND status = 'ok'
GROUP BY platform
ORDER BY platform`;
}

/** The slowest runs are the worst ones: the highest values of a lower-is-better metric, the lowest of a higher-is-better one. */
export function slowestRunsQuery(suite: string, metric: string, direction: string): string {
  return `SELECT run_id, timestamp, platform, value, unit, git_commit, git_branch
FROM metrics
WHERE ${ofMetric(suite, metric)} AND status = 'ok'
ORDER BY value ${direction === 'higher' ? 'ASC' : 'DESC'}
LIMIT 20`;
}

export function runQuery(runId: string): string {
  return `SELECT suite, metric, value, unit, status
FROM metrics
WHERE run_id = ${sqlString(runId)}
ORDER BY suite, metric`;
}

export const RUNS_PER_MONTH_QUERY = `SELECT date_trunc('month', timestamp) AS month, platform, count(DISTINCT run_id) AS runs
FROM metrics
GROUP BY ALL
ORDER BY month, platform`;

export interface ExampleQuery {
  title: string;
  sql: string;
}

/** The explorer's examples, on the history's own first metric (the most measured one) so that each returns rows. */
export function exampleQueries(first: (SeriesName & { direction: string }) | undefined): ExampleQuery[] {
  if (!first) return [{ title: 'Runs per month', sql: RUNS_PER_MONTH_QUERY }];
  const name = `${first.suite} / ${first.metric}`;
  return [
    { title: `Trend of ${name} on ${first.platform}`, sql: trendQuery(first) },
    { title: `${name}, platforms side by side`, sql: platformsSideBySideQuery(first.suite, first.metric) },
    { title: `Slowest runs of ${name}`, sql: slowestRunsQuery(first.suite, first.metric, first.direction) },
    { title: 'Runs per month', sql: RUNS_PER_MONTH_QUERY },
  ];
}
