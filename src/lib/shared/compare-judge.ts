/**
 * The verdict on two sides of a comparison, metric by metric: worse, better, unchanged, likely noise,
 * added, removed, failed, or units that do not convert. `perfsite compare` gives it the sides its SQL
 * summarised; the site's /compare/ page gives it the same sides from the published run files, so the two
 * cannot disagree. Runs in the browser too.
 */
import type { Threshold } from '../analysis/thresholds.ts';
import type { Direction } from '../store/record.ts';
import { compareSeries } from './natural-order.ts';
import { improvementOf, judgeChange, type SignificanceMode } from './regression-rule.ts';
import type { SampleComparison } from './significance.ts';

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

/** One side's summary of one metric: the median of its runs' values, their samples, and the units they were recorded in. */
export interface SideSummary {
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  /** How many units the side's runs recorded it in: more than one cannot be summarised. */
  units: number;
  value: number | null;
  samples: number[] | null;
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
  /** Mann–Whitney on the pooled samples of each side, when both kept samples. */
  significance: SampleComparison | null;
  threshold: Threshold;
  mark: Mark;
}

export interface JudgeSettings {
  significanceLevel: number;
  significance: SignificanceMode;
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
    { value: after.value, samples: after.samples },
    { value: before.value, samples: before.samples },
    any.direction,
    threshold.value,
    settings,
  );
  const mark: Mark = status === 'regression' ? 'worse' : status === 'improvement' ? 'better' : status === 'noise' ? 'noise' : 'unchanged';
  return { ...common, ratio: before.value === 0 ? null : after.value / before.value, change, significance, mark };
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
