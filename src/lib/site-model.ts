/**
 * The view models of the site. The history is opened and analysed once per build (every page reads
 * from the same in-memory tables); in `astro dev` it is re-read on each request, so a reload after
 * `npm run bench` shows the new run.
 */
import { createHash } from 'node:crypto';
import type { SeriesPoint } from './charts.ts';
import { queryRows } from './duckdb.ts';
import { type History, openHistory } from './history.ts';
import { resolveDataDir } from './paths.ts';
import {
  availableMetrics,
  availablePlatforms,
  findRun,
  type HistoryStats,
  historyStats,
  type MetricInfo,
  type RunInfo,
} from './queries.ts';
import type { Problem } from './record.ts';
import { loadSettings } from './report-target.ts';
import { type AnalysisSettings, latestStatuses, type MetricStatus, materialiseBaselines, materialisedStatuses } from './status.ts';

export interface SiteModel {
  history: History;
  settings: AnalysisSettings;
  stats: HistoryStats;
  platforms: string[];
  metrics: MetricInfo[];
  /** The state now: the latest default-branch measurement of every platform × metric. */
  latest: MetricStatus[];
  problems: Problem[];
}

let building: Promise<SiteModel> | undefined;

async function load(): Promise<SiteModel> {
  const dataDir = resolveDataDir();
  const settings = await loadSettings(dataDir);
  const history = await openHistory(dataDir);
  await materialiseBaselines(history, settings);
  return {
    history,
    settings,
    stats: await historyStats(history),
    platforms: await availablePlatforms(history),
    metrics: await availableMetrics(history),
    latest: await latestStatuses(history, settings),
    problems: history.problems,
  };
}

export function loadSiteModel(): Promise<SiteModel> {
  if (import.meta.env?.DEV) return load();
  building ??= load();
  return building;
}

/** A URL-safe, stable, collision-free page name for a metric whose name may hold any text. */
export function metricSlug(suite: string, metric: string): string {
  const readable = `${suite}-${metric}`
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(`${suite}\u0000${metric}`).digest('hex').slice(0, 8);
  return `${readable || 'metric'}-${hash}`;
}

/** Every measurement of one metric on one platform, oldest first, with its baseline and status. */
export async function metricSeries(model: SiteModel, platform: string, suite: string, metric: string): Promise<SeriesPoint[]> {
  const rows = await queryRows<{
    run_id: string;
    timestamp: string;
    value: number;
    low: number | null;
    high: number | null;
    rolling: number | null;
  }>(
    model.history.connection,
    `SELECT run_id, timestamp, value, list_min(samples) AS low, list_max(samples) AS high, rolling
     FROM measurement_baselines WHERE platform = $platform AND suite = $suite AND metric = $metric AND status = 'ok'
     ORDER BY timestamp, run_id`,
    { platform, suite, metric },
  );
  const statuses = await materialisedStatuses(
    model.history,
    model.settings,
    'platform = $platform AND suite = $suite AND metric = $metric',
    { platform, suite, metric },
  );
  const byRun = new Map(statuses.map((status) => [status.runId, status]));
  return rows.map((row) => {
    const status = byRun.get(row.run_id);
    return {
      runId: row.run_id,
      date: new Date(row.timestamp),
      value: row.value,
      low: row.low,
      high: row.high,
      baseline: status?.baseline ?? row.rolling,
      regression: status?.status === 'regression',
    };
  });
}

export interface RunPage {
  run: RunInfo;
  statuses: MetricStatus[];
  /** The latest earlier run of the same platform on the parent commit, when the history has one. */
  parentRunId: string | null;
}

export async function runPage(model: SiteModel, runId: string): Promise<RunPage | undefined> {
  const run = await findRun(model.history, runId);
  if (!run) return undefined;
  const statuses = (await materialisedStatuses(model.history, model.settings, 'run_id = $id', { id: runId })).sort(
    (a, b) => a.suite.localeCompare(b.suite) || a.metric.localeCompare(b.metric),
  );
  const [previous] = await queryRows<{ run_id: string }>(
    model.history.connection,
    `SELECT run_id FROM runs WHERE platform = $platform AND timestamp < $timestamp::TIMESTAMP AND git_commit IS DISTINCT FROM $commit
     ORDER BY timestamp DESC, run_id DESC LIMIT 1`,
    { platform: run.platform, timestamp: run.timestamp.replace('T', ' ').replace('Z', ''), commit: run.gitCommit },
  );
  return { run, statuses, parentRunId: previous?.run_id ?? null };
}

export async function allRunIds(model: SiteModel): Promise<string[]> {
  return (await queryRows<{ run_id: string }>(model.history.connection, 'SELECT run_id FROM runs ORDER BY run_id')).map(
    (row) => row.run_id,
  );
}

/** Regressions and improvements across platforms, newest first. */
export async function changes(model: SiteModel, limit = 200): Promise<MetricStatus[]> {
  return (await materialisedStatuses(model.history, model.settings, "status = 'ok' AND rolling IS NOT NULL"))
    .filter((status) => status.status === 'regression' || status.status === 'improvement')
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.runId.localeCompare(b.runId))
    .slice(0, limit);
}

export interface GridRow {
  suite: string;
  metric: string;
  slug: string;
  unit: string;
  direction: string;
  cells: Array<MetricStatus | null>;
}

/** The overview grid: suites → metrics (rows) × platforms (columns), each cell the latest status. */
export function overviewGrid(model: SiteModel): Array<{ suite: string; rows: GridRow[] }> {
  const cell = new Map(model.latest.map((status) => [`${status.platform}\u0000${status.suite}\u0000${status.metric}`, status]));
  const suites = new Map<string, GridRow[]>();
  for (const info of model.metrics) {
    const rows = suites.get(info.suite) ?? [];
    rows.push({
      suite: info.suite,
      metric: info.metric,
      slug: metricSlug(info.suite, info.metric),
      unit: info.unit,
      direction: info.direction,
      cells: model.platforms.map((platform) => cell.get(`${platform}\u0000${info.suite}\u0000${info.metric}`) ?? null),
    });
    suites.set(info.suite, rows);
  }
  return [...suites].map(([suite, rows]) => ({ suite, rows }));
}
