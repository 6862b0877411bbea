/** The view model of a list of recent runs with their metrics. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from './duckdb.ts';

export interface RunSummary {
  runId: string;
  timestamp: string;
  platform: string;
  gitCommit: string | null;
  gitBranch: string | null;
  gitDirty: boolean | null;
  gitMessage: string | null;
  runType: string;
  mode: string;
  synthetic: boolean;
  metrics: Array<{ suite: string; metric: string; value: number | null; unit: string; direction: string; status: string; samples: number }>;
}

export interface RunListing {
  totalRuns: number;
  runs: RunSummary[];
}

export async function listRecentRuns(connection: DuckDBConnection, limit = 100): Promise<RunListing> {
  const [total] = await queryRows<{ runs: number }>(connection, 'SELECT count(*)::INTEGER AS runs FROM runs');
  const rows = await queryRows<{
    run_id: string;
    timestamp: string;
    platform: string;
    git_commit: string | null;
    git_branch: string | null;
    git_dirty: boolean | null;
    git_message: string | null;
    run_type: string;
    mode: string;
    synthetic: boolean;
    metrics: RunSummary['metrics'];
  }>(
    connection,
    `WITH recent AS (SELECT * FROM runs ORDER BY timestamp DESC, run_id DESC LIMIT $limit)
     SELECT r.run_id, strftime(r.timestamp, '%Y-%m-%dT%H:%M:%SZ') AS timestamp, r.platform, r.git_commit, r.git_branch,
            r.git_dirty, r.git_message, r.run_type, r.mode, r.synthetic,
            list({suite: m.suite, metric: m.metric, value: m.value, unit: m.unit, direction: m.direction,
                  status: m.status, samples: coalesce(len(m.samples), 0)::INTEGER} ORDER BY m.suite, m.metric) AS metrics
     FROM recent AS r JOIN metrics AS m USING (run_id)
     GROUP BY ALL ORDER BY timestamp DESC, r.run_id DESC`,
    { limit },
  );
  return {
    totalRuns: total?.runs ?? 0,
    runs: rows.map((row) => ({
      runId: row.run_id,
      timestamp: row.timestamp,
      platform: row.platform,
      gitCommit: row.git_commit,
      gitBranch: row.git_branch,
      gitDirty: row.git_dirty,
      gitMessage: row.git_message,
      runType: row.run_type,
      mode: row.mode,
      synthetic: row.synthetic,
      metrics: row.metrics,
    })),
  };
}
