/**
 * Runner effects: on shared CI machines most of a series' noise is the machine, not the code. In the
 * django asv history a run is 15–40 % slower or faster across *all* its benchmarks at once (the runner
 * it landed on), while the samples within a run agree to 1 %. Benchmarks do not all react alike to a
 * slower machine (one moved 1.24× on runners where the median moved 1.42×), so one speed factor per
 * run is not enough: the shared part is modelled as a few factors, a low-rank fit of log(value) over
 * runs × series (alternating least squares on the values present), and divided out. BENCHMARKS.md
 * shows how much noise that removes and what it does for detection.
 *
 * No such correction can see a change that moves most metrics of a run at once: that looks exactly
 * like a slower runner. Change-point detection therefore also scans the raw series (series-changes.ts).
 */

import { median } from 'simple-statistics';

export interface RunSeries {
  /** The run of each value, in the order of the values. */
  runs: readonly string[];
  values: readonly number[];
  /**
   * Where a new level of the series is already known to start (the raw scan's change points): each
   * stretch is fitted against its own median, so a change that many series share at one run is not
   * taken for a runner effect and divided out.
   */
  levelShifts?: readonly number[];
}

/** Fewer series than this per factor, and the fit starts to explain the series' own changes as runner effects. */
export const SERIES_PER_FACTOR = 10;
export const MAX_RUNNER_FACTORS = 3;
const ITERATIONS = 30;

export function runnerFactorCount(seriesCount: number): number {
  return Math.min(MAX_RUNNER_FACTORS, Math.floor(seriesCount / SERIES_PER_FACTOR));
}

/**
 * Every series as if each of its runs had landed on a typical machine (same order as given). Series
 * measured on a platform together are corrected together: a run's factors are estimated from all of
 * its metrics. Values ≤ 0 are left as they are.
 */
export function runnerCorrected(series: readonly RunSeries[], factors = runnerFactorCount(series.length)): number[][] {
  if (factors === 0) return series.map((one) => [...one.values]);
  const rowOf = new Map<string, number>();
  const rows: number[] = [];
  const columns: number[] = [];
  const residuals: number[] = [];
  const positions: Array<[number, number]> = [];
  series.forEach((one, column) => {
    const centres = stretchMedians(one);
    one.values.forEach((value, index) => {
      if (!(value > 0)) return;
      const centre = centres[index] as number;
      const run = one.runs[index] as string;
      let row = rowOf.get(run);
      if (row === undefined) {
        row = rowOf.size;
        rowOf.set(run, row);
      }
      rows.push(row);
      columns.push(column);
      residuals.push(Math.log(value) - centre);
      positions.push([column, index]);
    });
  });
  const fitted = new Float64Array(residuals.length);
  for (let factor = 0; factor < factors; factor++) {
    if (!fitFactor(rows, columns, residuals, fitted, rowOf.size, series.length)) break;
  }
  const corrected = series.map((one) => [...one.values]);
  positions.forEach(([column, index], entry) => {
    const list = corrected[column] as number[];
    list[index] = (list[index] as number) / Math.exp(fitted[entry] as number);
  });
  return corrected;
}

/**
 * Below this effective number of series behind a factor (participation ratio of its loadings), the
 * factor is one series' own story (a real step, say), not the machine's, and is left in.
 */
const MIN_SHARED_SERIES = 5;

/**
 * One rank-1 factor (run score × series loading) of what is left, by alternating least squares over the
 * present values; subtracted when it is shared by enough series. Says whether it was.
 */
function fitFactor(
  rows: readonly number[],
  columns: readonly number[],
  residuals: number[],
  fitted: Float64Array,
  rowCount: number,
  columnCount: number,
): boolean {
  const scores = new Float64Array(rowCount);
  const loadings = new Float64Array(columnCount).fill(1);
  const numerator = new Float64Array(Math.max(rowCount, columnCount));
  const denominator = new Float64Array(Math.max(rowCount, columnCount));
  const solve = (target: Float64Array, byEntry: readonly number[], other: Float64Array, otherByEntry: readonly number[]) => {
    numerator.fill(0);
    denominator.fill(0);
    for (let entry = 0; entry < residuals.length; entry++) {
      const weight = other[otherByEntry[entry] as number] as number;
      const at = byEntry[entry] as number;
      numerator[at] = (numerator[at] as number) + (residuals[entry] as number) * weight;
      denominator[at] = (denominator[at] as number) + weight * weight;
    }
    for (let at = 0; at < target.length; at++) target[at] = denominator[at] ? (numerator[at] as number) / (denominator[at] as number) : 0;
  };
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    solve(scores, rows, loadings, columns);
    solve(loadings, columns, scores, rows);
  }
  let squares = 0;
  let fourths = 0;
  for (const loading of loadings) {
    squares += loading ** 2;
    fourths += loading ** 4;
  }
  if (fourths === 0 || squares ** 2 / fourths < MIN_SHARED_SERIES) return false;
  for (let entry = 0; entry < residuals.length; entry++) {
    const part = (scores[rows[entry] as number] as number) * (loadings[columns[entry] as number] as number);
    residuals[entry] = (residuals[entry] as number) - part;
    fitted[entry] = (fitted[entry] as number) + part;
  }
  return true;
}

/** For each value, the median log value of its stretch between level shifts. */
function stretchMedians(series: RunSeries): number[] {
  const bounds = [0, ...(series.levelShifts ?? []), series.values.length];
  const centres = new Array<number>(series.values.length).fill(0);
  for (let stretch = 0; stretch + 1 < bounds.length; stretch++) {
    const [from, to] = [bounds[stretch] as number, bounds[stretch + 1] as number];
    const logs = series.values
      .slice(from, to)
      .filter((value) => value > 0)
      .map(Math.log);
    if (logs.length === 0) continue;
    const centre = median(logs);
    centres.fill(centre, from, to);
  }
  return centres;
}

/** The typical relative move from one run to the next (median of |xᵢ ÷ xᵢ₋₁ − 1|): noise, robust to the few real steps. */
export function runToRunNoise(values: readonly number[]): number {
  const moves: number[] = [];
  for (let index = 1; index < values.length; index++) {
    const previous = values[index - 1] as number;
    if (previous !== 0) moves.push(Math.abs((values[index] as number) / previous - 1));
  }
  return moves.length === 0 ? 0 : median(moves);
}
