import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changePoints } from '../../src/lib/analysis/change-points.ts';
import { describeRealData, realDataConfigured, realDataPath } from '../real-data.ts';

interface Golden {
  series: number[];
  cases: Array<{ window_len: number; max_pvalue: number; min_magnitude: number; expected_change_point_indexes: number[] }>;
}

describeRealData('change points against Apache Otava', () => {
  const golden: Golden = realDataConfigured
    ? JSON.parse(readFileSync(realDataPath('otava', 'tigerbeetle.json'), 'utf8'))
    : { series: [], cases: [] };
  it.each(golden.cases.map((testCase) => [testCase.window_len, testCase.max_pvalue, testCase.min_magnitude, testCase] as const))(
    'TigerBeetle series, window %i, max p-value %f, min magnitude %f',
    (_window, _p, _magnitude, testCase) => {
      const found = changePoints(golden.series, {
        windowLength: testCase.window_len,
        maxPValue: testCase.max_pvalue,
        minMagnitude: testCase.min_magnitude,
      });
      expect(found.map((point) => point.index)).toEqual(testCase.expected_change_point_indexes);
    },
  );
});

describe('change points', () => {
  it('finds a step in a flat series and says how big it is', () => {
    const series = Array.from({ length: 120 }, (_, index) => (index < 70 ? 100 : 112) + ((index * 7919) % 13) / 13);
    const [point, ...others] = changePoints(series);
    expect(others).toEqual([]);
    expect(point?.index).toBe(70);
    expect((point?.meanAfter ?? 0) / (point?.meanBefore ?? 1) - 1).toBeCloseTo(0.12, 2);
    expect(point?.pValue).toBeLessThan(0.001);
  });

  it('finds nothing in a constant or a too-short series', () => {
    expect(changePoints(Array.from({ length: 100 }, () => 5))).toEqual([]);
    expect(changePoints([1])).toEqual([]);
  });
});
