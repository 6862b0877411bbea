/**
 * The data file behind an interactive chart (/data/series/<platform>/<metric slug>.json): one series,
 * thinned for the browser, with what a tooltip says of each point. Fetched only when someone uses a
 * chart, so pages stay light. Columns rather than objects: the file is a third of the size.
 */

import type { Drawn } from './chart-spec.ts';
import type { Direction } from './direction.ts';
import { downsampleMinMax } from './downsample.ts';
import type { Status } from './regression-rule.ts';
import type { SeriesMeasurement } from './series-measurement.ts';
import { shortCommit } from './short-commit.ts';

export interface SeriesData {
  unit: string;
  direction: Direction;
  threshold: number;
  /** How many measurements the series has in all; the columns hold a thinned selection of them. */
  total: number;
  runId: string[];
  time: number[];
  value: number[];
  low: Array<number | null>;
  high: Array<number | null>;
  baseline: Array<number | null>;
  status: Status[];
  commit: Array<string | null>;
  message: Array<string | null>;
}

export type TippedPoint = Drawn & { commit: string | null; message: string | null };

const DAY_MS = 86_400_000;
/** The shortest range a reader can pick shows every point: the last 90 days are kept whole, up to this many. */
const RECENT_DAYS = 90;
const MAX_RECENT_POINTS = 2_000;
const MAX_OLDER_POINTS = 1_000;

/** Every measurement of the last 90 days (up to 2,000), and the older ones thinned to 1,000 without hiding a spike. */
export function thinForBrowser(series: readonly SeriesMeasurement[]): SeriesMeasurement[] {
  const last = series.at(-1)?.time ?? 0;
  const split = series.findIndex((point) => point.time >= last - RECENT_DAYS * DAY_MS);
  const older = series.slice(0, split);
  const recent = series.slice(split);
  const keep = (point: SeriesMeasurement) => point.status === 'regression';
  return [
    ...downsampleMinMax(older, MAX_OLDER_POINTS, (point) => point.value, keep),
    ...downsampleMinMax(recent, MAX_RECENT_POINTS, (point) => point.value, keep),
  ];
}

/** Six significant digits: more than any tooltip shows, and a third of the bytes of a double's seventeen. */
function rounded(value: number): number;
function rounded(value: number | null): number | null;
function rounded(value: number | null): number | null {
  return value === null ? null : Number(value.toPrecision(6));
}

export function encodeSeries(
  series: readonly SeriesMeasurement[],
  meta: { unit: string; direction: Direction; threshold: number },
  runOf: (runId: string) => { gitCommit: string | null; gitMessage: string | null } | undefined,
): SeriesData {
  const points = thinForBrowser(series);
  const runs = points.map((point) => runOf(point.runId));
  return {
    ...meta,
    total: series.length,
    runId: points.map((point) => point.runId),
    time: points.map((point) => point.time),
    value: points.map((point) => rounded(point.value)),
    low: points.map((point) => rounded(point.low)),
    high: points.map((point) => rounded(point.high)),
    baseline: points.map((point) => rounded(point.baseline)),
    status: points.map((point) => point.status),
    commit: runs.map((run) => (run?.gitCommit ? shortCommit(run.gitCommit) : null)),
    message: runs.map((run) => run?.gitMessage?.split('\n')[0]?.slice(0, 100) ?? null),
  };
}

export function decodeSeries(data: SeriesData): TippedPoint[] {
  return data.runId.map((runId, index) => ({
    runId,
    time: data.time[index] as number,
    date: new Date(data.time[index] as number),
    value: data.value[index] as number,
    low: data.low[index] ?? null,
    high: data.high[index] ?? null,
    baseline: data.baseline[index] ?? null,
    status: data.status[index] as Status,
    commit: data.commit[index] ?? null,
    message: data.message[index] ?? null,
  }));
}
