/**
 * Two runs, or two commits, side by side (in the spirit of `asv compare`): each metric is better,
 * worse, unchanged, added or removed, by the same direction-aware threshold rule as everywhere else.
 * A commit stands for all its runs; several runs of one commit on one platform are summarised by
 * their median.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Config } from '../analysis/config.ts';
import { findRun, type RunInfo, runsOfCommit } from '../analysis/queries.ts';
import { statusOfRuns } from '../analysis/status.ts';
import { resolveThreshold, type Threshold } from '../analysis/thresholds.ts';
import { commandHint } from '../shared/command-hint.ts';
import { type ComparedMetric, judgePair, pairPlatformLabel, type SideSummary, sortCompared } from '../shared/compare-judge.ts';
import { metricKey, seriesKey } from '../shared/keys.ts';
import { ambiguity } from '../shared/published-run.ts';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import { RunNotFoundError } from './run-report.ts';

export interface Side {
  ref: string;
  kind: 'run' | 'commit';
  runs: RunInfo[];
}

export interface Comparison {
  a: Side;
  b: Side;
  metrics: ComparedMetric[];
  /** Platforms only one side ran on: nothing there to compare, so they are left out rather than shown as removed. */
  leftOut: string[];
}

export async function resolveSide(history: History, ref: string): Promise<Side> {
  const run = await findRun(history, ref);
  if (run) return { ref, kind: 'run', runs: [run] };
  const runs = await runsOfCommit(history, ref);
  const ambiguous = ambiguity(ref, runs);
  if (ambiguous) throw new RunNotFoundError(ambiguous);
  if (runs.length > 0) return { ref, kind: 'commit', runs };
  throw new RunNotFoundError(
    `${JSON.stringify(ref)} is neither a run id nor a commit (7+ hex characters) with runs in the history; \`${commandHint('stats')}\` lists recent runs.`,
  );
}

interface Aggregate extends SideSummary {
  side: 'a' | 'b';
  threshold: number | null;
}

export async function compareRuns(
  history: History,
  refs: { a: string; b: string },
  settings: {
    config: Config;
    threshold: Threshold;
    platform?: string | undefined;
    /** The sides' runs were made in rounds, one of each side a round, in time order (npm run ab): test them in pairs. */
    paired?: boolean;
  },
): Promise<Comparison> {
  const a = await resolveSide(history, refs.a);
  const b = await resolveSide(history, refs.b);
  // Two single runs are compared directly, even across platforms; commits are compared platform by platform.
  const acrossPlatforms = a.kind === 'run' && b.kind === 'run';
  const platformsOf = (side: Side) => new Set(side.runs.map((run) => run.platform));
  const [aPlatforms, bPlatforms] = [platformsOf(a), platformsOf(b)];
  const shared = acrossPlatforms ? null : [...aPlatforms].filter((platform) => bPlatforms.has(platform));
  const leftOut = acrossPlatforms
    ? []
    : [...new Set([...aPlatforms, ...bPlatforms])].filter((platform) => !shared?.includes(platform)).sort();
  if (shared && shared.length === 0) {
    throw new RunNotFoundError(
      `${JSON.stringify(refs.a)} ran on ${[...aPlatforms].join(', ')} and ${JSON.stringify(refs.b)} on ${[...bPlatforms].join(', ')}: no platform in common to compare on; compare two run ids to compare across platforms.`,
    );
  }
  const rows = await queryRows<Aggregate & Record<string, unknown>>(
    history.connection,
    // A run may stand on both sides (a commit against one of its own runs): each side selects its rows.
    `WITH sides AS (SELECT 'a' AS side, unnest($a) AS run_id UNION ALL SELECT 'b' AS side, unnest($b) AS run_id)
     SELECT s.side, CASE WHEN $across THEN '' ELSE m.platform END AS platform, m.suite, m.metric,
            arg_max(m.unit, m.timestamp) AS unit, count(DISTINCT m.unit)::INTEGER AS units,
            arg_max(m.direction, m.timestamp) AS direction, arg_max(m.threshold, m.timestamp) AS threshold,
            median(m.value) FILTER (WHERE m.status = 'ok') AS value,
            coalesce(list(m.value ORDER BY m.timestamp, m.run_id) FILTER (WHERE m.status = 'ok'), []) AS values,
            flatten(list(m.samples) FILTER (WHERE m.status = 'ok' AND m.samples IS NOT NULL)) AS samples
     FROM metrics AS m JOIN sides AS s USING (run_id)
     WHERE ($platform IS NULL OR m.platform = $platform) AND ($shared IS NULL OR list_contains($shared, m.platform))
     GROUP BY ALL`,
    {
      a: listValue(a.runs.map((run) => run.runId)),
      b: listValue(b.runs.map((run) => run.runId)),
      across: acrossPlatforms,
      platform: settings.platform ?? null,
      shared: shared ? listValue(shared) : null,
    },
    { a: LIST(VARCHAR), b: LIST(VARCHAR), shared: LIST(VARCHAR) },
  );
  const platformLabel = acrossPlatforms ? pairPlatformLabel(a.runs[0]?.platform, b.runs[0]?.platform) : '';
  // Two single runs of one platform: each is tested against its series' run-to-run spread, as the run page's
  // column beside the run before it is (the later run's spread: judgePair).
  if (acrossPlatforms && a.runs[0]?.platform === b.runs[0]?.platform) {
    const analysis = { config: settings.config, threshold: settings.threshold, pinned: { file: '', document: {}, values: new Map() } };
    const statuses = await statusOfRuns(history, [a.runs[0]?.runId ?? '', b.runs[0]?.runId ?? ''], analysis);
    const spreadOf = new Map(statuses.map((status) => [`${status.runId}\u0000${metricKey(status)}`, status]));
    for (const row of rows) {
      const run = (row.side === 'a' ? a : b).runs[0];
      const status = spreadOf.get(`${run?.runId}\u0000${metricKey(row)}`);
      row.spread = status?.spread ?? null;
      row.time = run?.timestamp ?? null;
    }
  }
  const byKey = new Map<string, { a?: Aggregate; b?: Aggregate }>();
  for (const row of rows) {
    const key = seriesKey(row);
    byKey.set(key, { ...byKey.get(key), [row.side]: row });
  }
  const metrics = sortCompared(
    [...byKey.values()].map(({ a: before, b: after }) => {
      const any = (after ?? before) as Aggregate;
      const threshold = resolveThreshold(
        { suite: any.suite, metric: any.metric, declared: any.threshold },
        settings.config,
        settings.threshold,
      );
      return judgePair(before, after, acrossPlatforms ? platformLabel : any.platform, threshold, {
        ...settings.config,
        paired: settings.paired ?? false,
      });
    }),
  );
  return { a, b, metrics, leftOut };
}
