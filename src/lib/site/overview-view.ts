/** The overview's tables: every suite's metrics × platforms, each suite on each platform, what moved recently. */
import { type BenchmarkGroup, STATUS_SEVERITY, worseThan, worstStatus } from '../analysis/benchmark-groups.ts';
import { materialisedStatuses, recentlyMovedRuns } from '../analysis/materialised-baselines.ts';
import type { MetricInfo } from '../analysis/queries.ts';
import type { MetricStatus } from '../analysis/status.ts';
import { metricKey, seriesKey } from '../shared/keys.ts';
import { naturalCompare } from '../shared/natural-order.ts';
import { paramValue } from '../shared/param-text.ts';
import { metricSlug } from '../store/metric-slug.ts';
import type { SiteModel } from './site-model.ts';

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
