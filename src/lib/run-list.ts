/** The view model of a list of recent runs with their metrics. */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { queryRows } from './duckdb.ts';
import type { History } from './history.ts';
import { type RunInfo, recentRuns } from './queries.ts';

export interface RunSummary extends RunInfo {
  metrics: Array<{ suite: string; metric: string; value: number | null; unit: string; direction: string; status: string; samples: number }>;
}

export interface RunListing {
  totalRuns: number;
  runs: RunSummary[];
}

export async function listRecentRuns(history: History, limit = 100): Promise<RunListing> {
  const [total] = await queryRows<{ runs: number }>(history.connection, 'SELECT count(*)::INTEGER AS runs FROM runs');
  const runs = await recentRuns(history, { limit });
  const metrics = await queryRows<{ run_id: string; metrics: RunSummary['metrics'] }>(
    history.connection,
    `SELECT run_id, list({suite: suite, metric: metric, value: value, unit: unit, direction: direction,
                          status: status, samples: coalesce(len(samples), 0)::INTEGER} ORDER BY suite, metric) AS metrics
     FROM metrics WHERE run_id IN (SELECT unnest($ids)) GROUP BY run_id`,
    { ids: listValue(runs.map((run) => run.runId)) },
    { ids: LIST(VARCHAR) },
  );
  const byRun = new Map(metrics.map((row) => [row.run_id, row.metrics]));
  return { totalRuns: total?.runs ?? 0, runs: runs.map((run) => ({ ...run, metrics: byRun.get(run.runId) ?? [] })) };
}
