/**
 * Change points in a series, by the method of Apache Otava (Fleming et al., "Hunter: Using Change Point
 * Detection to Hunt for Performance Regressions", ICPE 2023), reimplemented here:
 *
 * 1. split: sliding windows (half a window apart); in each, E-Divisive picks the split that maximises
 *    the energy statistic Q̂, and keeps it while a two-sided Student t-test between its two sides is
 *    significant at a relaxed level (10× the final one), then looks for the next split;
 * 2. merge: over the union of those weak change points, repeatedly drop the one with the highest
 *    p-value above max p-value, or else the one with the smallest relative change below min magnitude,
 *    re-testing both its neighbours against their new sides each time (see merge: Otava re-tests the wrong pair).
 *
 * As in Otava, the t-test takes each side's population standard deviation (ddof = 0) as if it were
 * the sample one; the golden cases of Otava's own tests are reproduced exactly.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';

export interface ChangePointOptions {
  windowLength: number;
  maxPValue: number;
  minMagnitude: number;
}

/** Otava's defaults (compute_change_points). */
export const OTAVA_DEFAULTS: ChangePointOptions = { windowLength: 50, maxPValue: 0.001, minMagnitude: 0 };

export interface ChangePoint {
  /** The first index of the new segment. */
  index: number;
  pValue: number;
  meanBefore: number;
  meanAfter: number;
  stdBefore: number;
  stdAfter: number;
}

interface Candidate {
  index: number;
  qhat: number;
}

/** [start, stop) of a segment between change points; stop undefined means the end of the series. */
interface Interval {
  start: number;
  stop: number | undefined;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function populationStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const average = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - average) ** 2;
  return Math.sqrt(squares / values.length);
}

/** Two-sided Student t-test from each side's mean and (population) standard deviation, pooled variance. */
function tTest(left: readonly number[], right: readonly number[]): Omit<ChangePoint, 'index'> {
  const meanBefore = mean(left);
  const meanAfter = mean(right);
  const stdBefore = populationStd(left);
  const stdAfter = populationStd(right);
  const degrees = left.length + right.length - 2;
  let pValue = 1;
  if (degrees > 0) {
    const pooled = ((left.length - 1) * stdBefore ** 2 + (right.length - 1) * stdAfter ** 2) / degrees;
    const t = (meanBefore - meanAfter) / Math.sqrt(pooled * (1 / left.length + 1 / right.length));
    pValue = Number.isNaN(t) ? Number.NaN : 2 * tCdf(-Math.abs(t), degrees);
  }
  return { pValue, meanBefore, meanAfter, stdBefore, stdAfter };
}

/** The larger of the relative changes forwards and backwards; 0 when a mean is 0 (as Otava). */
export function changeMagnitude(point: Pick<ChangePoint, 'meanBefore' | 'meanAfter'>): number {
  const forward = point.meanBefore === 0 ? 0 : point.meanAfter / point.meanBefore - 1;
  const backward = point.meanAfter === 0 ? 0 : point.meanBefore / point.meanAfter - 1;
  return Math.max(Math.abs(forward), Math.abs(backward));
}

function intervalsOf(points: readonly { index: number }[]): Interval[] {
  const intervals: Interval[] = [];
  for (let i = 0; i <= points.length; i++) {
    const start = i === 0 ? 0 : (points[i - 1] as { index: number }).index;
    const stop = i === points.length ? undefined : (points[i] as { index: number }).index;
    if (start !== stop) intervals.push({ start, stop });
  }
  return intervals;
}

/** The two sides of a candidate: the interval it splits, or (an existing point) the intervals it separates. */
function sidesOf(index: number, series: readonly number[], intervals: readonly Interval[]): [number[], number[]] {
  for (const [position, interval] of intervals.entries()) {
    if (interval.stop === index) {
      const next = intervals[position + 1] as Interval;
      return [series.slice(interval.start, interval.stop), series.slice(next.start, next.stop)];
    }
    if (interval.start < index && (interval.stop === undefined || index < interval.stop)) {
      return [series.slice(interval.start, index), series.slice(index, interval.stop)];
    }
  }
  throw new Error(`change point ${index} is in no interval`);
}

function pointAt(index: number, series: readonly number[], intervals: readonly Interval[]): ChangePoint {
  const [left, right] = sidesOf(index, series, intervals);
  return { index, ...tTest(left, right) };
}

/**
 * The split of series[start … end] (inclusive) maximising Q̂(τ, κ) = Q(series[start:τ], series[τ:κ]) over
 * start < τ < κ ≤ end + 1. Like Otava's matrix argmax, the search runs over every (τ, κ) cell in row-major
 * order, the cells with κ ≤ τ counting as 0, and the first maximum wins.
 */
function bestSplit(series: readonly number[], start: number, end: number): Candidate {
  const size = end - start;
  let best = { i: 0, j: 0, q: Number.NEGATIVE_INFINITY };
  // Sum over start ≤ a < b < τ of |x_a − x_b|, grown with τ.
  let withinLeft = 0;
  for (let i = 0; i < size; i++) {
    const tau = start + 1 + i;
    const n = tau - start;
    if (i > 0) for (let a = start; a < tau - 1; a++) withinLeft += Math.abs((series[a] as number) - (series[tau - 1] as number));
    let between = 0;
    let withinRight = 0;
    for (let j = 0; j < size; j++) {
      const kappa = start + 2 + j;
      let q = 0;
      if (kappa > tau) {
        const added = series[kappa - 1] as number;
        for (let a = start; a < tau; a++) between += Math.abs((series[a] as number) - added);
        for (let b = tau; b < kappa - 1; b++) withinRight += Math.abs((series[b] as number) - added);
        const m = kappa - tau;
        const total = kappa - start;
        q = (2 / total) * between;
        if (n > 1) q -= ((2 * m) / (total * (n - 1))) * withinLeft;
        if (m > 1) q -= ((2 * n) / (total * (m - 1))) * withinRight;
      }
      if (q > best.q) best = { i, j, q };
    }
  }
  return { index: best.i + 1 + start, qhat: best.q };
}

/** E-Divisive on one window: splits kept while their t-test is significant at maxPValue. Indexes are window-relative. */
function divisive(series: readonly number[], maxPValue: number): ChangePoint[] {
  const points: ChangePoint[] = [];
  for (;;) {
    const intervals = intervalsOf(points);
    let candidate: Candidate | undefined;
    for (const interval of intervals) {
      const stop = interval.stop ?? series.length;
      if (stop - interval.start < 2) continue;
      const found = bestSplit(series, interval.start, stop - 1);
      if (!candidate || found.qhat > candidate.qhat) candidate = found;
    }
    if (!candidate) return points;
    const point = pointAt(candidate.index, series, intervals);
    if (!(point.pValue <= maxPValue)) return points;
    points.push(point);
    points.sort((a, b) => a.index - b.index);
  }
}

function split(series: readonly number[], windowLength: number, maxPValue: number): ChangePoint[] {
  if (windowLength < 2) throw new Error('the change point window must hold at least 2 points');
  const step = Math.floor(windowLength / 2);
  const found = new Map<number, ChangePoint>();
  for (let start = 0; start < series.length; ) {
    const end = Math.min(start + windowLength, series.length);
    const points = divisive(series.slice(start, end), maxPValue).map((point) => ({ ...point, index: point.index + start }));
    const last = points.at(-1)?.index ?? 0;
    start = Math.max(last, start + step);
    for (const point of points) if (!found.has(point.index)) found.set(point.index, point);
  }
  const sorted = [...found.values()].sort((a, b) => a.index - b.index);
  const intervals = intervalsOf(sorted);
  return sorted.map((point) => pointAt(point.index, series, intervals));
}

/** Python's max()/min() by key: the first extreme wins, and NaN never replaces anything. */
function firstExtreme<T>(items: readonly T[], key: (item: T) => number, better: (a: number, b: number) => boolean): T {
  let chosen = items[0] as T;
  for (const item of items.slice(1)) if (better(key(item), key(chosen))) chosen = item;
  return chosen;
}

function merge(weak: readonly ChangePoint[], series: readonly number[], maxPValue: number, minMagnitude: number): ChangePoint[] {
  const points = [...weak];
  while (points.length > 0) {
    let weakest = firstExtreme(
      points,
      (point) => point.pValue,
      (a, b) => a > b,
    );
    if (weakest.pValue < maxPValue) {
      weakest = firstExtreme(points, changeMagnitude, (a, b) => a < b);
      if (changeMagnitude(weakest) > minMagnitude) return points;
    }
    const removed = points.findIndex((point) => point.index === weakest.index);
    points.splice(removed, 1);
    const intervals = intervalsOf(points);
    // Both neighbours of the removed point now face a longer side: the one before it (now at removed − 1) and
    // the one after it (now at removed). Otava re-tests removed and removed + 1, which after the removal are the
    // point after and the one after that: the point before keeps a stale p-value and stale means.
    for (const position of [removed - 1, removed]) {
      const point = points[position];
      if (point) points[position] = pointAt(point.index, series, intervals);
    }
  }
  return points;
}

export function changePoints(series: readonly number[], options: Partial<ChangePointOptions> = {}): ChangePoint[] {
  const { windowLength, maxPValue, minMagnitude } = { ...OTAVA_DEFAULTS, ...options };
  const firstPass = maxPValue < 0.05 ? maxPValue * 10 : maxPValue < 0.5 ? maxPValue * 2 : maxPValue;
  return merge(split(series, windowLength, firstPass), series, maxPValue, minMagnitude);
}
