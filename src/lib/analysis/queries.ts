/** Questions asked of the history (parameterised SQL only): stats, runs, trends, what exists. */
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { Direction } from '../store/record.ts';

const ISO = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

export interface HistoryStats {
  totalRuns: number;
  platforms: number;
  metrics: number;
  firstRun: string | null;
  lastRun: string | null;
  runsPerPlatform: Array<{ platform: string; runs: number; firstRun: string; lastRun: string }>;
}

export async function historyStats(history: History): Promise<HistoryStats> {
  const [totals] = await queryRows<{ runs: number; platforms: number; first_run: string | null; last_run: string | null }>(
    history.connection,
    `SELECT count(*)::INTEGER AS runs, count(DISTINCT platform)::INTEGER AS platforms,
            strftime(min(timestamp), ${ISO}) AS first_run, strftime(max(timestamp), ${ISO}) AS last_run FROM runs`,
  );
  const [metricCount] = await queryRows<{ metrics: number }>(
    history.connection,
    'SELECT count(*)::INTEGER AS metrics FROM (SELECT DISTINCT suite, metric FROM metrics)',
  );
  const perPlatform = await queryRows<{ platform: string; runs: number; first_run: string; last_run: string }>(
    history.connection,
    `SELECT platform, count(*)::INTEGER AS runs, strftime(min(timestamp), ${ISO}) AS first_run, strftime(max(timestamp), ${ISO}) AS last_run
     FROM runs GROUP BY platform ORDER BY platform`,
  );
  return {
    totalRuns: totals?.runs ?? 0,
    platforms: totals?.platforms ?? 0,
    metrics: metricCount?.metrics ?? 0,
    firstRun: totals?.first_run ?? null,
    lastRun: totals?.last_run ?? null,
    runsPerPlatform: perPlatform.map((row) => ({ platform: row.platform, runs: row.runs, firstRun: row.first_run, lastRun: row.last_run })),
  };
}

export interface RunInfo {
  runId: string;
  timestamp: string;
  platform: string;
  gitCommit: string | null;
  gitBranch: string | null;
  gitDirty: boolean | null;
  gitMessage: string | null;
  runType: string;
  mode: string;
  synthetic: boolean;
  metricCount: number;
}

export const RUN_COLUMNS = `run_id, strftime(timestamp, ${ISO}) AS timestamp, platform, git_commit, git_branch, git_dirty, git_message, run_type, mode, synthetic, metric_count`;

export function toRunInfo(row: Record<string, unknown>): RunInfo {
  return {
    runId: row.run_id as string,
    timestamp: row.timestamp as string,
    platform: row.platform as string,
    gitCommit: row.git_commit as string | null,
    gitBranch: row.git_branch as string | null,
    gitDirty: row.git_dirty as boolean | null,
    gitMessage: row.git_message as string | null,
    runType: row.run_type as string,
    mode: row.mode as string,
    synthetic: row.synthetic as boolean,
    metricCount: row.metric_count as number,
  };
}

export async function recentRuns(history: History, options: { limit?: number; platform?: string | undefined } = {}): Promise<RunInfo[]> {
  const rows = await queryRows(
    history.connection,
    `SELECT ${RUN_COLUMNS} FROM runs WHERE $platform IS NULL OR platform = $platform ORDER BY runs.timestamp DESC, run_id DESC LIMIT $limit`,
    { platform: options.platform ?? null, limit: options.limit ?? 20 },
  );
  return rows.map(toRunInfo);
}

export async function findRun(history: History, runId: string): Promise<RunInfo | undefined> {
  const [row] = await queryRows(history.connection, `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $id`, { id: runId });
  return row ? toRunInfo(row) : undefined;
}

/** Runs of one commit (a full hash or a prefix of at least 7 characters), newest first. */
export async function runsOfCommit(history: History, commit: string): Promise<RunInfo[]> {
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) return [];
  const rows = await queryRows(
    history.connection,
    `SELECT ${RUN_COLUMNS} FROM runs WHERE starts_with(git_commit, lower($commit)) ORDER BY runs.timestamp DESC, run_id DESC`,
    { commit },
  );
  return rows.map(toRunInfo);
}

export interface MetricInfo {
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  platforms: number;
  runs: number;
  description: string | null;
  /** For one combination of a parameterised benchmark: the benchmark, and this combination's parameters in order. */
  benchmark: string | null;
  params: Array<{ name: string; value: string }> | null;
}

export async function availableMetrics(history: History): Promise<MetricInfo[]> {
  const rows = await queryRows<Omit<MetricInfo, 'params'> & { params: string | null } & Record<string, unknown>>(
    history.connection,
    `SELECT suite, metric, arg_max(unit, timestamp) AS unit, arg_max(direction, timestamp) AS direction,
            count(DISTINCT platform)::INTEGER AS platforms, count(*)::INTEGER AS runs,
            arg_max(description, timestamp) AS description,
            arg_max(benchmark, timestamp) AS benchmark, arg_max(params, timestamp) AS params
     FROM metrics GROUP BY suite, metric ORDER BY suite, metric`,
  );
  return rows.map((row) => ({ ...row, params: row.params ? (JSON.parse(row.params) as MetricInfo['params']) : null }));
}

export async function availablePlatforms(history: History): Promise<string[]> {
  return (await queryRows<{ platform: string }>(history.connection, 'SELECT DISTINCT platform FROM runs ORDER BY platform')).map(
    (row) => row.platform,
  );
}

export interface TrendDay {
  day: string;
  runs: number;
  median: number;
  p10: number;
  p90: number;
}

export interface TrendPoint {
  runId: string;
  timestamp: string;
  value: number;
  gitCommit: string | null;
  gitBranch: string | null;
}

export interface Trend {
  days: TrendDay[];
  points: TrendPoint[];
}

/** One metric on one platform over the `days` days up to `until` (default: now): per-day median, p10, p90 and the raw points. */
export async function metricTrend(
  history: History,
  query: { platform: string; suite: string; metric: string; days: number; until?: Date },
): Promise<Trend> {
  const params = {
    platform: query.platform,
    suite: query.suite,
    metric: query.metric,
    until: (query.until ?? new Date()).toISOString(),
    days: query.days,
  };
  const where = `platform = $platform AND suite = $suite AND metric = $metric AND status = 'ok'
    AND timestamp <= $until::TIMESTAMPTZ AND timestamp > $until::TIMESTAMPTZ - to_days($days::INTEGER)`;
  const days = await queryRows<{ day: string; runs: number; median: number; p10: number; p90: number }>(
    history.connection,
    `SELECT strftime(date_trunc('day', timestamp), '%Y-%m-%d') AS day, count(*)::INTEGER AS runs, median(value) AS median,
            quantile_cont(value, 0.1) AS p10, quantile_cont(value, 0.9) AS p90
     FROM metrics WHERE ${where} GROUP BY ALL ORDER BY day`,
    params,
  );
  const points = await queryRows<{
    run_id: string;
    timestamp: string;
    value: number;
    git_commit: string | null;
    git_branch: string | null;
  }>(
    history.connection,
    `SELECT run_id, strftime(timestamp, ${ISO}) AS timestamp, value, git_commit, git_branch FROM metrics WHERE ${where} ORDER BY metrics.timestamp, run_id`,
    params,
  );
  return {
    days,
    points: points.map((row) => ({
      runId: row.run_id,
      timestamp: row.timestamp,
      value: row.value,
      gitCommit: row.git_commit,
      gitBranch: row.git_branch,
    })),
  };
}
