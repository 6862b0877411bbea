/**
 * Change points of every series of the history (platform × metric), from the table
 * materialiseBaselines built: where the level of a series moved, by how much, how surely, and between
 * which runs. Direction-aware: only a move for the worse is a regression.
 */
import { type ChangePoint, type ChangePointOptions, changePoints, OTAVA_DEFAULTS } from './change-points.ts';
import { queryRows } from './duckdb.ts';
import type { History } from './history.ts';
import type { Direction } from './record.ts';
import type { SeriesIdentity } from './status.ts';

/** Only the most recent measurements of a series are scanned: enough history for any change worth acting on, and a bounded cost. */
export const CHANGE_POINT_LOOKBACK = 1_000;

/**
 * Otava's window and p-value, with a minimum magnitude of 5 % instead of its 0: on steady synthetic
 * noise (3 %) a magnitude of 0 raised about 1 false change point per 1,000 runs and 5 % a tenth of that,
 * while on the django asv history 5 % kept 85 of 90 (BENCHMARKS.md). Provisional until the
 * injected-step benchmark measures recall.
 */
export const CHANGE_POINT_DEFAULTS: ChangePointOptions = { ...OTAVA_DEFAULTS, minMagnitude: 0.05 };

export interface SeriesChange extends SeriesIdentity, ChangePoint {
  /** The first run of the new level, and the last run before it. */
  runId: string;
  previousRunId: string;
  timestamp: string;
  /** meanAfter / meanBefore − 1. */
  change: number;
  worse: boolean;
}

function isWorse(direction: Direction, meanBefore: number, meanAfter: number): boolean {
  return direction === 'lower' ? meanAfter > meanBefore : meanAfter < meanBefore;
}

export async function seriesChanges(history: History, options: Partial<ChangePointOptions> = {}): Promise<SeriesChange[]> {
  const rows = await queryRows<SeriesIdentity & { values: number[]; runs: string[]; times: string[] } & Record<string, unknown>>(
    history.connection,
    `SELECT platform, suite, metric, any_value(unit) AS unit, any_value(direction) AS direction,
            list(value ORDER BY timestamp, run_id) AS values, list(run_id ORDER BY timestamp, run_id) AS runs,
            list(timestamp ORDER BY timestamp, run_id) AS times
     FROM (SELECT * FROM series_baselines
           QUALIFY row_number() OVER (PARTITION BY platform, suite, metric ORDER BY timestamp DESC, run_id DESC) <= $lookback)
     GROUP BY platform, suite, metric
     ORDER BY platform, suite, metric`,
    { lookback: CHANGE_POINT_LOOKBACK },
  );
  const settings = { ...CHANGE_POINT_DEFAULTS, ...options };
  return rows.flatMap((row) =>
    changePoints(row.values, settings).map((point) => ({
      platform: row.platform,
      suite: row.suite,
      metric: row.metric,
      unit: row.unit,
      direction: row.direction,
      ...point,
      runId: row.runs[point.index] as string,
      previousRunId: row.runs[point.index - 1] as string,
      timestamp: row.times[point.index] as string,
      change: point.meanBefore === 0 ? 0 : point.meanAfter / point.meanBefore - 1,
      worse: isWorse(row.direction, point.meanBefore, point.meanAfter),
    })),
  );
}
