import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hodgesLehmann, mannWhitneyU, shiftInterval } from '../src/lib/significance.ts';
import { describeRealData, realDataPath } from './real-data.ts';

interface Case {
  x: number[];
  y: number[];
  alternative: 'two-sided' | 'less' | 'greater';
  method: 'exact' | 'asymptotic';
  U: number;
  pvalue: number;
  hodges_lehmann_shift_y_minus_x: number;
}

describeRealData('Mann–Whitney U against SciPy', () => {
  const { cases } = JSON.parse(readFileSync(realDataPath('stats', 'mannwhitney.json'), 'utf8')) as { cases: Case[] };
  it.each(cases.map((testCase, index) => [index, testCase] as const))(
    'case %i: U, p-value and Hodges–Lehmann shift',
    (_index, testCase) => {
      const result = mannWhitneyU(testCase.x, testCase.y, { alternative: testCase.alternative, method: testCase.method });
      expect(result.u).toBeCloseTo(testCase.U, 9);
      expect(Math.abs(result.pValue - testCase.pvalue)).toBeLessThan(1e-6);
      expect(hodgesLehmann(testCase.x, testCase.y)).toBeCloseTo(testCase.hodges_lehmann_shift_y_minus_x, 9);
      // Left to choose, it picks the method the reference used: exact up to 20 a side without ties.
      expect(mannWhitneyU(testCase.x, testCase.y, { alternative: testCase.alternative }).method).toBe(testCase.method);
    },
  );
});

describe('the confidence interval of a shift', () => {
  it('contains the Hodges–Lehmann estimate, narrows with more samples, and is the widest there is when samples are too few', () => {
    const x = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    const y = x.map((value) => value + 5);
    const interval = shiftInterval(x, y, 0.95);
    expect(interval.low).toBeLessThanOrEqual(5);
    expect(interval.high).toBeGreaterThanOrEqual(5);
    const more = shiftInterval([...x, ...x.map((v) => v + 0.5)], [...y, ...y.map((v) => v + 0.5)], 0.95);
    expect(more.high - more.low).toBeLessThan(interval.high - interval.low);
    expect(shiftInterval([1, 2], [3, 4], 0.95)).toEqual({ low: 1, high: 3 });
  });
});
