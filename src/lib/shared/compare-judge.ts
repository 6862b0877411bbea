/**
 * The verdict on two sides of a comparison, metric by metric: worse, better, unchanged, likely noise,
 * added, removed, failed, or units that do not convert. `perfsite compare` gives it the sides its SQL
 * summarised; the site's /compare/ page gives it the same sides from the published run files, so the two
 * cannot disagree. Runs in the browser too.
 */

import type { Direction } from './direction.ts';
import { compareSeries } from './natural-order.ts';
import { improvementOf, judgeChange, type SignificanceMode } from './regression-rule.ts';
import {
  type ChangeTest,
  type OwnSpread,
  ownSpread,
  pooledSpread,
  type RunSpread,
  testLevels,
  testRounds,
  testSamples,
} from './significance.ts';
import type { Threshold } from './threshold.ts';

export type Mark = 'worse' | 'better' | 'unchanged' | 'noise' | 'added' | 'removed' | 'failed' | 'incomparable';

export const MARK_LABELS: Record<Mark, string> = {
  worse: 'worse',
  better: 'better',
  unchanged: 'unchanged',
  noise: 'likely noise',
  added: 'added',
  removed: 'removed',
  failed: 'failed',
  incomparable: 'units differ',
};

/** One side's summary of one metric: the median of its runs' values, each run's value, their samples, and the units they were recorded in. */
export interface SideSummary {
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  /** How many units the side's runs recorded it in: more than one cannot be summarised. */
  units: number;
  value: number | null;
  /** Each successful run's value. */
  values: number[];
  /** The samples of the side's runs (used only when the side is one run). */
  samples: number[] | null;
  /**
   * A single run's series spread at its baseline level (MetricStatus.spread), given only when both sides are
   * single runs of one platform, and its time: two runs of one series are tested against the later one's.
   */
  spread?: RunSpread | null;
  time?: string | null;
  /** A single run's own spread where it is known without its samples (a MetricStatus's); else from `samples`. */
  own?: OwnSpread | null;
}

export interface ComparedMetric {
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  before: number | null;
  after: number | null;
  ratio: number | null;
  change: number | null;
  /** The test of the change (sideTest). */
  significance: ChangeTest | null;
  threshold: Threshold;
  mark: Mark;
}

export interface JudgeSettings {
  significanceLevel: number;
  significance: SignificanceMode;
  /** Each side's values are rounds in the same order (A/B): the test pairs them. */
  paired?: boolean;
}

/** One metric of the comparison: `platform` is what the row shows (a pair of platforms when two runs differ). */
export function judgePair(
  before: SideSummary | undefined,
  after: SideSummary | undefined,
  platform: string,
  threshold: Threshold,
  settings: JudgeSettings,
): ComparedMetric {
  const any = (after ?? before) as SideSummary;
  const common = {
    platform,
    suite: any.suite,
    metric: any.metric,
    unit: any.unit,
    direction: any.direction,
    before: before?.value ?? null,
    after: after?.value ?? null,
    threshold,
  };
  if (!before) return { ...common, ratio: null, change: null, significance: null, mark: 'added' };
  if (!after) return { ...common, ratio: null, change: null, significance: null, mark: 'removed' };
  if (before.value === null || after.value === null) return { ...common, ratio: null, change: null, significance: null, mark: 'failed' };
  // Units with no conversion between them (after the index brought known ones to their base): no ratio means anything.
  if (before.units > 1 || after.units > 1 || before.unit !== after.unit) {
    return {
      ...common,
      unit: `${before.unit} → ${after.unit}`,
      before: null,
      after: null,
      ratio: null,
      change: null,
      significance: null,
      mark: 'incomparable',
    };
  }
  const { change, status, significance } = judgeChange(
    after.value,
    before.value,
    any.direction,
    threshold.value,
    sideTest(before, after, 1 - settings.significanceLevel, settings.paired ?? false),
    settings,
  );
  const mark: Mark = status === 'regression' ? 'worse' : status === 'improvement' ? 'better' : status === 'noise' ? 'noise' : 'unchanged';
  return { ...common, ratio: before.value === 0 ? null : after.value / before.value, change, significance, mark };
}

function ownOf(side: SideSummary): OwnSpread | null {
  return side.own !== undefined ? side.own : ownSpread(side.samples);
}

/**
 * The test of two sides. Rounds of an A/B run are paired: the ratio of each round's two runs. Otherwise at the
 * level of runs, around each side's own level, when their runs together leave a spread to estimate (two
 * degrees of freedom or more); two single runs can only be told apart by their samples, and that test says it
 * is about these two runs only.
 */
function sideTest(before: SideSummary, after: SideSummary, level: number, paired: boolean): ChangeTest | null {
  if (before.value === null || after.value === null) return null;
  if (paired && before.values.length === after.values.length && before.values.length > 1)
    return testRounds(
      after.values.map((value, round) => value / (before.values[round] as number)),
      level,
    );
  const spread = pooledSpread([before.values, after.values]);
  const single = (side: SideSummary) => side.values.length === 1;
  if (spread.runs - 1 >= 2) {
    const side = (summary: SideSummary) => ({
      median: summary.value as number,
      runs: summary.values.length,
      own: single(summary) ? ownOf(summary) : null,
    });
    return testLevels(side(after), side(before), spread, level);
  }
  if (single(before) && single(after)) {
    // Two runs of one series: the history says how much its runs differ, as the run page's column beside the run before.
    const spread = ((after.time ?? '') >= (before.time ?? '') ? after : before).spread ?? null;
    if (spread)
      return testLevels(
        { median: after.value, runs: 1, own: ownOf(after) },
        { median: before.value, runs: 1, own: ownOf(before) },
        spread,
        level,
      );
    if (before.samples && after.samples) return testSamples(before.samples, after.samples, level);
  }
  return null;
}

const MARK_ORDER: Record<Mark, number> = { worse: 0, failed: 1, incomparable: 2, better: 3, noise: 4, unchanged: 5, added: 6, removed: 7 };

/** Worst first: by mark, then by how much worse, then by name. */
export function sortCompared(metrics: ComparedMetric[]): ComparedMetric[] {
  return metrics.sort(
    (x, y) =>
      MARK_ORDER[x.mark] - MARK_ORDER[y.mark] ||
      improvementOf(x.change ?? 0, x.direction) - improvementOf(y.change ?? 0, y.direction) ||
      compareSeries(x, y),
  );
}

/** The counts line both outputs end with. */
export function comparisonCounts(metrics: readonly ComparedMetric[]): string {
  const count = (mark: Mark) => metrics.filter((metric) => metric.mark === mark).length;
  return (
    `${count('worse')} worse, ${count('better')} better, ${count('unchanged')} unchanged, ${count('added')} added, ${count('removed')} removed` +
    (count('incomparable') > 0 ? `, ${count('incomparable')} not compared (units differ)` : '')
  );
}

/** The platform a row of two single runs shows: theirs, or both when they differ. */
export function pairPlatformLabel(a: string | undefined, b: string | undefined): string {
  return a === b ? (a ?? '') : `${a} → ${b}`;
}
