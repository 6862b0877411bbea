/**
 * Two runs, or two commits, side by side (in the spirit of `asv compare`): each metric is better,
 * worse, unchanged, added or removed, by the same direction-aware threshold rule as everywhere else.
 * A commit stands for all its runs; several runs of one commit on one platform are summarised by
 * their median.
 */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Config } from './config.ts';
import { queryRows } from './duckdb.ts';
import type { History } from './history.ts';
import { findRun, type RunInfo, runsOfCommit } from './queries.ts';
import type { Direction } from './record.ts';
import { classifyWithSignificance, improvementOf } from './regression-rule.ts';
import { RunNotFoundError } from './run-report.ts';
import { compareSamples, type SampleComparison } from './significance.ts';
import { resolveThreshold, type Threshold } from './thresholds.ts';

export type Mark = 'worse' | 'better' | 'unchanged' | 'noise' | 'added' | 'removed' | 'failed';

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
}

export async function resolveSide(history: History, ref: string): Promise<Side> {
  const run = await findRun(history, ref);
  if (run) return { ref, kind: 'run', runs: [run] };
  const runs = await runsOfCommit(history, ref);
  if (runs.length > 0) return { ref, kind: 'commit', runs };
  throw new RunNotFoundError(
    `${JSON.stringify(ref)} is neither a run id nor a commit (7+ hex characters) with runs in the history; \`npm run stats\` lists recent runs.`,
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
  const rows = await queryRows<Aggregate & Record<string, unknown>>(
    history.connection,
    `SELECT CASE WHEN list_contains($a, run_id) THEN 'a' ELSE 'b' END AS side,
            CASE WHEN $across THEN '' ELSE platform END AS platform, suite, metric,
            arg_max(unit, timestamp) AS unit, arg_max(direction, timestamp) AS direction, arg_max(threshold, timestamp) AS threshold,
            median(value) FILTER (WHERE status = 'ok') AS value,
            flatten(list(samples) FILTER (WHERE status = 'ok' AND samples IS NOT NULL)) AS samples
     FROM metrics
     WHERE (list_contains($a, run_id) OR list_contains($b, run_id)) AND ($platform IS NULL OR platform = $platform)
     GROUP BY ALL`,
    {
      a: listValue(a.runs.map((run) => run.runId)),
      b: listValue(b.runs.map((run) => run.runId)),
      across: acrossPlatforms,
      platform: settings.platform ?? null,
    },
    { a: LIST(VARCHAR), b: LIST(VARCHAR) },
  );
  const platformLabel = acrossPlatforms
    ? a.runs[0]?.platform === b.runs[0]?.platform
      ? (a.runs[0]?.platform ?? '')
      : `${a.runs[0]?.platform} → ${b.runs[0]?.platform}`
    : '';
  const byKey = new Map<string, { a?: Aggregate; b?: Aggregate }>();
  for (const row of rows) {
    const key = `${row.platform}\u0000${row.suite}\u0000${row.metric}`;
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
    const significance =
      before.samples && after.samples && before.samples.length > 0 && after.samples.length > 0
        ? compareSamples(before.samples, after.samples, before.value)
        : null;
    const test = significance ? { ...significance, level: settings.config.significanceLevel, mode: settings.config.significance } : null;
    const { change, status } = classifyWithSignificance(after.value, before.value, any.direction, threshold.value, test);
    const mark: Mark = status === 'regression' ? 'worse' : status === 'improvement' ? 'better' : status === 'noise' ? 'noise' : 'unchanged';
    return { ...common, ratio: before.value === 0 ? null : after.value / before.value, change, significance, mark };
  });
  const order: Record<Mark, number> = { worse: 0, failed: 1, better: 2, noise: 3, unchanged: 4, added: 5, removed: 6 };
  metrics.sort(
    (x, y) =>
      order[x.mark] - order[y.mark] ||
      improvementOf(x.change ?? 0, x.direction) - improvementOf(y.change ?? 0, y.direction) ||
      x.platform.localeCompare(y.platform) ||
      x.suite.localeCompare(y.suite) ||
      x.metric.localeCompare(y.metric),
  );
  return { a, b, metrics };
}
