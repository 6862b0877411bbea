import { randomLcg, randomNormal } from 'd3-random';
import { mean, median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { type RunSeries, runnerCorrected, runnerFactorCount, runToRunNoise } from '../../src/lib/analysis/runner-speed.ts';
import { detectChanges } from '../../src/lib/analysis/series-changes.ts';
import { readAsvResults } from '../../src/lib/importers/asv.ts';
import { describeRealData, realDataPath } from '../real-data.ts';

const RUNS = 80;

/**
 * A generated (synthetic) platform: every run lands on one of three runner kinds, which slow each
 * benchmark by its own amount, plus 1 % noise of its own; `step` adds a 10 % change at run 40 to series 0,
 * to every other series, or to all.
 */
function syntheticPlatform(options: { seriesCount: number; runnerNoise: boolean; step: 'none' | 'one' | 'half' | 'all' }): RunSeries[] {
  const random = randomLcg(0.42);
  const noise = randomNormal.source(random)(0, 0.01);
  const runs = Array.from({ length: RUNS }, (_, index) => `run-${index}`);
  const kinds = runs.map(() => Math.floor(random() * 3));
  return Array.from({ length: options.seriesCount }, (_, column) => {
    const slowdown = [1, 1.1 + random() * 0.3, 1.2 + random() * 0.5];
    const stepped = options.step === 'all' || (options.step === 'one' && column === 0) || (options.step === 'half' && column % 2 === 1);
    return {
      runs,
      values: runs.map((_, index) => {
        const runner = options.runnerNoise ? (slowdown[kinds[index] as number] as number) : 1;
        return 100 * (column + 1) * runner * (stepped && index >= 40 ? 1.1 : 1) * (1 + noise());
      }),
    };
  });
}

describe('runner effects', () => {
  it('takes out what the runs share, and keeps a change of one series', () => {
    const platform = syntheticPlatform({ seriesCount: 30, runnerNoise: true, step: 'one' });
    const corrected = runnerCorrected(platform);
    const rawNoise = median(platform.map((series) => runToRunNoise(series.values)));
    const correctedNoise = median(corrected.map((values) => runToRunNoise(values)));
    expect(rawNoise).toBeGreaterThan(0.05);
    expect(correctedNoise).toBeLessThan(0.015);

    const series = platform[0] as RunSeries;
    const [rawOnly] = detectChanges(series.values, undefined);
    const found = detectChanges(series.values, corrected[0]);
    expect(found.map((point) => [point.index, point.speedCorrected])).toEqual([[40, true]]);
    expect(found[0]?.pValue ?? 1).toBeLessThan((rawOnly?.pValue ?? 1) / 1e6);
    expect(found[0]?.meanAfter ?? 0).toBeGreaterThan((found[0]?.meanBefore ?? 0) * 1.08);
  });

  it('still reports a change that moved every metric of the runs at once, from the raw values', () => {
    const platform = syntheticPlatform({ seriesCount: 30, runnerNoise: false, step: 'all' });
    const corrected = runnerCorrected(platform);
    const series = platform[3] as RunSeries;
    expect(detectChanges(series.values, corrected[3]).map((point) => [point.index, point.speedCorrected])).toEqual([[40, false]]);
  });

  it('keeps a change that half the series share at one run, once it is known where their levels shift', () => {
    const platform = syntheticPlatform({ seriesCount: 30, runnerNoise: true, step: 'half' });
    const levelRatio = (values: readonly number[]) => mean(values.slice(40)) / mean(values.slice(0, 40));
    const blind = runnerCorrected(platform);
    const told = runnerCorrected(platform.map((series, column) => ({ ...series, levelShifts: column % 2 === 1 ? [40] : [] })));
    // Not told, the fit takes part of the shared change for a runner effect: less in the changed series, an opposite move in the others.
    expect(levelRatio(blind[1] as number[])).toBeLessThan(1.08);
    expect(levelRatio(blind[0] as number[])).toBeLessThan(0.98);
    told.forEach((values, column) => {
      expect(levelRatio(values), `series ${column}`).toBeCloseTo(column % 2 === 1 ? 1.1 : 1, 1);
    });
  });

  it('leaves a platform with too few series alone: the fit would explain their own changes away', () => {
    expect(runnerFactorCount(9)).toBe(0);
    expect(runnerFactorCount(10)).toBe(1);
    expect(runnerFactorCount(500)).toBe(3);
    const platform = syntheticPlatform({ seriesCount: 9, runnerNoise: true, step: 'one' });
    expect(runnerCorrected(platform)).toEqual(platform.map((series) => series.values));
  });

  it('keeps values it cannot fit (zero, negative) as they are', () => {
    const platform = syntheticPlatform({ seriesCount: 12, runnerNoise: true, step: 'none' });
    const withZero = platform.map((series, column) =>
      column === 0 ? { ...series, values: series.values.map((v, i) => (i === 5 ? 0 : v)) } : series,
    );
    expect(runnerCorrected(withZero)[0]?.[5]).toBe(0);
  });
});

describeRealData('runner effects on the django asv history', () => {
  it('explain most of the run-to-run noise of its GitHub-hosted runners', async () => {
    const { runs } = await readAsvResults(realDataPath('django-asv', 'results'));
    const bySeries = new Map<string, { runs: string[]; values: number[] }>();
    for (const run of runs.filter((one) => one.platform === 'ubuntu-22.04')) {
      for (const metric of run.metrics) {
        if (typeof metric.value !== 'number') continue;
        const key = `${metric.suite}\u0000${metric.name}`;
        const series = bySeries.get(key) ?? { runs: [], values: [] };
        series.runs.push(run.key);
        series.values.push(metric.value);
        bySeries.set(key, series);
      }
    }
    const platform = [...bySeries.values()].filter((series) => series.values.length >= 40);
    expect(platform.length).toBeGreaterThan(100);
    const rawNoise = median(platform.map((series) => runToRunNoise(series.values)));
    const correctedNoise = median(runnerCorrected(platform).map((values) => runToRunNoise(values)));
    expect(rawNoise).toBeGreaterThan(0.04);
    expect(correctedNoise).toBeLessThan(rawNoise / 3);
  });
});
