/**
 * Stretches of real runs with no change in them: every django asv series (PERFSITE_REAL_DATA or a given
 * results folder) cut at the change points a sensitive scan finds (window 50, p ≤ 0.01, magnitude ≥ 2 %:
 * more sensitive than the site's). What the A/A benches draw their runs from: real run-to-run noise, with its
 * tails and its modes, and no change to find.
 */
import path from 'node:path';
import { platformChanges } from '../src/lib/analysis/series-changes.ts';
import { readAsvResults } from '../src/lib/importers/asv.ts';

const SENSITIVE_SCAN = { windowLength: 50, maxPValue: 0.01, minMagnitude: 0.02 };

export interface RealPoint {
  time: string;
  value: number;
  samples: number[];
}

/** The asv results folder of django's history, or undefined when none is given or set. */
export function djangoAsvResults(given: string | undefined): string | undefined {
  return given ?? (process.env.PERFSITE_REAL_DATA ? path.join(process.env.PERFSITE_REAL_DATA, 'django-asv', 'results') : undefined);
}

/** Every series with 20 runs or more, as stretches of its runs between the scan's change points, oldest first. */
export async function flatStretches(asvDir: string): Promise<{ series: number; stretches: RealPoint[][] }> {
  const { runs } = await readAsvResults(asvDir);
  const bySeries = new Map<string, { platform: string; points: RealPoint[] }>();
  for (const run of runs)
    for (const metric of run.metrics) {
      if (typeof metric.value !== 'number' || !(metric.value > 0)) continue;
      const key = `${run.platform}\u0000${metric.suite}\u0000${metric.name}`;
      const series = bySeries.get(key) ?? { platform: run.platform ?? '', points: [] };
      series.points.push({ time: run.timestamp ?? '', value: metric.value, samples: metric.samples ?? [] });
      bySeries.set(key, series);
    }
  const series = [...bySeries.values()].filter((one) => one.points.length >= 20);
  for (const one of series) one.points.sort((a, b) => a.time.localeCompare(b.time));
  const stretches: RealPoint[][] = [];
  for (const platform of Map.groupBy(series, (one) => one.platform).values()) {
    const scans = platformChanges(
      platform.map((one) => ({ values: one.points.map((point) => point.value), runs: one.points.map((point) => point.time) })),
      SENSITIVE_SCAN,
    );
    platform.forEach((one, index) => {
      const bounds = [0, ...(scans[index] ?? []).map((change) => change.index), one.points.length];
      for (let at = 0; at + 1 < bounds.length; at++) stretches.push(one.points.slice(bounds[at], bounds[at + 1]));
    });
  }
  return { series: series.length, stretches };
}
