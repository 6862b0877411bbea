/**
 * Did a run's metrics move together? A change in the code rarely slows every benchmark alike; a slower
 * machine does (in the django asv history a run on a slow GitHub runner is 15–40 % slower across all its
 * benchmarks). When most of a run's metrics moved the same way by a similar amount, its page says so,
 * so that a reader checks the next runs before blaming the commit.
 */
import { median } from 'simple-statistics';
import { formatPercent } from '../shared/format.ts';
import { improvementOf } from '../shared/regression-rule.ts';
import type { MetricStatus } from './status.ts';

/** Fewer metrics than this, and "most of them moved together" says little. */
export const MIN_SHARED_METRICS = 5;
/** The share of metrics that must have moved the same way. */
export const SHARED_SHARE = 0.8;
/** A shared move smaller than this is within the noise most runs have. */
export const MIN_SHARED_MOVE = 0.1;

export interface SharedShift {
  metrics: number;
  /** How many moved the same way as the median. */
  alike: number;
  /** The median change for the worse (negative: for the better) across the run's metrics. */
  worse: number;
}

export function sharedShift(statuses: readonly Pick<MetricStatus, 'change' | 'direction'>[]): SharedShift | null {
  const moves = statuses
    .filter((status) => status.change !== null && Number.isFinite(status.change))
    .map((status) => -improvementOf(status.change as number, status.direction));
  if (moves.length < MIN_SHARED_METRICS) return null;
  const worse = median(moves);
  const alike = moves.filter((move) => Math.sign(move) === Math.sign(worse)).length;
  if (Math.abs(worse) < MIN_SHARED_MOVE || alike < SHARED_SHARE * moves.length) return null;
  return { metrics: moves.length, alike, worse };
}

/** What the run page and the report say about it. */
export function describeSharedShift(shift: SharedShift): string {
  const way = shift.worse > 0 ? 'slower' : 'faster';
  return `${shift.alike} of ${shift.metrics} metrics moved the same way, by ${formatPercent(Math.abs(shift.worse))} at the median: this run was ${way} across the board. A change in the code rarely moves every benchmark alike; a ${way} machine does. Look at the next runs on this platform before blaming the commit.`;
}
