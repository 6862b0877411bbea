/**
 * Is a difference between two sets of samples real? The two-sided Mann–Whitney U test, as SciPy and
 * asv compute it: exact for samples of up to 20 without ties, otherwise the normal approximation with the
 * tie and continuity corrections; and the Hodges–Lehmann estimate of the shift (the median of all
 * pairwise differences), with the distribution-free confidence interval that goes with the test.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitney {
  /** U for the first sample, as SciPy reports it. */
  u: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Average ranks (1-based) of the values, and the sizes of the groups of ties. */
function rank(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end++;
    const average = (start + end) / 2 + 1;
    for (let position = start; position <= end; position++) ranks[(order[position] as { index: number }).index] = average;
    ties.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, ties };
}

/** Counts of each U under the null hypothesis: frequencies[u] for u = 0 … n1·n2. */
function exactFrequencies(n1: number, n2: number): number[] {
  // f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u), built up over m and n.
  let previous: number[][] = Array.from({ length: n2 + 1 }, () => [1]);
  for (let m = 1; m <= n1; m++) {
    const current: number[][] = [[1]];
    for (let n = 1; n <= n2; n++) {
      const size = m * n + 1;
      const row = new Array<number>(size).fill(0);
      const withoutX = previous[n] as number[];
      const withoutY = current[n - 1] as number[];
      for (let u = 0; u < size; u++) row[u] = (u - n >= 0 ? (withoutX[u - n] ?? 0) : 0) + (withoutY[u] ?? 0);
      current.push(row);
    }
    previous = current;
  }
  return previous[n2] as number[];
}

/** P(U ≥ k) under the null hypothesis. */
function exactSurvival(k: number, n1: number, n2: number): number {
  const frequencies = exactFrequencies(n1, n2);
  const total = frequencies.reduce((sum, count) => sum + count, 0);
  let tail = 0;
  for (let u = Math.max(0, Math.ceil(k)); u < frequencies.length; u++) tail += frequencies[u] as number;
  return tail / total;
}

/**
 * Exact up to this many values a side, without ties: beyond SciPy's 8 (its "auto"), since the exact
 * distribution is cheap at this size and the normal approximation is poor for small samples.
 */
const EXACT_MAX = 20;

export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: { alternative?: Alternative; method?: 'auto' | 'exact' | 'asymptotic' } = {},
): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new Error('the Mann–Whitney U test needs samples on both sides');
  const { ranks, ties } = rank([...x, ...y]);
  const u1 = ranks.slice(0, n1).reduce((sum, value) => sum + value, 0) - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const alternative = options.alternative ?? 'two-sided';
  const [u, factor] = alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2];
  const hasTies = ties.some((size) => size > 1);
  const method =
    options.method && options.method !== 'auto' ? options.method : Math.max(n1, n2) <= EXACT_MAX && !hasTies ? 'exact' : 'asymptotic';
  let p: number;
  if (method === 'exact') {
    p = exactSurvival(u, n1, n2);
  } else {
    const n = n1 + n2;
    const tieTerm = ties.reduce((sum, size) => sum + size ** 3 - size, 0);
    const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const z = (u - (n1 * n2) / 2 - 0.5) / sd;
    p = 1 - normalCdf(z, 0, 1);
  }
  return { u: u1, pValue: Math.min(1, Math.max(0, p * factor)), method };
}

/** The Hodges–Lehmann shift of y against x: the median of every difference yⱼ − xᵢ. */
export function hodgesLehmann(x: readonly number[], y: readonly number[]): number {
  const differences = pairwiseDifferences(x, y);
  const middle = Math.floor(differences.length / 2);
  return differences.length % 2 === 1
    ? (differences[middle] as number)
    : ((differences[middle - 1] as number) + (differences[middle] as number)) / 2;
}

function pairwiseDifferences(x: readonly number[], y: readonly number[]): number[] {
  return y.flatMap((b) => x.map((a) => b - a)).sort((a, b) => a - b);
}

/**
 * A confidence interval for the shift y − x at the given level: the order statistics of the pairwise
 * differences that the Mann–Whitney distribution puts the bounds at (exact for small samples, normal
 * approximation otherwise). Too few samples for the level give the widest interval there is.
 */
export function shiftInterval(x: readonly number[], y: readonly number[], level = 0.95): { low: number; high: number } {
  const differences = pairwiseDifferences(x, y);
  const n1 = x.length;
  const n2 = y.length;
  const alpha = (1 - level) / 2;
  let k: number;
  if (Math.max(n1, n2) <= 20) {
    // The largest k with P(U < k) ≤ α: the k-th smallest and k-th largest differences bound the interval.
    const frequencies = exactFrequencies(n1, n2);
    const total = frequencies.reduce((sum, count) => sum + count, 0);
    let cumulative = 0;
    k = 0;
    while (k < frequencies.length && cumulative + (frequencies[k] as number) <= alpha * total) cumulative += frequencies[k++] as number;
  } else {
    const z = -inverseNormal(alpha);
    k = Math.floor((n1 * n2) / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12));
  }
  // k is 1-based: the k-th smallest and k-th largest differences (the widest, when even they fall short of the level).
  const index = Math.max(0, Math.min(k - 1, Math.floor((differences.length - 1) / 2)));
  return { low: differences[index] as number, high: differences[differences.length - 1 - index] as number };
}

/** The standard normal quantile, by bisection on the CDF (called once per interval, so speed does not matter). */
function inverseNormal(p: number): number {
  let low = -40;
  let high = 40;
  for (let step = 0; step < 200; step++) {
    const middle = (low + high) / 2;
    if (normalCdf(middle, 0, 1) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

export interface SampleComparison {
  pValue: number;
  /**
   * The smallest two-sided p-value samples of these sizes can give: 2 / C(n1 + n2, n1). One sample
   * against five can never be significant at 0.05; such a test decides nothing.
   */
  minimumPValue: number;
  /**
   * A 95 % confidence interval of the relative change (0.1 = 10 % higher), or null when the samples are
   * too few for the interval to reach 95 % (it would only be the widest difference there is).
   */
  low: number | null;
  high: number | null;
}

const INTERVAL_LEVEL = 0.95;

/**
 * Mann–Whitney on the samples of both sides, and the interval of the change of `current` (the judged run's
 * value) from `reference` (its baseline), as pages print it. The interval's width is the samples' own: the
 * Hodges–Lehmann interval of their shift. It is placed around that change, not around the samples' typical
 * shift: a tool's value is often a mean, which a skewed timing distribution pulls away from the typical
 * sample, and a change printed outside its own interval ("+286% (+281% to +284%)") reads as a contradiction.
 * Positive samples (times, sizes, rates) get the interval of the ratio, from the shift of their logarithms: it
 * can never fall below −100 %. Samples with zero or negative values get the shift relative to the reference.
 */
export function compareSamples(
  before: readonly number[],
  after: readonly number[],
  reference: number,
  current: number,
): SampleComparison | null {
  if (before.length === 0 || after.length === 0 || reference === 0) return null;
  const { pValue } = mannWhitneyU(before, after);
  const minimumPValue = Math.min(1, 2 / binomial(before.length + after.length, before.length));
  if (minimumPValue > 1 - INTERVAL_LEVEL) return { pValue, minimumPValue, low: null, high: null };
  const positive = [...before, ...after, reference, current].every((value) => value > 0);
  const [x, y] = positive ? [before.map(Math.log), after.map(Math.log)] : [before, after];
  const shift = shiftInterval(x, y, INTERVAL_LEVEL);
  const typical = hodgesLehmann(x, y);
  const reported = positive ? Math.log(current / reference) : current - reference;
  const low = reported - (typical - shift.low);
  const high = reported + (shift.high - typical);
  if (positive) return { pValue, minimumPValue, low: Math.expm1(low), high: Math.expm1(high) };
  return { pValue, minimumPValue, low: low / Math.abs(reference), high: high / Math.abs(reference) };
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) result = (result * (n - Math.min(k, n - k) + i)) / i;
  return result;
}
