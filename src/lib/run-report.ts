/**
 * The view model of one run judged against its baselines: what the CLI gate prints, what the PR
 * comment and the reports render. Built only from src/lib/status.ts, so they can never disagree.
 */

import type { History } from './history.ts';
import { findRun, type RunInfo } from './queries.ts';
import { STATUS_LABELS, type Status } from './regression-rule.ts';
import { describeSharedShift, sharedShift } from './shared-shift.ts';
import { type AnalysisSettings, type MetricStatus, statusOfRuns } from './status.ts';

export interface RunReport {
  run: RunInfo;
  settings: { defaultBranch: string; baselineWindow: number; threshold: number; thresholdSource: string };
  metrics: MetricStatus[];
  counts: Record<Status, number>;
  /** True when nothing regressed and no measurement failed. */
  passed: boolean;
  verdict: string;
  notes: string[];
}

export class RunNotFoundError extends Error {}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function verdictOf(counts: Record<Status, number>): string {
  const parts: string[] = [];
  if (counts.regression > 0) parts.push(plural(counts.regression, 'regression'));
  if (counts.failed > 0) parts.push(`${plural(counts.failed, 'measurement')} failed`);
  if (parts.length > 0) return `${parts.join(', ')} detected`;
  if (counts['no-baseline'] > 0 && counts['no-baseline'] === Object.values(counts).reduce((a, b) => a + b, 0))
    return 'No baseline to compare with';
  return counts.improvement > 0 ? `No regressions detected; ${plural(counts.improvement, 'improvement')}` : 'No regressions detected';
}

export async function buildRunReport(history: History, runId: string, settings: AnalysisSettings): Promise<RunReport> {
  const run = await findRun(history, runId);
  if (!run) throw new RunNotFoundError(`no run with id ${JSON.stringify(runId)} in the history; \`npm run stats\` lists the recent runs.`);
  const metrics = (await statusOfRuns(history, [runId], settings)).sort(
    (a, b) => a.suite.localeCompare(b.suite) || a.metric.localeCompare(b.metric),
  );
  const counts = Object.fromEntries(Object.keys(STATUS_LABELS).map((status) => [status, 0])) as Record<Status, number>;
  for (const metric of metrics) counts[metric.status]++;

  const notes: string[] = [];
  if (counts['no-baseline'] > 0) {
    notes.push(
      `No baseline for platform ${run.platform}: record runs on ${settings.config.defaultBranch} with \`npm run bench -- --platform ${run.platform}\`, ` +
        `then pin them with \`npm run baselines -- --platform ${run.platform}\`.`,
    );
  }
  for (const metric of metrics) {
    if (metric.baseline === 0 && metric.current !== 0 && metric.current !== null) {
      notes.push(
        `${metric.suite}/${metric.metric}: the baseline is 0, so a relative change cannot be computed and any other value counts as an unbounded change; pin a non-zero baseline in data/baselines.json if 0 is not a real measurement.`,
      );
    }
  }
  const shared = sharedShift(metrics);
  if (shared) notes.push(describeSharedShift(shared));
  return {
    run,
    settings: {
      defaultBranch: settings.config.defaultBranch,
      baselineWindow: settings.config.baselineWindow,
      threshold: settings.threshold.value,
      thresholdSource: settings.threshold.source,
    },
    metrics,
    counts,
    passed: counts.regression === 0 && counts.failed === 0,
    verdict: verdictOf(counts),
    notes,
  };
}
