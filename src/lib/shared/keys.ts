/**
 * The keys that identify a metric (suite × name) and a series (platform × suite × name) in maps: joined by
 * NUL, which no name may hold (record.ts refuses control characters), so no two identities share a key.
 */
export function metricKey(metric: { suite: string; metric: string }): string {
  return `${metric.suite}\u0000${metric.metric}`;
}

export function seriesKey(series: { platform: string; suite: string; metric: string }): string {
  return `${series.platform}\u0000${series.suite}\u0000${series.metric}`;
}
