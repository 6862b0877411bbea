/**
 * The analysed history every page is rendered from: opened and analysed once per build (every page reads
 * the same in-memory tables); in `astro dev` re-read when the history changes, so a reload after
 * `npm run bench` shows the new run. What pages ask of it lives beside it: the run index (run-index.ts),
 * the run pages' model (run-page-model.ts), series and their charts (series-views.ts), the overview's
 * tables (overview-view.ts).
 */
import { type BenchmarkGroup, benchmarkGroups } from '../analysis/benchmark-groups.ts';
import { loadCulprits } from '../analysis/culprits-file.ts';
import { materialiseBaselines } from '../analysis/materialised-baselines.ts';
import { availableMetrics, availablePlatforms, type HistoryStats, historyStats, type MetricInfo } from '../analysis/queries.ts';
import {
  historyEvents,
  type OpenRegressionLevels,
  type Outlier,
  onOpenRegressions,
  openRegressionLevels,
  type RegressionEvent,
} from '../analysis/regression-events.ts';
import { historyChanges, type SeriesChange } from '../analysis/series-changes.ts';
import { type AnalysisSettings, latestStatuses, type MetricStatus } from '../analysis/status.ts';
import { loadTriage } from '../analysis/triage-file.ts';
import { loadSettings } from '../reports/report-target.ts';
import { compareSeries, naturalCompare } from '../shared/natural-order.ts';
import { type History, openHistory } from '../store/history.ts';
import { resolveDataDir } from '../store/paths.ts';
import type { Problem } from '../store/record.ts';

export interface SiteModel {
  history: History;
  settings: AnalysisSettings;
  stats: HistoryStats;
  platforms: string[];
  metrics: MetricInfo[];
  /** Parameterised benchmarks: metrics that are combinations of one benchmark, grouped. */
  benchmarks: BenchmarkGroup[];
  /** The state now: the latest default-branch measurement of every platform × metric. */
  latest: MetricStatus[];
  /** Where each series' level moved, oldest first. */
  changePoints: SeriesChange[];
  /** Those changes grouped by commit range: open regressions first, worst first, then newest first. */
  events: RegressionEvent[];
  /** Runs that left their series' level and came straight back. */
  outliers: Outlier[];
  problems: Problem[];
}

/**
 * `astro dev` reloads this module as perfsite's code changes: its model is kept on globalThis, and a
 * model outlives no history change (reloadOnNewRuns in astro.config.mjs counts them).
 */
const shared = globalThis as typeof globalThis & {
  perfsiteDevModel?: { loadedAt: number; version: number; model: Promise<SiteModel> };
  /** Counted up by astro.config.mjs whenever `astro dev` sees the history change. */
  perfsiteHistoryVersion?: number;
};

/** A build analyses its history once, for every page it renders. */
let buildModel: Promise<SiteModel> | undefined;

/** In `astro dev` a page and its components share one fresh model; an older one is closed once no page can still be using it. */
const DEV_REUSE_MS = 2_000;
const DEV_CLOSE_AFTER_MS = 60_000;

async function load(): Promise<SiteModel> {
  const dataDir = resolveDataDir();
  const settings = await loadSettings(dataDir);
  const history = await openHistory(dataDir, { checkIndexedRecords: true });
  await materialiseBaselines(history, settings);
  // Each run's neighbours for comparison: the run before it on its platform, and the latest run on its
  // platform of its parent commit (what a pull request's change is best measured against).
  await history.connection.run(
    `CREATE TABLE run_info AS
     WITH parent_runs AS (
       SELECT child.run_id, max_by(parent.run_id, (parent.timestamp, parent.run_id)) AS parent_run_id
       FROM (SELECT run_id, platform, unnest(git_parents) AS parent_commit FROM runs) AS child
       JOIN runs AS parent ON parent.platform = child.platform AND parent.git_commit = child.parent_commit
       GROUP BY child.run_id
     )
     SELECT runs.*, lag(runs.run_id) OVER (PARTITION BY platform ORDER BY timestamp, runs.run_id) AS previous_run_id, parent_run_id
     FROM runs LEFT JOIN parent_runs USING (run_id) ORDER BY run_id`,
  );
  const changePoints = await historyChanges(history, settings.config.defaultBranch);
  const metrics = (await availableMetrics(history)).sort(compareSeries);
  const model = {
    history,
    settings,
    stats: await historyStats(history),
    platforms: (await availablePlatforms(history)).sort(naturalCompare),
    metrics,
    benchmarks: benchmarkGroups(metrics),
    latest: [] as MetricStatus[],
    changePoints,
    ...(await historyEvents(history, changePoints, settings, await loadTriage(dataDir), await loadCulprits(dataDir))),
    problems: history.problems,
  };
  model.latest = onOpenRegressions((await latestStatuses(history, settings)).sort(compareSeries), openLevels(model));
  await history.doneAnalysing();
  return model;
}

/** The open regressions' new levels, found once per model: every run page asks. */
export function openLevels(model: SiteModel): OpenRegressionLevels {
  return model.history.memo('site:open-levels', () => openRegressionLevels(model.events));
}

export function loadSiteModel(): Promise<SiteModel> {
  if (import.meta.env?.DEV) {
    const current = shared.perfsiteDevModel;
    const version = shared.perfsiteHistoryVersion ?? 0;
    if (current && current.version === version && Date.now() - current.loadedAt < DEV_REUSE_MS) return current.model;
    const fresh = { loadedAt: Date.now(), version, model: load() };
    shared.perfsiteDevModel = fresh;
    if (current) setTimeout(() => current.model.then((model) => model.history.close()), DEV_CLOSE_AFTER_MS).unref();
    return fresh.model;
  }
  buildModel ??= load();
  return buildModel;
}

/** The build is over: let the history and its tables go. */
export async function releaseSiteModel(): Promise<void> {
  const model = await buildModel;
  buildModel = undefined;
  model?.history.close();
}
