/** A metric's regression threshold and where it came from (analysis/thresholds.ts resolves it). */
export type ThresholdSource =
  | 'config metric'
  | 'config suite'
  | 'declared by the benchmark'
  | '--threshold'
  | 'REGRESSION_THRESHOLD'
  | 'config default'
  | 'default';

export interface Threshold {
  value: number;
  source: ThresholdSource;
}
