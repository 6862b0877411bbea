/**
 * Two runs, or two commits, side by side (in the spirit of `asv compare`): each metric is better,
 * worse, unchanged, added or removed, by the same direction-aware threshold rule as everywhere else.
 * A commit stands for all its runs; several runs of one commit on one platform are summarised by
 * their median.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Config } from '../analysis/config.ts';
import { findRun, type RunInfo, runsOfCommit } from '../analysis/queries.ts';
import { improvementOf, judgeChange } from '../analysis/regression-rule.ts';
import type { SampleComparison } from '../analysis/significance.ts';
import { resolveThreshold, type Threshold } from '../analysis/thresholds.ts';
import { commandHint } from '../shared/command-hint.ts';
import { seriesKey } from '../shared/keys.ts';
import { compareSeries } from '../shared/natural-order.ts';
import { queryRows } from '../store/duckdb.ts';
import type { History } from '../store/history.ts';
import type { Direction } from '../store/record.ts';
import { RunNotFoundError } from './run-report.ts';

export type Mark = 'worse' | 'better' | 'unchanged' | 'noise' | 'added' | 'removed' | 'failed' | 'incomparable';

export const MARK_LABELS: Record<Mark, string> = {
  worse: 'worse',
  better: 'better',
  unchanged: 'unchanged',
  noise: 'likely noise',
  added: 'added',
  removed: 'removed',
  failed: 'failed',
  incomparable: 'units differ',
};

export interface Side {
  ref: string;
  kind: 'run' | 'commit';
  runs: RunInfo[];
}

export interface ComparedMetric {
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  before: number | null;
  after: number | null;
  ratio: number | null;
  change: number | null;
  /** Mann–Whitney on the pooled samples of each side, when both kept samples. */
  significance: SampleComparison | null;
  threshold: Threshold;
  mark: Mark;
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
  if (runs.length > 0) return { ref, kind: 'commit', runs };
  throw new RunNotFoundError(
    `${JSON.stringify(ref)} is neither a run id nor a commit (7+ hex characters) with runs in the history; \`${commandHint('stats')}\` lists recent runs.`,
  );
}

interface Aggregate {
  side: 'a' | 'b';
  platform: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  threshold: number | null;
  /** How many units the side's runs recorded it in: more than one cannot be summarised. */
  units: number;
  value: number | null;
  samples: number[] | null;
}

export async function compareRuns(
  history: History,
  refs: { a: string; b: string },
  settings: { config: Config; threshold: Threshold; platform?: string | undefined },
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
  const platformLabel = acrossPlatforms
    ? a.runs[0]?.platform === b.runs[0]?.platform
      ? (a.runs[0]?.platform ?? '')
      : `${a.runs[0]?.platform} → ${b.runs[0]?.platform}`
    : '';
  const byKey = new Map<string, { a?: Aggregate; b?: Aggregate }>();
  for (const row of rows) {
    const key = seriesKey(row);
    byKey.set(key, { ...byKey.get(key), [row.side]: row });
  }
  const metrics = [...byKey.values()].map(({ a: before, b: after }): ComparedMetric => {
    const any = (after ?? before) as Aggregate;
    const threshold = resolveThreshold(
      { suite: any.suite, metric: any.metric, declared: any.threshold },
      settings.config,
      settings.threshold,
    );
    const common = {
      platform: acrossPlatforms ? platformLabel : any.platform,
      suite: any.suite,
      metric: any.metric,
      unit: any.unit,
      direction: any.direction,
      before: before?.value ?? null,
      after: after?.value ?? null,
      threshold,
    };
    if (!before) return { ...common, ratio: null, change: null, significance: null, mark: 'added' };
    if (!after) return { ...common, ratio: null, change: null, significance: null, mark: 'removed' };
    if (before.value === null || after.value === null) return { ...common, ratio: null, change: null, significance: null, mark: 'failed' };
    // Units with no conversion between them (after the index brought known ones to their base): no ratio means anything.
    if (before.units > 1 || after.units > 1 || before.unit !== after.unit) {
      return {
        ...common,
        unit: `${before.unit} → ${after.unit}`,
        before: null,
        after: null,
        ratio: null,
        change: null,
        significance: null,
        mark: 'incomparable',
      };
    }
    const { change, status, significance } = judgeChange(
      { value: after.value, samples: after.samples },
      { value: before.value, samples: before.samples },
      any.direction,
      threshold.value,
      settings.config,
    );
    const mark: Mark = status === 'regression' ? 'worse' : status === 'improvement' ? 'better' : status === 'noise' ? 'noise' : 'unchanged';
    return { ...common, ratio: before.value === 0 ? null : after.value / before.value, change, significance, mark };
  });
  const order: Record<Mark, number> = { worse: 0, failed: 1, incomparable: 2, better: 3, noise: 4, unchanged: 5, added: 6, removed: 7 };
  metrics.sort(
    (x, y) =>
      order[x.mark] - order[y.mark] ||
      improvementOf(x.change ?? 0, x.direction) - improvementOf(y.change ?? 0, y.direction) ||
      compareSeries(x, y),
  );
  return { a, b, metrics, leftOut };
}
