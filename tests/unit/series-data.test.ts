import { describe, expect, it } from 'vitest';
import { decodeSeries, encodeSeries, thinForBrowser } from '../../src/lib/shared/series-data.ts';
import type { SeriesMeasurement } from '../../src/lib/shared/series-measurement.ts';

const HOUR = 3_600_000;

/** A year of hourly measurements (synthetic), with one spike long ago and a regression in the middle. */
function year(): SeriesMeasurement[] {
  return Array.from({ length: 365 * 24 }, (_, index) => ({
    runId: `run-${index}`,
    time: Date.UTC(2025, 0, 1) + index * HOUR,
    value: index === 1_000 ? 50 : 1 + (index % 7) / 100,
    low: 0.9,
    high: 1.1,
    baseline: 1,
    status: index === 4_000 ? 'regression' : 'unchanged',
  }));
}

describe('the data file of an interactive chart', () => {
  it('keeps the last 90 days whole (up to 2,000 points) and thins older ones without losing a spike or a regression', () => {
    const series = year();
    const kept = thinForBrowser(series);
    const last = series.at(-1)?.time ?? 0;
    const recent = series.filter((point) => point.time >= last - 90 * 24 * HOUR);
    expect(recent.length).toBeGreaterThan(2_000);
    const keptRecent = kept.filter((point) => point.time >= last - 90 * 24 * HOUR);
    expect(keptRecent.length).toBeLessThanOrEqual(2_001);
    expect(kept.length).toBeLessThanOrEqual(3_002);
    expect(kept.map((point) => point.runId)).toEqual(expect.arrayContaining(['run-1000', 'run-4000', 'run-0', `run-${series.length - 1}`]));
    expect(kept.map((point) => point.time)).toEqual([...kept.map((point) => point.time)].sort((a, b) => a - b));

    const short = series.slice(-500);
    expect(thinForBrowser(short)).toEqual(short);
  });

  it('round-trips points with their run’s commit and first message line, values to six digits', () => {
    const series = year().slice(0, 3);
    const data = encodeSeries(series, { unit: 's', direction: 'lower', threshold: 0.2 }, (runId) =>
      runId === 'run-1' ? { gitCommit: 'abcdef0123456789', gitMessage: 'Speed up <b>parsing</b>\n\nlong body' } : undefined,
    );
    expect(data.total).toBe(3);
    const points = decodeSeries(JSON.parse(JSON.stringify(data)));
    expect(points[1]).toMatchObject({ runId: 'run-1', value: 1.01, commit: 'abcdef0123', message: 'Speed up <b>parsing</b>' });
    expect(points[1]?.date.toISOString()).toBe('2025-01-01T01:00:00.000Z');
    expect(points[0]).toMatchObject({ commit: null, message: null });
    expect(encodeSeries([{ ...series[0], value: 1 / 3 } as SeriesMeasurement], data, () => undefined).value).toEqual([0.333333]);
  });
});
