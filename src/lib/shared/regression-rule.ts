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
import type { Direction } from './direction.ts';
import type { ChangeTest } from './significance.ts';

/**
 * 'new-level': judged against its baseline, the latest run is not a regression, but its series moved for the
 * worse in an open regression event: the baseline has followed it to a level that is not to be taken as normal.
 */
export type Status = 'regression' | 'new-level' | 'improvement' | 'unchanged' | 'noise' | 'new' | 'no-baseline' | 'failed';

export const STATUS_LABELS: Record<Status, string> = {
  regression: 'regression',
  'new-level': 'new level',
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

/** The p-value a verdict goes by: adjusted across the run's metrics where it was, else the test's own. */
export function decidingPValue(test: ChangeTest): number | null {
  return test.adjustedPValue ?? test.pValue;
}

/**
 * The rule with significance, when a test could decide: a change beyond the threshold that the test does
 * not find significant is likely noise (asv's "~"), not a regression or an improvement. With too little
 * evidence to test (too few runs), the threshold decides.
 */
export function classifyWithSignificance(
  current: number,
  baseline: number,
  direction: Direction,
  threshold: number,
  test: ChangeTest | null,
  config: { significanceLevel: number; significance: SignificanceMode },
): { change: number; status: Status } {
  const judged = classify(current, baseline, direction, threshold);
  const p = test ? decidingPValue(test) : null;
  if (p === null || config.significance === 'threshold') return judged;
  const significant = p < config.significanceLevel;
  if (config.significance === 'significance') {
    if (!significant) return { change: judged.change, status: 'unchanged' };
    return { change: judged.change, status: improvementOf(judged.change, direction) < 0 ? 'regression' : 'improvement' };
  }
  if ((judged.status === 'regression' || judged.status === 'improvement') && !significant)
    return { change: judged.change, status: 'noise' };
  return judged;
}

/** Whether a test can change this measurement's status: the ones Benjamini–Hochberg holds to the false discovery rate. */
export function isCandidate(change: number, direction: Direction, threshold: number, mode: SignificanceMode): boolean {
  if (mode === 'threshold') return false;
  return mode === 'significance' || Math.abs(improvementOf(change, direction)) > threshold;
}

export interface Verdict {
  change: number;
  status: Status;
  /** The test of the change, when there was evidence to run one (or to say there was too little). */
  significance: ChangeTest | null;
}

/**
 * The one judgement of a value against what it is compared with (a baseline, the previous run, the other
 * side of a comparison): every status a page, a chart mark, the feed, an issue, the CLI or a PR comment
 * shows comes from here. The test is the caller's: testAgainstRuns, testRounds or testSamples.
 */
export function judgeChange(
  current: number,
  against: number,
  direction: Direction,
  threshold: number,
  test: ChangeTest | null,
  config: { significanceLevel: number; significance: SignificanceMode },
): Verdict {
  return { significance: test, ...classifyWithSignificance(current, against, direction, threshold, test, config) };
}
