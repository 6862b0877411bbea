/**
 * The regression rule, the one judgement everything else shows: a direction-aware relative change
 * against the baseline, compared with the metric's threshold.
 *
 *   change = (current − baseline) / |baseline|
 *   worse  = change > threshold for lower-is-better, change < −threshold for higher-is-better
 *   better = the mirror image
 *
 * A zero baseline has no relative change: equal values are unchanged, any other value counts as
 * an unbounded change in its direction (change = ±Infinity), so it is never silently hidden.
 */
import type { Direction } from '../store/record.ts';
import { compareSamples, type SampleComparison } from './significance.ts';

export type Status = 'regression' | 'improvement' | 'unchanged' | 'noise' | 'new' | 'no-baseline' | 'failed';

export const STATUS_LABELS: Record<Status, string> = {
  regression: 'regression',
  improvement: 'improvement',
  unchanged: 'unchanged',
  noise: 'likely noise',
  new: 'new metric',
  'no-baseline': 'no baseline',
  failed: 'failed',
};

export function relativeChange(current: number, baseline: number): number {
  if (baseline === 0) return current === 0 ? 0 : Math.sign(current) * Number.POSITIVE_INFINITY;
  return (current - baseline) / Math.abs(baseline);
}

/** Positive when the change is for the better, whatever the direction. */
export function improvementOf(change: number, direction: Direction): number {
  return direction === 'higher' ? change : -change;
}

export function classify(current: number, baseline: number, direction: Direction, threshold: number): { change: number; status: Status } {
  const change = relativeChange(current, baseline);
  const better = improvementOf(change, direction);
  if (better < -threshold) return { change, status: 'regression' };
  if (better > threshold) return { change, status: 'improvement' };
  return { change, status: 'unchanged' };
}

export type SignificanceMode = 'both' | 'threshold' | 'significance';

/**
 * The rule with significance, when both sides had samples to test: a change beyond the threshold that
 * the test does not find significant is likely noise (asv's "~"), not a regression or an improvement.
 */
export function classifyWithSignificance(
  current: number,
  baseline: number,
  direction: Direction,
  threshold: number,
  test: { pValue: number; minimumPValue: number; level: number; mode: SignificanceMode } | null,
): { change: number; status: Status } {
  const judged = classify(current, baseline, direction, threshold);
  // Too few samples to ever reach the level: the test cannot decide, the threshold does.
  if (!test || test.mode === 'threshold' || test.minimumPValue >= test.level) return judged;
  const significant = test.pValue < test.level;
  if (test.mode === 'significance') {
    if (!significant) return { change: judged.change, status: 'unchanged' };
    return { change: judged.change, status: improvementOf(judged.change, direction) < 0 ? 'regression' : 'improvement' };
  }
  if ((judged.status === 'regression' || judged.status === 'improvement') && !significant)
    return { change: judged.change, status: 'noise' };
  return judged;
}

export interface Verdict {
  change: number;
  status: Status;
  /** The test of the samples, when both sides had samples enough for it to decide anything. */
  significance: SampleComparison | null;
}

/**
 * The one judgement of a value against what it is compared with (a baseline, the previous run, the other
 * side of a comparison): every status a page, a chart mark, the feed, an issue, the CLI or a PR comment
 * shows comes from here. A pinned baseline is a number without a spread: pass no baseline samples.
 */
export function judgeChange(
  measured: { value: number; samples?: readonly number[] | null | undefined },
  against: { value: number; samples?: readonly number[] | null | undefined },
  direction: Direction,
  threshold: number,
  config: { significanceLevel: number; significance: SignificanceMode },
): Verdict {
  const tested =
    measured.samples && against.samples && measured.samples.length > 0 && against.samples.length > 0
      ? compareSamples(against.samples, measured.samples, against.value, measured.value)
      : null;
  // A test whose samples could never reach the level decides nothing, and is not shown.
  const significance = tested && tested.minimumPValue < config.significanceLevel ? tested : null;
  const test = significance ? { ...significance, level: config.significanceLevel, mode: config.significance } : null;
  return { significance, ...classifyWithSignificance(measured.value, against.value, direction, threshold, test) };
}
