/**
 * Is a change real? The tests behind every p-value and interval perfsite prints, each about one statistic:
 *
 * - runs (testLevels): a run against its baseline runs, or two groups of runs. The run is the unit of
 *   evidence: iterations inside one run agree far better than runs do (runner-speed.ts), so pooling them as
 *   independent values finds "significant" changes in flat history. The change of medians is judged against
 *   the runs' own spread (on log values for positive ones).
 * - rounds (testRounds): A/B rounds, paired: a t-test over the per-round log ratios.
 * - samples (testSamples): two single runs, where nothing but their samples is known: Mann–Whitney and the
 *   Hodges–Lehmann shift, said to be about these two runs only.
 *
 * A run's verdicts across its metrics are held to a false discovery rate by Benjamini–Hochberg (adjustPValues).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

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

const criticalValues = new Map<string, number>();
/**
 * Student's t quantile, remembered: every status of a build asks for it with one of a few levels and degrees
 * of freedom, and inverting the incomplete beta function for each of django's 67,000 run statuses took 85 ms.
 */
function studentQuantile(p: number, degrees: number): number {
  const key = `${p} ${degrees}`;
  let value = criticalValues.get(key);
  if (value === undefined) {
    value = tQuantile(p, degrees);
    criticalValues.set(key, value);
  }
  return value;
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

export type TestName = 'runs' | 'rounds' | 'samples';

/**
 * A test of one change. `estimate`, the interval and the p-value are all about the same statistic: the
 * relative change (0.1 = 10 % higher). For 'runs' and 'rounds' it is the change the rule judges; for
 * 'samples' it is the shift of the typical sample, which a tail can pull away from a tool's mean.
 */
export interface ChangeTest {
  test: TestName;
  /** The units of evidence: baseline runs, rounds, or the two runs' samples (the smaller side). */
  count: number;
  estimate: number;
  /** The interval at `level`, or null when there is too little evidence to test (pValue null too). */
  low: number | null;
  high: number | null;
  level: number;
  pValue: number | null;
  /** Benjamini–Hochberg across the metrics of the run (`family` of them), when it was adjusted. */
  adjustedPValue: number | null;
  family: number | null;
}

/** Below this many baseline runs (or rounds), no spread can be estimated that a test could rest on. */
export const MIN_RUNS_TO_TEST = 3;

function untested(test: TestName, count: number, estimate: number, level: number): ChangeTest {
  return { test, count, estimate, low: null, high: null, level, pValue: null, adjustedPValue: null, family: null };
}

function sampleSd(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}

/**
 * How much runs of a series differ from one another: the sample standard deviation of ln(value) (null when a
 * value is not positive) and of the values, over `runs` runs of one level.
 */
export interface RunSpread {
  runs: number;
  logSd: number | null;
  sd: number | null;
}

/** How unsure a run is of its own value, from its samples: the standard error of their mean (of ln, and plain). */
export interface OwnSpread {
  logSe: number | null;
  se: number | null;
}

export function ownSpread(samples: readonly number[] | null | undefined): OwnSpread | null {
  if (!samples || samples.length < 2) return null;
  const root = Math.sqrt(samples.length);
  return {
    logSe: samples.every((sample) => sample > 0) ? sampleSd(samples.map(Math.log)) / root : null,
    se: sampleSd(samples) / root,
  };
}

/** Var(median of n runs) / σ²: exact for one and two runs, π / 2n (its large-sample value, larger than for 3–5) beyond. */
function medianVarianceFactor(runs: number): number {
  return runs <= 2 ? 1 / runs : Math.PI / (2 * runs);
}

/** One side of a test of levels: the median of some runs' values (one run: its value, and what its samples say of it). */
export interface Level {
  median: number;
  runs: number;
  own?: OwnSpread | null;
}

/**
 * A change of level, tested at the level of runs: `after`'s median against `before`'s, as a relative
 * change. d = ln(after / before) has the variance of each side's median of runs (the runs' spread s² times
 * medianVarianceFactor; a single run's own sampling variance instead when its samples say it is noisier), and
 * is referred to Student's t with spread.runs − 1 degrees of freedom. Values that can be zero or negative are
 * tested as differences relative to |before|. A run against its baseline runs is a prediction of one new
 * run. Coverage and the false-positive rate are measured by npm run bench:aa.
 */
export function testLevels(after: Level, before: Level, spread: RunSpread, level: number): ChangeTest | null {
  if (before.median === 0) return null;
  const positive = after.median > 0 && before.median > 0 && spread.logSd !== null;
  const estimate = after.median / before.median - 1;
  if (spread.runs < MIN_RUNS_TO_TEST) return untested('runs', spread.runs, estimate, level);
  const s = positive ? spread.logSd : spread.sd;
  if (s === null || !Number.isFinite(s)) return untested('runs', spread.runs, estimate, level);
  const d = positive ? Math.log(after.median / before.median) : after.median - before.median;
  const sideVariance = (side: Level) => {
    const runsVariance = s ** 2 * medianVarianceFactor(side.runs);
    const own = side.runs === 1 ? (positive ? side.own?.logSe : side.own?.se) : null;
    return Math.max(runsVariance, (own ?? 0) ** 2);
  };
  const se = Math.sqrt(sideVariance(after) + sideVariance(before));
  let pValue: number;
  let half: number;
  if (se === 0) {
    // Runs that all agree exactly (counts, sizes): any other value is a change, none is not.
    pValue = d === 0 ? 1 : 0;
    half = 0;
  } else {
    pValue = Math.min(1, 2 * tCdf(-Math.abs(d / se), spread.runs - 1));
    half = studentQuantile(1 - (1 - level) / 2, spread.runs - 1) * se;
  }
  const bound = (shift: number) => (positive ? Math.expm1(shift) : shift / Math.abs(before.median));
  return {
    test: 'runs',
    count: spread.runs,
    estimate,
    low: bound(d - half),
    high: bound(d + half),
    level,
    pValue,
    adjustedPValue: null,
    family: null,
  };
}

/** Where a probed commit's runs lie between a range's two ends (bisect): nearer the first end, nearer the second, or not yet told apart. */
export interface MidpointTest {
  side: 'first' | 'second' | null;
  /** (probe − first) ÷ (second − first) on the log scale: 0 at the first end's level, 1 at the second's. */
  position: number;
  pValue: number | null;
}

/**
 * Is a probe's level nearer one end of a range than the other? The contrast c = ln m_probe − (ln m_first +
 * ln m_second) / 2 of the three medians of runs is 0 when the probe sits halfway; its variance is the runs'
 * pooled spread s² times the medians' factors (f(probe) + f(first)/4 + f(second)/4), and c/se is referred to
 * Student's t with the pooled estimate's degrees of freedom. The side is said when p ≤ alpha. For positive
 * values only: a level a bisect follows is a timing, a size or a rate. Coverage and the rate of wrong sides are
 * measured by tests/unit/bisect.test.ts on simulated ranges.
 */
export function testMidpoint(probe: readonly number[], first: readonly number[], second: readonly number[], alpha: number): MidpointTest {
  const [p, a, b] = [probe, first, second].map((values) => Math.log(median(values))) as [number, number, number];
  const position = a === b ? 0.5 : (p - a) / (b - a);
  const spread = pooledSpread([probe, first, second]);
  if (spread.logSd === null || spread.runs < MIN_RUNS_TO_TEST || a === b) return { side: null, position, pValue: null };
  const contrast = (p - (a + b) / 2) * Math.sign(b - a);
  const se =
    spread.logSd *
    Math.sqrt(medianVarianceFactor(probe.length) + medianVarianceFactor(first.length) / 4 + medianVarianceFactor(second.length) / 4);
  const pValue = se === 0 ? (contrast === 0 ? 1 : 0) : Math.min(1, 2 * tCdf(-Math.abs(contrast / se), spread.runs - 1));
  return { side: pValue <= alpha ? (contrast < 0 ? 'first' : 'second') : null, position, pValue };
}

/** The pooled spread of two groups of runs' values (each group around its own level). */
export function pooledSpread(groups: ReadonlyArray<readonly number[]>): RunSpread {
  const runs = groups.reduce((sum, group) => sum + group.length, 0);
  const degrees = runs - groups.length;
  const squares = (values: readonly number[]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    return values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  };
  const filled = groups.filter((group) => group.length > 0);
  const pooled = (transform: (value: number) => number) =>
    degrees > 0 ? Math.sqrt(filled.reduce((sum, group) => sum + squares(group.map(transform)), 0) / degrees) : null;
  const positive = filled.every((group) => group.every((value) => value > 0));
  // Degrees of freedom + 1, so that testLevels' t has the pooled estimate's degrees.
  return { runs: degrees + 1, logSd: positive ? pooled(Math.log) : null, sd: pooled((value) => value) };
}

/**
 * A/B rounds, paired: each round ran base and head back to back, so their ratio cancels what the round
 * shared (a warm or a throttled runner). The paired t-test over the rounds' log ratios: the estimate is their
 * geometric mean, with its interval. A rank test (Wilcoxon's signed-rank) could not reach 0.05 with fewer
 * than 6 rounds, and an A/B job runs 3 to 5.
 */
export function testRounds(ratios: readonly number[], level: number): ChangeTest | null {
  if (ratios.length === 0 || ratios.some((ratio) => !(ratio > 0))) return null;
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const estimate = Math.expm1(mean);
  if (logs.length < MIN_RUNS_TO_TEST) return untested('rounds', logs.length, estimate, level);
  const se = sampleSd(logs) / Math.sqrt(logs.length);
  const degrees = logs.length - 1;
  const pValue = se === 0 ? (mean === 0 ? 1 : 0) : Math.min(1, 2 * tCdf(-Math.abs(mean / se), degrees));
  const half = se === 0 ? 0 : studentQuantile(1 - (1 - level) / 2, degrees) * se;
  return {
    test: 'rounds',
    count: logs.length,
    estimate,
    low: Math.expm1(mean - half),
    high: Math.expm1(mean + half),
    level,
    pValue,
    adjustedPValue: null,
    family: null,
  };
}

/**
 * Two single runs with samples: the samples are all the evidence there is, and they say nothing about how
 * much a third run would differ. Mann–Whitney on the samples, and the Hodges–Lehmann shift of the typical
 * sample (of the log samples, for positive values: a ratio) with its interval at `level`. Null when the
 * samples are too few for the test to ever reach the level.
 */
export function testSamples(before: readonly number[], after: readonly number[], level: number): ChangeTest | null {
  if (before.length === 0 || after.length === 0) return null;
  const smallest = Math.min(1, 2 / binomial(before.length + after.length, before.length));
  if (smallest >= 1 - level) return null;
  const positive = [...before, ...after].every((value) => value > 0);
  const [x, y] = positive ? [before.map(Math.log), after.map(Math.log)] : [before, after];
  const reference = positive ? 1 : Math.abs(median(before));
  if (reference === 0) return null;
  const relative = (shift: number) => (positive ? Math.expm1(shift) : shift / reference);
  const interval = shiftInterval(x, y, level);
  return {
    test: 'samples',
    count: Math.min(before.length, after.length),
    estimate: relative(hodgesLehmann(x, y)),
    low: relative(interval.low),
    high: relative(interval.high),
    level,
    pValue: mannWhitneyU(before, after).pValue,
    adjustedPValue: null,
    family: null,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) result = (result * (n - Math.min(k, n - k) + i)) / i;
  return result;
}

/**
 * Benjamini–Hochberg adjusted p-values of `pValues` within a family of `family` tests (at least as many):
 * the family members not given are taken to have larger p-values than every one given, which can only
 * make the adjustment stricter, so it still holds the false discovery rate at the level.
 */
export function adjustPValues(pValues: readonly number[], family: number = pValues.length): number[] {
  const m = Math.max(family, pValues.length);
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 1;
  for (let position = order.length - 1; position >= 0; position--) {
    const { p, index } = order[position] as { p: number; index: number };
    running = Math.min(running, (p * m) / (position + 1));
    adjusted[index] = Math.min(1, running);
  }
  return adjusted;
}
