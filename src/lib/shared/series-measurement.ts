import type { Status } from './regression-rule.ts';

/** One successful measurement of a series, as a chart draws it, judged like every other. */
export interface SeriesMeasurement {
  runId: string;
  /** Milliseconds since the epoch. */
  time: number;
  value: number;
  /** Lowest and highest sample, when the run kept samples. */
  low: number | null;
  high: number | null;
  baseline: number | null;
  status: Status;
}
