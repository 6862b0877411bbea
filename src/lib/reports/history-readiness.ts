/**
 * What a young history can and cannot tell yet, said the same way by `check`, the overview, the
 * regressions page and a run page: how many runs are recorded and how many each analysis needs.
 */
import { plural } from '../shared/plural.ts';

export interface ReadinessSettings {
  baselineWindow: number;
  defaultBranch: string;
}

/**
 * Change points are found in a series of at least this many runs, and only then when it is quiet: two on
 * one side of a move and one on the other (tests/unit/history-readiness.test.ts finds a clean step in three
 * runs and none in two).
 */
export const MIN_RUNS_FOR_CHANGE_POINTS = 3;

/** Why a platform's metrics show "no baseline", and what makes one. */
export function noBaselineNote(platform: string, settings: ReadinessSettings): string {
  return (
    `No baseline for platform ${platform} yet: it is the median of the last ${settings.baselineWindow} runs on ${settings.defaultBranch} on this platform, and there are none. ` +
    `Runs recorded on ${settings.defaultBranch} (perfsite's action on each push, or \`bench\` and \`import\` here) become it; the \`baselines\` command pins them.`
  );
}

/** Why there is no change point yet: how many runs the busiest platform has, against what detection needs. */
export function noEventsNote(mostRunsOnOnePlatform: number): string {
  const needs = `a series needs ${MIN_RUNS_FOR_CHANGE_POINTS} runs at the least (runs on both sides of a move), and more when it is noisy`;
  if (mostRunsOnOnePlatform < MIN_RUNS_FOR_CHANGE_POINTS)
    return `No change points yet: no platform has more than ${plural(mostRunsOnOnePlatform, 'run')}, and ${needs}.`;
  return `No change points in the history: no series' level moved and stayed moved (${needs}).`;
}

/** The lines a history shows while some of its analysis cannot speak yet; none once it all can. */
export function readinessLines(
  stats: { totalRuns: number; runsPerPlatform: ReadonlyArray<{ platform: string; runs: number }> },
  unjudgedPlatforms: readonly string[],
  changePoints: number,
  settings: ReadinessSettings,
): string[] {
  if (stats.totalRuns === 0) return [];
  const lines = unjudgedPlatforms.map((platform) => noBaselineNote(platform, settings));
  const mostRuns = Math.max(0, ...stats.runsPerPlatform.map((platform) => platform.runs));
  if (changePoints === 0 && mostRuns < MIN_RUNS_FOR_CHANGE_POINTS) lines.push(noEventsNote(mostRuns));
  return lines;
}
