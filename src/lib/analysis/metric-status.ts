/** What the judge says of one measurement (status.ts judges; every page, report and command shows it). */
import type { Status } from '../shared/regression-rule.ts';
import type { ChangeTest, OwnSpread, RunSpread } from '../shared/significance.ts';
import type { Threshold } from '../shared/threshold.ts';
import type { Direction } from '../store/record.ts';

export type BaselineSource = 'pinned' | 'rolling';

/** What names a series: one metric on one platform, with how to read its values. */
export interface SeriesIdentity {
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
}

export interface MetricStatus extends SeriesIdentity {
  runId: string;
  timestamp: string;
  current: number | null;
  samples: number[] | null;
  baseline: number | null;
  baselineSource: BaselineSource | null;
  /** How many runs the rolling median was taken over (0 for pinned or missing baselines). */
  baselineRuns: number;
  /** How much the series' runs differ from one another at the baseline's level, and what the run's samples say of it. */
  spread: RunSpread | null;
  own: OwnSpread | null;
  change: number | null;
  /** The test of the change against the baseline runs' spread (testLevels), adjusted across the run's metrics. */
  significance: ChangeTest | null;
  threshold: Threshold;
  status: Status;
  /** For 'new-level': the open regression event the series moved in (onOpenRegressions). */
  openEvent?: string;
}
