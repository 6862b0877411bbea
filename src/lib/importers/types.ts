/** What every importer produces: runs of metrics as a tool reported them, before perfsite gives them ids. */
import type { Direction, GitInfo, MetricInput, PlatformDetails, Problem } from '../store/record.ts';

export interface ImportedRun {
  /** What makes this run the same run when imported again: the same key never lands twice. */
  key: string;
  /** When the tool ran, if the file says; otherwise the time of the import. */
  timestamp?: string;
  /** The commit, when the file records it (migrations); otherwise the repository the import runs in. */
  git?: GitInfo | null;
  /** The platform, when the file names it (asv machines); otherwise --platform or this machine. */
  platform?: string;
  /** What the file says of that platform's machine (asv's machine.json); the rest is recorded as unknown. */
  platformDetails?: Partial<PlatformDetails>;
  metrics: MetricInput[];
}

export interface ImportSource {
  /** The file (or folder) being read, for messages. */
  file: string;
  /** The suite the metrics go into (--suite, or the format's default). */
  suite: string;
  /**
   * Formats whose one run may list any number of metrics (BMF, custom JSON) count them before reading each,
   * and refuse a run of more than this (limits.ts) without building a million metrics first.
   */
  metricsLimit?: (count: number) => void;
}

export interface ParseResult {
  runs: ImportedRun[];
  problems: Problem[];
}

export type Parser = (text: string, source: ImportSource) => ParseResult;

/** Rates are better higher; times, sizes and counts per operation lower. */
export function directionOfUnit(unit: string): Direction {
  return /\/\s*(s|sec|secs|second|seconds)$|^(ops|hz|iter\/s)$/i.test(unit.trim()) ? 'higher' : 'lower';
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function problemAt(source: ImportSource, where: string, reason: string): Problem {
  return {
    file: source.file,
    field: where,
    reason,
    fix: 'That entry was skipped and the rest imported; fix or remove it in the file and import again (nothing is imported twice).',
  };
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A timestamp as a file gives it; one without a zone is UTC (what pytest-benchmark and asv write). */
export function utcTimestamp(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
