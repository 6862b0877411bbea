/**
 * The view models of the site. The history is opened and analysed once per build (every page reads
 * from the same in-memory tables); in `astro dev` it is re-read on each request, so a reload after
 * `npm run bench` shows the new run.
 */
import { type BenchmarkGroup, benchmarkGroups, STATUS_SEVERITY, worseThan, worstStatus } from '../analysis/benchmark-groups.ts';
import {
  chartedSeries,
  materialiseBaselines,
  materialisedSeries,
  materialisedStatuses,
  recentlyMovedRuns,
} from '../analysis/materialised-baselines.ts';
import {
  availableMetrics,
  availablePlatforms,
  type HistoryStats,
  historyStats,
  type MetricInfo,
  RUN_COLUMNS,
  type RunInfo,
  toRunInfo,
} from '../analysis/queries.ts';
import {
  historyEvents,
  type OpenRegressionLevels,
  type Outlier,
  onOpenRegressions,
  openRegressionLevels,
  type RegressionEvent,
} from '../analysis/regression-events.ts';
import { historyChanges, type SeriesChange } from '../analysis/series-changes.ts';
import { type AnalysisSettings, latestStatuses, type MetricStatus, verdictsAtTheTime } from '../analysis/status.ts';
import { resolveThreshold } from '../analysis/thresholds.ts';
import { loadTriage } from '../analysis/triage-file.ts';
import type { ReadinessSettings } from '../reports/history-readiness.ts';
import { loadSettings } from '../reports/report-target.ts';
import type { ChartChange, SeriesChartOptions } from '../shared/chart-spec.ts';
import { metricKey, seriesKey } from '../shared/keys.ts';
import { compareSeries, naturalCompare } from '../shared/natural-order.ts';
import { paramValue } from '../shared/param-text.ts';
import { judgeChange } from '../shared/regression-rule.ts';
import { encodeSeries, type SeriesData } from '../shared/series-data.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { type ChangeTest, testLevels } from '../shared/significance.ts';
import { queryRows } from '../store/duckdb.ts';
import { type History, openHistory } from '../store/history.ts';
import { metricSlug } from '../store/metric-slug.ts';
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
 * One model per build process, kept on globalThis: Astro's bundled copy of this module and the
 * build hook's (loaded by Node) are two module instances, and the history must be analysed once.
 */
const shared = globalThis as typeof globalThis & {
  perfsiteSiteModel?: Promise<SiteModel>;
  perfsiteDevModel?: { loadedAt: number; version: number; model: Promise<SiteModel> };
  /** Counted up by astro.config.mjs whenever `astro dev` sees the history change. */
  perfsiteHistoryVersion?: number;
  /** Resolved once a build's model has loaded; see whenSiteModelLoaded. */
  perfsiteModelLoaded?: PromiseWithResolvers<SiteModel>;
};

function modelLoaded(): PromiseWithResolvers<SiteModel> {
  if (!shared.perfsiteModelLoaded) {
    shared.perfsiteModelLoaded = Promise.withResolvers<SiteModel>();
    // A failed load is reported by the page that asked for it, not as a rejection nobody awaited.
    shared.perfsiteModelLoaded.promise.catch(() => {});
  }
  return shared.perfsiteModelLoaded;
}

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
    ...(await historyEvents(history, changePoints, settings, await loadTriage(dataDir))),
    problems: history.problems,
  };
  model.latest = onOpenRegressions((await latestStatuses(history, settings)).sort(compareSeries), openLevels(model));
  await history.doneAnalysing();
  return model;
}

/** The open regressions' new levels, found once per model: every run page asks. */
function openLevels(model: SiteModel): OpenRegressionLevels {
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
  if (!shared.perfsiteSiteModel) {
    shared.perfsiteSiteModel = load();
    const { resolve, reject } = modelLoaded();
    shared.perfsiteSiteModel.then(resolve, reject);
  }
  return shared.perfsiteSiteModel;
}

/**
 * The build's model once a page has loaded it, without loading it: work started from here runs beside
 * Astro's pages, which Astro renders only after it has emptied the output folder.
 */
export function whenSiteModelLoaded(): Promise<SiteModel> {
  return modelLoaded().promise;
}

/** The build is over: let the history and its tables go. */
export async function releaseSiteModel(): Promise<void> {
  const model = await shared.perfsiteSiteModel;
  delete shared.perfsiteSiteModel;
  delete shared.perfsiteModelLoaded;
  model?.history.close();
}

/** Every successful measurement of one metric on one platform, oldest first, with its baseline and status. */
export function metricSeries(model: SiteModel, platform: string, suite: string, metric: string): Promise<SeriesMeasurement[]> {
  return materialisedSeries(model.history, model.settings, { platform, suite, metric });
}

/** Every platform × metric with a successful measurement: each has a chart and a data file. */
export function allSeries(model: SiteModel): Promise<Array<{ platform: string; suite: string; metric: string }>> {
  return chartedSeries(model.history);
}

/** The chart of one series as a platform page draws it: the same options for the build's SVG and the interactive redraw. */
export function seriesChartOptions(
  model: SiteModel,
  status: Pick<MetricStatus, 'platform' | 'suite' | 'metric' | 'unit' | 'direction' | 'threshold'>,
): SeriesChartOptions {
  return {
    title: `${status.suite} / ${status.metric} on ${status.platform}`,
    unit: status.unit,
    direction: status.direction,
    threshold: status.threshold.value,
    changes: chartChanges(model, status.platform, status.suite, status.metric),
    outliers: chartOutliers(model, status.platform, status.suite, status.metric),
  };
}

/** The runs of one series that left its level and came straight back, as its chart rings them. */
export function chartOutliers(model: SiteModel, platform: string, suite: string, metric: string): string[] {
  return model.outliers
    .filter((outlier) => outlier.platform === platform && outlier.suite === suite && outlier.metric === metric)
    .map((outlier) => outlier.runId);
}

/** The change points of one series, as its chart draws them. */
export function chartChanges(model: SiteModel, platform: string, suite: string, metric: string): ChartChange[] {
  return model.changePoints
    .filter((change) => change.platform === platform && change.suite === suite && change.metric === metric)
    .map((change) => ({
      time: Date.parse(change.timestamp),
      meanBefore: change.meanBefore,
      meanAfter: change.meanAfter,
      worse: change.worse,
    }));
}

/** The data file of one series' interactive chart. */
export async function seriesData(model: SiteModel, platform: string, suite: string, metric: string): Promise<SeriesData> {
  return seriesDataOf(model, await metricSeries(model, platform, suite, metric), platform, suite, metric);
}

/** The data file of a series already read (metricSeries). */
export async function seriesDataOf(
  model: SiteModel,
  series: readonly SeriesMeasurement[],
  platform: string,
  suite: string,
  metric: string,
): Promise<SeriesData> {
  const latest = model.latest.find((status) => status.platform === platform && status.suite === suite && status.metric === metric);
  const info = model.metrics.find((candidate) => candidate.suite === suite && candidate.metric === metric);
  const threshold =
    latest?.threshold.value ?? resolveThreshold({ suite, metric, declared: null }, model.settings.config, model.settings.threshold).value;
  const { runs } = await runsInOrder(model);
  return encodeSeries(
    series,
    { unit: info?.unit ?? '', direction: info?.direction ?? 'lower', threshold },
    (runId) => runs.get(runId)?.info,
  );
}

const RUN_CHUNK = 500;
/** Per model, so that `astro dev` never serves statuses from a history it has since re-read. */

/**
 * Run pages are rendered in id order: their statuses are read 500 runs at a time, not one query a page,
 * and the next chunk is read while this one's pages are rendered (DuckDB busy while JavaScript is).
 */
function statusesOfChunk(model: SiteModel, runIds: readonly string[], index: number): Promise<Map<string, MetricStatus[]>> {
  const chunk = readChunk(model, runIds, index);
  if ((index + 1) * RUN_CHUNK < runIds.length) readChunk(model, runIds, index + 1).catch(() => {});
  return chunk;
}

/** Each metric's place in natural order (model.metrics is sorted so): a run's statuses sort by a number, not by names. */
function metricOrder(model: SiteModel): Map<string, number> {
  return model.history.memo('site:metric-order', () => new Map(model.metrics.map((metric, index) => [metricKey(metric), index])));
}

function readChunk(model: SiteModel, runIds: readonly string[], index: number): Promise<Map<string, MetricStatus[]>> {
  const chunkCache = model.history.memo('site:status-chunks', () => new Map<number, Promise<Map<string, MetricStatus[]>>>());
  const cached = chunkCache.get(index);
  if (cached) return cached;
  const first = runIds[index * RUN_CHUNK] as string;
  const last = runIds[Math.min(runIds.length, (index + 1) * RUN_CHUNK) - 1] as string;
  const read = materialisedStatuses(model.history, model.settings, { first, last }).then((statuses) => {
    const byRun = Map.groupBy(statuses, (status) => status.runId);
    const order = metricOrder(model);
    // Ranked once per status, not once per comparison: 5,000,000 statuses at 100,000 runs.
    const ranks = new Map(statuses.map((status) => [status, order.get(metricKey(status)) ?? Number.POSITIVE_INFINITY]));
    const rank = (status: MetricStatus) => ranks.get(status) as number;
    for (const ofRun of byRun.values()) ofRun.sort((a, b) => rank(a) - rank(b) || compareSeries(a, b));
    return byRun;
  });
  // A page's compared run is often in the chunk before its own: four chunks are kept.
  if (chunkCache.size >= 4) chunkCache.delete(chunkCache.keys().next().value as number);
  chunkCache.set(index, read);
  return read;
}

interface RunIndex {
  ids: string[];
  position: Map<string, number>;
  runs: Map<string, { info: RunInfo; previousRunId: string | null; parentRunId: string | null }>;
}

/** Every run's facts, read once per build in id order: a page looks its run up in memory, not with a query. */
function runsInOrder(model: SiteModel): Promise<RunIndex> {
  return model.history.memo('site:runs-in-order', () =>
    queryRows(model.history.connection, `SELECT ${RUN_COLUMNS}, previous_run_id, parent_run_id FROM run_info ORDER BY run_id`).then(
      (rows) => {
        const runs = new Map(
          rows.map((row) => [
            row.run_id as string,
            {
              info: toRunInfo(row),
              previousRunId: (row.previous_run_id as string | null) ?? null,
              parentRunId: (row.parent_run_id as string | null) ?? null,
            },
          ]),
        );
        const ids = [...runs.keys()];
        return { ids, position: new Map(ids.map((id, index) => [id, index])), runs };
      },
    ),
  );
}

export async function runInfo(model: SiteModel, runId: string): Promise<RunInfo | undefined> {
  return (await runsInOrder(model)).runs.get(runId)?.info;
}

async function statusesOfRun(model: SiteModel, runId: string): Promise<MetricStatus[]> {
  const { ids, position } = await runsInOrder(model);
  const index = position.get(runId);
  if (index === undefined) return [];
  const chunk = await statusesOfChunk(model, ids, Math.floor(index / RUN_CHUNK));
  return chunk.get(runId) ?? [];
}

export interface SideBySide {
  suite: string;
  metric: string;
  unit: string;
  before: number | null;
  after: number | null;
  change: number | null;
  significance: ChangeTest | null;
  mark: 'worse' | 'better' | 'noise' | 'unchanged' | 'added' | 'removed' | 'failed';
}

/**
 * This run next to the one before it on its platform, judged by the same judge as everything else (judgeChange):
 * two single runs, tested against the run-to-run spread the series showed at this run's baseline.
 */
function sideBySide(model: SiteModel, before: readonly MetricStatus[], after: readonly MetricStatus[]): SideBySide[] {
  const keyOf = (status: Pick<MetricStatus, 'suite' | 'metric'>) => metricKey(status);
  const earlier = new Map(before.map((status) => [keyOf(status), status]));
  const level = 1 - model.settings.config.significanceLevel;
  const rows: SideBySide[] = after.map((status) => {
    const previous = earlier.get(keyOf(status));
    earlier.delete(keyOf(status));
    const common = {
      suite: status.suite,
      metric: status.metric,
      unit: status.unit,
      before: previous?.current ?? null,
      after: status.current,
    };
    if (!previous) return { ...common, change: null, significance: null, mark: 'added' };
    if (previous.current === null || status.current === null) return { ...common, change: null, significance: null, mark: 'failed' };
    const test = status.spread
      ? testLevels(
          { median: status.current, runs: 1, own: status.own },
          { median: previous.current, runs: 1, own: previous.own },
          status.spread,
          level,
        )
      : null;
    const judged = judgeChange(status.current, previous.current, status.direction, status.threshold.value, test, model.settings.config);
    return {
      ...common,
      change: judged.change,
      significance: judged.significance,
      mark:
        judged.status === 'regression'
          ? 'worse'
          : judged.status === 'improvement'
            ? 'better'
            : judged.status === 'noise'
              ? 'noise'
              : 'unchanged',
    };
  });
  for (const status of earlier.values()) {
    rows.push({
      suite: status.suite,
      metric: status.metric,
      unit: status.unit,
      before: status.current,
      after: null,
      change: null,
      significance: null,
      mark: 'removed',
    });
  }
  return rows;
}

export interface RunPage {
  run: RunInfo;
  statuses: MetricStatus[];
  /**
   * The run this one is set beside: its parent commit's run on the same platform when there is one,
   * otherwise the run before it on the platform.
   */
  compared: { runId: string; relation: 'parent commit' | 'previous run' } | null;
  /** The previous run on the platform, for navigation. */
  previousRunId: string | null;
  beside: SideBySide[];
  /** Change points whose new level starts with this run. */
  changes: SeriesChange[];
  /** Full: beside the run it is compared with. Compact (older runs of a long history): its values and statuses only. */
  detail: 'full' | 'compact';
  /** The history's parameterised benchmarks: a full page lists each as one group of its combinations. */
  benchmarks: readonly BenchmarkGroup[];
  /** Where baselines come from, for a run that has none yet. */
  readiness: ReadinessSettings;
  /** Where later runs changed a verdict (a level break found since cut its baseline short): the verdict at the time, by suite/metric. */
  atTheTime: ReadonlyMap<string, MetricStatus>;
}

function changesByRun(model: SiteModel): Map<string, SeriesChange[]> {
  return model.history.memo('site:changes-by-run', () => Map.groupBy(model.changePoints, (change) => change.runId));
}

export async function runPage(model: SiteModel, runId: string, detail: RunPage['detail'] = 'full'): Promise<RunPage | undefined> {
  const entry = (await runsInOrder(model)).runs.get(runId);
  if (!entry) return undefined;
  // The run's statuses as the events see them: on a new level since an open regression, not unchanged.
  const judged = await statusesOfRun(model, runId);
  const statuses = onOpenRegressions(judged, openLevels(model));
  const changes = changesByRun(model).get(runId) ?? [];
  if (detail === 'compact')
    return {
      run: entry.info,
      statuses,
      compared: null,
      previousRunId: entry.previousRunId,
      beside: [],
      changes,
      detail,
      benchmarks: [],
      readiness: model.settings.config,
      atTheTime: new Map(),
    };
  const compared = entry.parentRunId
    ? ({ runId: entry.parentRunId, relation: 'parent commit' } as const)
    : entry.previousRunId
      ? ({ runId: entry.previousRunId, relation: 'previous run' } as const)
      : null;
  const beside = compared ? await sideBySide(model, await statusesOfRun(model, compared.runId), statuses) : [];
  return {
    run: entry.info,
    statuses,
    compared,
    previousRunId: entry.previousRunId,
    beside,
    changes,
    detail,
    benchmarks: model.benchmarks,
    readiness: model.settings.config,
    atTheTime: await verdictsAtTheTime(model.history, judged, model.settings),
  };
}

export async function allRunIds(model: SiteModel): Promise<string[]> {
  return (await runsInOrder(model)).ids;
}

/** The ids of each platform's `perPlatform` newest runs. */
export async function newestRunIds(model: SiteModel, perPlatform: number): Promise<Set<string>> {
  const { runs } = await runsInOrder(model);
  const byPlatform = Map.groupBy(runs.values(), (entry) => entry.info.platform);
  const newest = new Set<string>();
  for (const entries of byPlatform.values()) {
    entries.sort((a, b) => b.info.timestamp.localeCompare(a.info.timestamp) || b.info.runId.localeCompare(a.info.runId));
    for (const entry of entries.slice(0, perPlatform)) newest.add(entry.info.runId);
  }
  return newest;
}

/** How many recent candidate measurements `changes` judges; the smallest threshold in effect pre-filters them in SQL. */
const CHANGE_CANDIDATES = 5_000;

/** Regressions and improvements across platforms, newest first. */
export async function changes(model: SiteModel, limit = 200): Promise<MetricStatus[]> {
  const runIds = await recentlyMovedRuns(model.history, model.settings, CHANGE_CANDIDATES);
  if (runIds.length === 0) return [];
  return (await materialisedStatuses(model.history, model.settings, { runIds }))
    .filter((status) => status.status === 'regression' || status.status === 'improvement')
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.runId.localeCompare(b.runId))
    .slice(0, limit);
}

interface GridCells {
  suite: string;
  slug: string;
  unit: string;
  direction: string;
  /** Lower-case text the overview's search matches: suite, name and parameter values. */
  search: string;
}

export interface MetricRow extends GridCells {
  kind: 'metric';
  metric: string;
  cells: Array<MetricStatus | null>;
}

export interface BenchmarkRow extends GridCells {
  kind: 'benchmark';
  group: BenchmarkGroup;
  /** Per platform: every combination's latest status (in the group's order), and the worst of them. */
  cells: Array<{ worst: MetricStatus; combos: Array<MetricStatus | null> } | null>;
}

export type GridRow = MetricRow | BenchmarkRow;

export interface GridSuite {
  suite: string;
  platforms: string[];
  /** Rows that ask for attention (anything but unchanged on every platform), regressed and failed first. */
  attention: GridRow[];
  /** Rows unchanged on every platform, in natural order. */
  unchanged: GridRow[];
}

const rowSeverity = (row: GridRow): number =>
  Math.max(
    -1,
    ...row.cells.map((cell) => {
      const status = cell === null ? null : 'worst' in cell ? cell.worst : cell;
      return status ? STATUS_SEVERITY[status.status] : -1;
    }),
  );

/**
 * The overview grid: suites → rows × platforms (columns), each cell the latest status. A parameterised
 * benchmark is one row whose cells hold all its combinations. A suite shows only the platforms that
 * measured it: a history of one suite per machine is not a sea of dashes.
 */
export function overviewGrid(model: SiteModel): GridSuite[] {
  const cell = new Map(model.latest.map((status) => [seriesKey(status), status]));
  const statusesOf = (info: MetricInfo) => model.platforms.map((platform) => cell.get(seriesKey({ platform, ...info })) ?? null);
  const grouped = new Map(model.benchmarks.flatMap((group) => group.combos.map((combo) => [metricKey(combo), group] as const)));
  const suites = new Map<string, GridRow[]>();
  const listed = new Set<BenchmarkGroup>();
  for (const info of model.metrics) {
    const rows = suites.get(info.suite) ?? [];
    suites.set(info.suite, rows);
    const group = grouped.get(metricKey(info));
    if (!group) {
      rows.push({
        kind: 'metric',
        suite: info.suite,
        metric: info.metric,
        slug: metricSlug(info.suite, info.metric),
        unit: info.unit,
        direction: info.direction,
        search: `${info.suite} ${info.metric}`.toLowerCase(),
        cells: statusesOf(info),
      });
      continue;
    }
    if (listed.has(group)) continue;
    listed.add(group);
    const perCombo = group.combos.map(statusesOf);
    const values = group.combos.flatMap((combo) => combo.params?.map((param) => paramValue(param.value)) ?? []);
    rows.push({
      kind: 'benchmark',
      suite: group.suite,
      group,
      slug: group.slug,
      unit: group.unit,
      direction: group.direction,
      search: [group.suite, group.benchmark, ...group.paramNames, ...new Set(values)].join(' ').toLowerCase(),
      cells: model.platforms.map((_, column) => {
        const combos = perCombo.map((statuses) => statuses[column] ?? null);
        const worst = worstStatus(combos);
        return worst ? { worst, combos } : null;
      }),
    });
  }
  return [...suites].map(([suite, rows]) => {
    const measured = model.platforms.map((_, index) => rows.some((row) => row.cells[index] !== null));
    const kept = rows.map((row) => ({ ...row, cells: row.cells.filter((_, index) => measured[index]) }) as GridRow);
    const attention = kept.filter((row) => rowSeverity(row) !== STATUS_SEVERITY.unchanged);
    return {
      suite,
      platforms: model.platforms.filter((_, index) => measured[index]),
      attention: attention.sort((a, b) => rowSeverity(b) - rowSeverity(a)),
      unchanged: kept.filter((row) => rowSeverity(row) === STATUS_SEVERITY.unchanged),
    };
  });
}

export interface SuiteSummary {
  suite: string;
  platform: string;
  metrics: number;
  /** The latest run beyond the threshold against its baseline. */
  regressed: number;
  /** Judged against a baseline that followed it, but moved for the worse in an open regression event (onOpenRegressions). */
  newLevel: number;
  improved: number;
  unchanged: number;
  /** Failed, new, without a baseline, or likely noise. */
  other: number;
}

/** The first screen of a large history: per suite and platform, how many metrics and how they stand. */
export function suiteSummaries(model: SiteModel): SuiteSummary[] {
  const summaries = new Map<string, SuiteSummary>();
  for (const status of model.latest) {
    const key = `${status.suite}\u0000${status.platform}`;
    const summary = summaries.get(key) ?? {
      suite: status.suite,
      platform: status.platform,
      metrics: 0,
      regressed: 0,
      newLevel: 0,
      improved: 0,
      unchanged: 0,
      other: 0,
    };
    summary.metrics++;
    if (status.status === 'regression') summary.regressed++;
    else if (status.status === 'new-level') summary.newLevel++;
    else if (status.status === 'improvement') summary.improved++;
    else if (status.status === 'unchanged') summary.unchanged++;
    else summary.other++;
    summaries.set(key, summary);
  }
  return [...summaries.values()].sort((a, b) => naturalCompare(a.suite, b.suite) || naturalCompare(a.platform, b.platform));
}

/** A latest measurement beyond its threshold; a parameterised benchmark's are one row per platform, its worst. */
export interface BeyondThreshold {
  status: MetricStatus;
  benchmark: { group: BenchmarkGroup; beyond: number } | null;
}

export function beyondThreshold(model: SiteModel): BeyondThreshold[] {
  const grouped = new Map(model.benchmarks.flatMap((group) => group.combos.map((combo) => [metricKey(combo), group] as const)));
  const rows: BeyondThreshold[] = [];
  const byBenchmark = new Map<string, BeyondThreshold & { benchmark: NonNullable<BeyondThreshold['benchmark']> }>();
  for (const status of model.latest) {
    if (status.status !== 'regression' && status.status !== 'failed') continue;
    const group = grouped.get(metricKey(status));
    if (!group) {
      rows.push({ status, benchmark: null });
      continue;
    }
    const key = `${status.platform}\u0000${group.suite}\u0000${group.benchmark}`;
    const row = byBenchmark.get(key);
    if (!row) {
      const fresh = { status, benchmark: { group, beyond: 1 } };
      byBenchmark.set(key, fresh);
      rows.push(fresh);
      continue;
    }
    row.benchmark.beyond++;
    if (worseThan(status, row.status)) row.status = status;
  }
  return rows;
}
