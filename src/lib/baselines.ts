/** Baselines computed from the history. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from './duckdb.ts';

export interface RecentMedian {
  platform: string;
  suite: string;
  metric: string;
  median: number;
  runs: number;
}

/** Per platform × metric, the median of the last `window` successful measurements. */
export async function recentMedians(connection: DuckDBConnection, window = 5): Promise<RecentMedian[]> {
  return queryRows<RecentMedian & Record<string, unknown>>(
    connection,
    `SELECT platform, suite, metric, median(value) AS median, count(*)::INTEGER AS runs
     FROM (
       SELECT platform, suite, metric, value,
              row_number() OVER (PARTITION BY platform, suite, metric ORDER BY timestamp DESC, run_id DESC) AS recency
       FROM metrics WHERE status = 'ok'
     )
     WHERE recency <= $window
     GROUP BY ALL ORDER BY ALL`,
    { window },
  );
}
