/** What a run's permalink page shows: its statuses, the run it is set beside, the changes it starts. */
import type { BenchmarkGroup } from '../analysis/benchmark-groups.ts';
import type { RunInfo } from '../analysis/queries.ts';
import { onOpenRegressions } from '../analysis/regression-events.ts';
import type { SeriesChange } from '../analysis/series-changes.ts';
import { type MetricStatus, verdictsAtTheTime } from '../analysis/status.ts';
import type { ReadinessSettings } from '../reports/history-readiness.ts';
import { type ComparedMetric, judgePair, type SideSummary } from '../shared/compare-judge.ts';
import { metricKey } from '../shared/keys.ts';
import { runsInOrder, statusesOfRun } from './run-index.ts';
import { openLevels, type SiteModel } from './site-model.ts';

/** A metric's side of the comparison, as `compare` summarises a side that is one run. */
function sideOf(status: MetricStatus): SideSummary {
  return {
    platform: status.platform,
    suite: status.suite,
    metric: status.metric,
    unit: status.unit,
    direction: status.direction,
    units: 1,
    value: status.current,
    values: status.current === null ? [] : [status.current],
    samples: status.samples,
    spread: status.spread,
    time: status.timestamp,
    own: status.own,
  };
}

/**
 * This run next to the one before it on its platform, judged as `npm run compare` judges two runs of one
 * series (judgePair): tested against the run-to-run spread the series showed at the later run's baseline.
 */
function sideBySide(model: SiteModel, before: readonly MetricStatus[], after: readonly MetricStatus[]): ComparedMetric[] {
  const earlier = new Map(before.map((status) => [metricKey(status), status]));
  const rows = after.map((status) => {
    const previous = earlier.get(metricKey(status));
    earlier.delete(metricKey(status));
    return judgePair(previous && sideOf(previous), sideOf(status), status.platform, status.threshold, model.settings.config);
  });
  for (const status of earlier.values())
    rows.push(judgePair(sideOf(status), undefined, status.platform, status.threshold, model.settings.config));
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
  beside: ComparedMetric[];
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

/** One run's page, all but its hindsight verdicts (runPages finds those for many runs at once). */
async function runPageWithoutHindsight(
  model: SiteModel,
  runId: string,
  detail: RunPage['detail'],
): Promise<{ page: RunPage; judged: MetricStatus[] } | undefined> {
  const entry = (await runsInOrder(model)).runs.get(runId);
  if (!entry) return undefined;
  // The run's statuses as the events see them: on a new level since an open regression, not unchanged.
  const judged = await statusesOfRun(model, runId);
  const statuses = onOpenRegressions(judged, openLevels(model));
  const changes = changesByRun(model).get(runId) ?? [];
  if (detail === 'compact')
    return {
      judged,
      page: {
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
      },
    };
  const compared = entry.parentRunId
    ? ({ runId: entry.parentRunId, relation: 'parent commit' } as const)
    : entry.previousRunId
      ? ({ runId: entry.previousRunId, relation: 'previous run' } as const)
      : null;
  const beside = compared ? sideBySide(model, await statusesOfRun(model, compared.runId), statuses) : [];
  return {
    judged,
    page: {
      run: entry.info,
      statuses,
      compared,
      previousRunId: entry.previousRunId,
      beside,
      changes,
      detail,
      benchmarks: model.benchmarks,
      readiness: model.settings.config,
      atTheTime: new Map(),
    },
  };
}

/**
 * The pages of `runIds` that exist, in order, each `detailOf` its id: the full pages' hindsight verdicts are
 * found together, their baselines in one query (one a page was 1.5 s of django's 336-run build).
 */
export async function runPages(
  model: SiteModel,
  runIds: readonly string[],
  detailOf: (runId: string) => RunPage['detail'],
): Promise<RunPage[]> {
  const made: Array<{ page: RunPage; judged: MetricStatus[] }> = [];
  for (const runId of runIds) {
    const one = await runPageWithoutHindsight(model, runId, detailOf(runId));
    if (one) made.push(one);
  }
  const full = made.filter(({ page }) => page.detail === 'full');
  const then = await verdictsAtTheTime(
    model.history,
    full.map(({ judged }) => judged),
    model.settings,
  );
  return made.map(({ page }) => (page.detail === 'full' ? { ...page, atTheTime: then.get(page.run.runId) ?? new Map() } : page));
}

export async function runPage(model: SiteModel, runId: string, detail: RunPage['detail'] = 'full'): Promise<RunPage | undefined> {
  const [page] = await runPages(model, [runId], () => detail);
  return page;
}
