/**
 * How a benchmark suite is written: one file bench/<name>.suite.ts that default-exports defineSuite({...}).
 * The runner calls setup once, sample() once per sample (each call measures every metric once),
 * then teardown. The value recorded for a metric is the median of its samples.
 */
import type { Direction, MetricInput, Mode } from '../src/lib/store/record.ts';

export interface MetricSpec {
  unit: string;
  direction: Direction;
  description: string;
  /** Relative regression threshold for this metric (0.2 = 20 %), when the default does not fit its noise. */
  threshold?: number;
}

export interface SuiteContext {
  mode: Mode;
  /** A folder of its own for this run, removed afterwards. */
  scratchDir: string;
  /** Picks a setting by mode: modes change how much is measured, never what a number means. */
  byMode<T>(settings: Record<Mode, T>): T;
  /** Names the metric being measured now, for the progress line. */
  step(metric: string): void;
}

export interface Suite<Metrics extends string = string, State = unknown> {
  name: string;
  description: string;
  metrics: Record<Metrics, MetricSpec>;
  /** How many samples each mode takes (default: quick 3, standard 5, comprehensive 10). */
  samples?: Partial<Record<Mode, number>>;
  setup(context: SuiteContext): Promise<State>;
  sample(state: State, context: SuiteContext): Promise<Record<Metrics, number>>;
  teardown?(state: State): Promise<void>;
}

export function defineSuite<Metrics extends string, State>(suite: Suite<Metrics, State>): Suite<Metrics, State> {
  return suite;
}

/**
 * A suite that runs an external tool (hyperfine, go test -bench, cargo bench…) which does its own
 * repetitions: run() returns the tool's results as metrics, read with the importers' parsers
 * (src/lib/importers/formats.ts), e.g. FILE_FORMATS.hyperfine.parse(output, { file, suite }).
 */
export interface ToolSuite {
  name: string;
  description: string;
  run(context: SuiteContext): Promise<MetricInput[]>;
}

export function defineToolSuite(suite: ToolSuite): ToolSuite {
  return suite;
}

export const DEFAULT_SAMPLES: Record<Mode, number> = { quick: 3, standard: 5, comprehensive: 10 };

/** Seconds elapsed while fn runs, from the monotonic clock. */
export async function timeSeconds(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
