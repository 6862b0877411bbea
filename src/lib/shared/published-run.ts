/**
 * A run's measurements as the site publishes them (data/runs/<id>.json, for the runs with a full page), and
 * the list of runs published so (data/compare-runs.json): what the /compare/ page reads to compare two runs
 * or two commits in the browser with the verdict of `perfsite compare` (compare-judge.ts). Runs in the
 * browser too.
 */

import { type ComparedMetric, type JudgeSettings, judgePair, pairPlatformLabel, type SideSummary, sortCompared } from './compare-judge.ts';
import type { Direction } from './direction.ts';
import { seriesKey } from './keys.ts';
import type { RunSpread } from './significance.ts';
import type { Threshold } from './threshold.ts';

export interface PublishedMeasurement {
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  /** null when the measurement failed. */
  value: number | null;
  samples: number[] | null;
  /** How much the series' runs differ at this run's baseline level: what a comparison with another run of it is tested against. */
  spread: RunSpread | null;
  threshold: Threshold;
}

export interface PublishedRunInfo {
  runId: string;
  platform: string;
  timestamp: string;
  gitCommit: string | null;
  /** The first line of the commit message. */
  gitTitle: string | null;
}

export interface PublishedRun extends PublishedRunInfo {
  metrics: PublishedMeasurement[];
}

export const PUBLISHED_RUNS_FILE = 'data/compare-runs.json';

/** Where a published run's measurements are, under the site's root. */
export function publishedRunFile(runId: string): string {
  return `data/runs/${encodeURIComponent(runId)}.json`;
}

export interface PublishedSide {
  ref: string;
  kind: 'run' | 'commit';
  runs: PublishedRun[];
}

/**
 * Which published runs a reference names: a run id, else every run of a commit (a full hash or a prefix of
 * 7 or more hex characters), newest first, as `perfsite compare` resolves it.
 */
export function resolvePublished(
  ref: string,
  runs: readonly PublishedRunInfo[],
): { kind: 'run' | 'commit'; runs: PublishedRunInfo[] } | undefined {
  const run = runs.find((candidate) => candidate.runId === ref);
  if (run) return { kind: 'run', runs: [run] };
  if (!/^[0-9a-f]{7,64}$/i.test(ref)) return undefined;
  const prefix = ref.toLowerCase();
  const ofCommit = runs
    .filter((candidate) => candidate.gitCommit?.startsWith(prefix))
    .sort((x, y) => y.timestamp.localeCompare(x.timestamp) || y.runId.localeCompare(x.runId));
  return ofCommit.length > 0 ? { kind: 'commit', runs: ofCommit } : undefined;
}

/** The distinct commits a commit reference matched: more than one means the prefix is ambiguous. */
export function ambiguity(ref: string, runs: ReadonlyArray<{ gitCommit: string | null }>): string | undefined {
  const commits = [...new Set(runs.map((run) => run.gitCommit))];
  if (commits.length <= 1) return undefined;
  // In full: the characters that tell them apart may be anywhere after the prefix.
  return `${JSON.stringify(ref)} is the start of ${commits.length} commits (${commits.slice(0, 3).join(', ')}${commits.length > 3 ? ', …' : ''}): give more of its characters`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A side's runs summarised per metric (per platform unless `across`): the median of its values, its samples pooled. */
function summarise(side: PublishedSide, across: boolean, sameSeries: boolean): Map<string, SideSummary & { threshold: Threshold }> {
  const grouped = new Map<string, Array<{ run: PublishedRun; measurement: PublishedMeasurement }>>();
  for (const run of side.runs) {
    for (const measurement of run.metrics) {
      const key = seriesKey({ platform: across ? '' : run.platform, suite: measurement.suite, metric: measurement.metric });
      grouped.set(key, [...(grouped.get(key) ?? []), { run, measurement }]);
    }
  }
  const summaries = new Map<string, SideSummary & { threshold: Threshold }>();
  for (const [key, entries] of grouped) {
    const newest = entries.reduce((latest, entry) => (entry.run.timestamp > latest.run.timestamp ? entry : latest));
    const ok = entries.filter((entry) => entry.measurement.value !== null);
    const samples = ok.flatMap((entry) => entry.measurement.samples ?? []);
    summaries.set(key, {
      platform: across ? '' : newest.run.platform,
      suite: newest.measurement.suite,
      metric: newest.measurement.metric,
      unit: newest.measurement.unit,
      direction: newest.measurement.direction,
      units: new Set(entries.map((entry) => entry.measurement.unit)).size,
      value: ok.length > 0 ? median(ok.map((entry) => entry.measurement.value as number)) : null,
      values: ok.map((entry) => entry.measurement.value as number),
      spread: sameSeries && entries.length === 1 ? (newest.measurement.spread ?? null) : null,
      time: newest.run.timestamp,
      samples: ok.some((entry) => entry.measurement.samples !== null) ? samples : null,
      threshold: newest.measurement.threshold,
    });
  }
  return summaries;
}

export interface PublishedComparison {
  metrics: ComparedMetric[];
  /** Platforms only one side ran on. */
  leftOut: string[];
  /** Set when the sides share no platform: what to do instead. */
  error?: string;
}

/** Two single runs are compared directly, even across platforms; commits platform by platform. */
export function comparePublished(a: PublishedSide, b: PublishedSide, settings: JudgeSettings): PublishedComparison {
  const across = a.kind === 'run' && b.kind === 'run';
  const platformsOf = (side: PublishedSide) => new Set(side.runs.map((run) => run.platform));
  const [aPlatforms, bPlatforms] = [platformsOf(a), platformsOf(b)];
  const shared = [...aPlatforms].filter((platform) => bPlatforms.has(platform));
  const leftOut = across ? [] : [...new Set([...aPlatforms, ...bPlatforms])].filter((platform) => !shared.includes(platform)).sort();
  if (!across && shared.length === 0) {
    return {
      metrics: [],
      leftOut,
      error: `${a.ref} ran on ${[...aPlatforms].join(', ')} and ${b.ref} on ${[...bPlatforms].join(', ')}: no platform in common to compare on; compare two run ids to compare across platforms.`,
    };
  }
  const keep = (side: PublishedSide): PublishedSide =>
    across ? side : { ...side, runs: side.runs.filter((run) => shared.includes(run.platform)) };
  // Two single runs of one platform: each measurement carries its series' run-to-run spread to test against.
  const sameSeries = across && a.runs.length === 1 && b.runs.length === 1 && a.runs[0]?.platform === b.runs[0]?.platform;
  const before = summarise(keep(a), across, sameSeries);
  const after = summarise(keep(b), across, sameSeries);
  const label = pairPlatformLabel(a.runs[0]?.platform, b.runs[0]?.platform);
  const metrics = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
    const any = (after.get(key) ?? before.get(key)) as SideSummary & { threshold: Threshold };
    return judgePair(before.get(key), after.get(key), across ? label : any.platform, any.threshold, settings);
  });
  return { metrics: sortCompared(metrics), leftOut };
}
