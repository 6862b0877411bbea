import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatChangeWithInterval } from '../../src/lib/shared/format.ts';
import { classifyWithSignificance } from '../../src/lib/shared/regression-rule.ts';
import { compareSamples, hodgesLehmann, mannWhitneyU, shiftInterval } from '../../src/lib/shared/significance.ts';
import { PROJECT_ROOT } from '../helpers.ts';
import { describeRealData, realDataConfigured, realDataPath } from '../real-data.ts';

interface Case {
  name?: string;
  x: number[];
  y: number[];
  alternative: 'two-sided' | 'less' | 'greater';
  method: 'exact' | 'asymptotic';
  U: number;
  pvalue: number;
  hodges_lehmann_shift_y_minus_x: number;
}

function checkAgainstScipy(cases: Case[]): void {
  it.each(cases.map((testCase, index) => [testCase.name ?? `case ${index}`, testCase] as const))(
    '%s: U, p-value and Hodges–Lehmann shift',
    (_name, testCase) => {
      const result = mannWhitneyU(testCase.x, testCase.y, { alternative: testCase.alternative, method: testCase.method });
      expect(result.u).toBeCloseTo(testCase.U, 9);
      expect(Math.abs(result.pValue - testCase.pvalue)).toBeLessThan(1e-6);
      expect(hodgesLehmann(testCase.x, testCase.y)).toBeCloseTo(testCase.hodges_lehmann_shift_y_minus_x, 9);
      // Left to choose, it picks the method the reference used: exact up to 20 a side without ties.
      expect(mannWhitneyU(testCase.x, testCase.y, { alternative: testCase.alternative }).method).toBe(testCase.method);
    },
  );
}

describe('Mann–Whitney U against SciPy, on the committed golden figures', () => {
  const golden: { cases: Case[] } = JSON.parse(
    readFileSync(path.join(PROJECT_ROOT, 'tests/fixtures/golden/scipy-mannwhitney.json'), 'utf8'),
  );
  it('has cases of every kind the test needs', () => {
    expect(new Set(golden.cases.map((testCase) => testCase.method))).toEqual(new Set(['exact', 'asymptotic']));
    expect(new Set(golden.cases.map((testCase) => testCase.alternative))).toEqual(new Set(['two-sided', 'less', 'greater']));
  });
  checkAgainstScipy(golden.cases);
});

describeRealData('Mann–Whitney U against SciPy, on the shared reference cases', () => {
  checkAgainstScipy(realDataConfigured ? JSON.parse(readFileSync(realDataPath('stats', 'mannwhitney.json'), 'utf8')).cases : []);
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

describe('the rule with significance', () => {
  const decisive = { minimumPValue: 1e-6, level: 0.05 };
  it('needs both the threshold and significance by default, and says "likely noise" when only the threshold is crossed', () => {
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, { pValue: 0.001, mode: 'both', ...decisive }).status).toBe('regression');
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, { pValue: 0.2, mode: 'both', ...decisive }).status).toBe('noise');
    expect(classifyWithSignificance(1.1, 1, 'lower', 0.2, { pValue: 0.001, mode: 'both', ...decisive }).status).toBe('unchanged');
  });

  it('can judge by significance alone, or by the threshold alone', () => {
    expect(classifyWithSignificance(1.1, 1, 'lower', 0.2, { pValue: 0.001, mode: 'significance', ...decisive }).status).toBe('regression');
    expect(classifyWithSignificance(1.1, 1, 'higher', 0.2, { pValue: 0.001, mode: 'significance', ...decisive }).status).toBe(
      'improvement',
    );
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, { pValue: 0.2, mode: 'threshold', ...decisive }).status).toBe('regression');
  });

  it('lets the threshold decide when the samples are too few to ever be significant', () => {
    const one = compareSamples([1, 1.01, 0.99, 1.02, 0.98], [1.3], 1, 1.3);
    expect(one?.minimumPValue).toBeCloseTo(1 / 3, 9);
    expect(
      classifyWithSignificance(1.3, 1, 'lower', 0.2, {
        pValue: one?.pValue ?? 1,
        minimumPValue: one?.minimumPValue ?? 1,
        level: 0.05,
        mode: 'both',
      }).status,
    ).toBe('regression');
  });

  it('bounds the interval of a time or a rate: it can never fall by more than 100 %', () => {
    // A tenfold speed-up measured with noisy samples: on the difference scale the low end went below −100 %.
    const before = [10, 12, 9, 30, 11, 10.5, 9.5, 40, 10, 12];
    const after = [1, 1.2, 0.9, 3, 1.1, 1.05, 0.95, 4, 1, 1.2];
    const comparison = compareSamples(before, after, 10.25, 1.025);
    expect(comparison?.low).toBeGreaterThan(-1);
    expect(comparison?.high).toBeLessThan(0);
    // Each side is the other tenfold: the ratio's interval holds 0.1, where the shift's reached −380 %.
    expect(comparison?.low).toBeLessThanOrEqual(-0.9);
    expect(comparison?.high).toBeGreaterThanOrEqual(-0.9);
    expect(formatChangeWithInterval(-0.9, comparison)).toMatch(/^−90\.0% \(−9\d\.\d% to −[89]\d\.\d%, p /);
  });

  it('says the samples are too few for an interval instead of printing one that means nothing', () => {
    const few = compareSamples([1, 1.1], [1.5, 1.6], 1.05, 1.55);
    expect(few).toMatchObject({ low: null, high: null });
    expect(formatChangeWithInterval(0.476, few)).toBe('+47.6% (too few samples for a 95% interval, p 0.33)');
  });

  it('prints a change inside its own interval, even when the value is a mean that a long tail pulls up', () => {
    // What hyperfine gave for a sleep on a busy machine: most samples near 80 ms, two far above; its value is
    // the mean. The samples' typical shift is below the mean's change, so an interval around that shift left
    // the printed change outside it.
    const baseline = [21, 21.2, 21.1, 20.9, 21.3, 21, 21.2, 21.1, 20.8, 21.4];
    const run = [80.1, 80.4, 79.9, 80.2, 80.6, 80.0, 80.3, 95.0, 110.0, 80.2];
    const mean = run.reduce((sum, value) => sum + value, 0) / run.length;
    const change = mean / 21.1 - 1;
    const comparison = compareSamples(baseline, run, 21.1, mean);
    expect(Math.expm1(hodgesLehmann(baseline.map(Math.log), run.map(Math.log)))).toBeLessThan(change - 0.05);
    expect(comparison?.low).toBeLessThanOrEqual(change);
    expect(comparison?.high).toBeGreaterThanOrEqual(change);
    // Its width is still the samples' own.
    const shift = shiftInterval(baseline.map(Math.log), run.map(Math.log));
    expect(Math.log1p(comparison?.high ?? 0) - Math.log1p(comparison?.low ?? 0)).toBeCloseTo(shift.high - shift.low, 9);
  });

  it('keeps the difference scale for values that can be zero or negative', () => {
    const comparison = compareSamples([-1, 0, 1, 0.5, -0.5, 0.2, -0.2, 0.1], [4, 5, 6, 5.5, 4.5, 5.2, 4.8, 5.1], 1, 6.05);
    expect(comparison?.low).toBeGreaterThan(4);
    expect(comparison?.high).toBeLessThan(6);
  });
});
