/**
 * Proposing new pinned baselines, with the seed's safeguards:
 *   - the proposal is the median of the last `minRuns` runs on the default branch, and needs that many;
 *   - it replaces a pinned value only when it is more than 5 % better (direction-aware);
 *   - never when it is worse, and never while the metric's latest run is a regression.
 * A metric with no pinned value yet gets an initial proposal, applied only when asked for.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { UsageError } from '../shared/errors.ts';
import { seriesKey } from '../shared/keys.ts';
import { improvementOf, relativeChange } from '../shared/regression-rule.ts';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { Direction } from '../store/record.ts';
import { pinnedValue } from './baselines-file.ts';
import { ON_BASELINE_BRANCH } from './series-runs.ts';
import { type AnalysisSettings, latestStatuses, type SeriesIdentity } from './status.ts';

export const IMPROVEMENT_MARGIN = 0.05;

export type Decision = 'improvement' | 'initial' | 'too few runs' | 'less than 5 % better' | 'worse' | 'latest run regressed';

export interface Proposal extends SeriesIdentity {
  current: number | null;
  proposed: number | null;
  runs: number;
  change: number | null;
  decision: Decision;
}

export function isApplicable(proposal: Proposal, options: { includeInitial: boolean }): boolean {
  return proposal.decision === 'improvement' || (options.includeInitial && proposal.decision === 'initial');
}

export async function proposeBaselines(
  history: History,
  settings: AnalysisSettings,
  options: { platforms?: readonly string[] | undefined; minRuns: number },
): Promise<Proposal[]> {
  if (!Number.isInteger(options.minRuns) || options.minRuns < 1)
    throw new UsageError(`--min-runs must be a positive integer, got ${options.minRuns}`);
  const rows = await queryRows<{
    platform: string;
    suite: string;
    metric: string;
    unit: string;
    direction: Direction;
    median: number;
    runs: number;
  }>(
    history.connection,
    `SELECT platform, suite, metric, arg_max(unit, timestamp) AS unit, arg_max(direction, timestamp) AS direction,
            median(value) AS median, count(*)::INTEGER AS runs
     FROM (
       SELECT *, row_number() OVER (PARTITION BY platform, suite, metric ORDER BY timestamp DESC, run_id DESC) AS recency
       FROM metrics
       WHERE status = 'ok' AND ${ON_BASELINE_BRANCH}
         AND ($platforms IS NULL OR list_contains($platforms, platform))
     )
     WHERE recency <= $window
     GROUP BY platform, suite, metric ORDER BY platform, suite, metric`,
    {
      branch: settings.config.defaultBranch,
      platforms: options.platforms ? listValue([...options.platforms]) : null,
      window: options.minRuns,
    },
    { platforms: LIST(VARCHAR) },
  );
  const regressed = new Set(
    (await latestStatuses(history, settings)).filter((status) => status.status === 'regression').map((status) => seriesKey(status)),
  );

  return rows.map((row): Proposal => {
    const current = pinnedValue(settings.pinned, row.platform, row.suite, row.metric) ?? null;
    const base = {
      platform: row.platform,
      suite: row.suite,
      metric: row.metric,
      unit: row.unit,
      direction: row.direction,
      current,
      runs: row.runs,
    };
    if (row.runs < options.minRuns) return { ...base, proposed: null, change: null, decision: 'too few runs' };
    const proposed = row.median;
    if (current === null) return { ...base, proposed, change: null, decision: 'initial' };
    const change = relativeChange(proposed, current);
    const better = improvementOf(change, row.direction);
    let decision: Decision;
    if (regressed.has(seriesKey(row))) decision = 'latest run regressed';
    else if (better < 0) decision = 'worse';
    else if (better <= IMPROVEMENT_MARGIN) decision = 'less than 5 % better';
    else decision = 'improvement';
    return { ...base, proposed, change, decision };
  });
}
