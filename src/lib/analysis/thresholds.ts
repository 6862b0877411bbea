/**
 * Which regression threshold applies to a metric. The most specific setting wins:
 * the config's entry for the metric, then for its suite, then the threshold the benchmark itself
 * declared in the record, then the global one (--threshold, then REGRESSION_THRESHOLD, then the
 * config's default, then 20 %).
 */

import { UsageError } from '../shared/errors.ts';
import type { Threshold } from '../shared/threshold.ts';
import type { Config } from './config.ts';

export type { Threshold, ThresholdSource } from '../shared/threshold.ts';

export const DEFAULT_THRESHOLD = 0.2;

export function parseThreshold(text: string, source: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    throw new UsageError(`${source} must be a positive fraction such as 0.2 (for 20 %); got ${JSON.stringify(text)}`);
  }
  return value;
}

export interface GlobalThreshold {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  config?: Config;
}

export function globalThreshold({ flag, env = process.env, config }: GlobalThreshold): Threshold {
  if (flag !== undefined) return { value: parseThreshold(flag, '--threshold'), source: '--threshold' };
  if (env.REGRESSION_THRESHOLD)
    return { value: parseThreshold(env.REGRESSION_THRESHOLD, 'REGRESSION_THRESHOLD'), source: 'REGRESSION_THRESHOLD' };
  if (config && config.threshold !== DEFAULT_THRESHOLD) return { value: config.threshold, source: 'config default' };
  return { value: DEFAULT_THRESHOLD, source: 'default' };
}

function metricKey(suite: string, metric: string): string {
  return `${suite}/${metric}`;
}

export function resolveThreshold(
  metric: { suite: string; metric: string; declared: number | null },
  config: Config,
  fallback: Threshold,
): Threshold {
  const forMetric = config.metrics[metricKey(metric.suite, metric.metric)]?.threshold;
  if (forMetric !== undefined) return { value: forMetric, source: 'config metric' };
  const forSuite = config.suites[metric.suite]?.threshold;
  if (forSuite !== undefined) return { value: forSuite, source: 'config suite' };
  if (metric.declared !== null) return { value: metric.declared, source: 'declared by the benchmark' };
  return fallback;
}
