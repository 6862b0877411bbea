import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomLcg, randomNormal } from 'd3-random';
import { describe, expect, it } from 'vitest';
import { formatChangeWithInterval, formatPValue } from '../../src/lib/shared/format.ts';
import { classifyWithSignificance } from '../../src/lib/shared/regression-rule.ts';
import {
  adjustPValues,
  type ChangeTest,
  hodgesLehmann,
  mannWhitneyU,
  ownSpread,
  shiftInterval,
  testLevels,
  testRounds,
  testSamples,
} from '../../src/lib/shared/significance.ts';
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

/** Seeded normal draws: a run's level is its series' level times a run effect; its samples scatter around that. */
function normal(seed: number): () => number {
  return randomNormal.source(randomLcg(seed))(0, 1);
}

interface Trial {
  baseline: { median: number; runs: number };
  spread: { runs: number; logSd: number | null; sd: number | null };
  current: number;
  own: ReturnType<typeof ownSpread>;
}

/** One trial of a two-level history: `window` baseline runs (spread over `spreadRuns`), then a run `step` higher. */
function twoLevelTrial(draw: () => number, step: number, runSd: number, sampleSd: number, spreadRuns = 20, window = 5): Trial {
  const run = () => Math.exp(runSd * draw());
  const samples = (level: number) => Array.from({ length: 10 }, () => level * Math.exp(sampleSd * draw()));
  const values = Array.from({ length: spreadRuns }, () => {
    const own = samples(run());
    return own.reduce((sum, value) => sum + value, 0) / own.length;
  });
  const logs = values.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const logSd = Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
  const recent = values.slice(-window).sort((x, y) => x - y);
  const currentSamples = samples(run() * (1 + step));
  return {
    baseline: { median: recent[Math.floor(window / 2)] as number, runs: window },
    spread: { runs: spreadRuns, logSd, sd: null },
    current: currentSamples.reduce((sum, value) => sum + value, 0) / currentSamples.length,
    own: ownSpread(currentSamples),
  };
}

const judgeTrial = (trial: Trial) =>
  testLevels({ median: trial.current, runs: 1, own: trial.own }, trial.baseline, trial.spread, 0.95) as ChangeTest;

describe('a run tested against its baseline runs (simulated two-level histories)', () => {
  const trials = 2000;
  it('calls about 5 % of flat stretches significant at 0.05, though iterations agree 10 times better than runs', () => {
    const draw = normal(1);
    let significant = 0;
    for (let trial = 0; trial < trials; trial++) if ((judgeTrial(twoLevelTrial(draw, 0, 0.1, 0.01)).pValue ?? 1) < 0.05) significant++;
    expect(significant / trials).toBeGreaterThan(0.03);
    expect(significant / trials).toBeLessThan(0.065);
  });

  it('covers the true change with its 95 % interval in about 95 % of trials, for steps of every size', () => {
    const draw = normal(2);
    for (const step of [0.05, 0.2, -0.3]) {
      let covered = 0;
      for (let trial = 0; trial < trials; trial++) {
        const test = judgeTrial(twoLevelTrial(draw, step, 0.05, 0.005));
        if ((test.low as number) <= step && step <= (test.high as number)) covered++;
      }
      expect(covered / trials, `step ${step}`).toBeGreaterThan(0.93);
    }
  });

  it('widens by the run’s own samples when they say it is noisier than runs usually are', () => {
    const quiet = testLevels(
      { median: 1.25, runs: 1, own: { logSe: 0.001, se: 0.001 } },
      { median: 1, runs: 5 },
      { runs: 20, logSd: 0.02, sd: 0.02 },
      0.95,
    );
    const noisy = testLevels(
      { median: 1.25, runs: 1, own: { logSe: 0.2, se: 0.2 } },
      { median: 1, runs: 5 },
      { runs: 20, logSd: 0.02, sd: 0.02 },
      0.95,
    );
    expect(quiet?.pValue).toBeLessThan(0.001);
    expect(noisy?.pValue).toBeGreaterThan(0.05);
    expect((noisy?.high ?? 0) - (noisy?.low ?? 0)).toBeGreaterThan((quiet?.high ?? 0) - (quiet?.low ?? 0));
  });

  it('says there are too few runs to test below 3, and the threshold decides', () => {
    const test = testLevels({ median: 1.3, runs: 1 }, { median: 1, runs: 2 }, { runs: 2, logSd: 0.01, sd: 0.01 }, 0.95);
    expect(test).toMatchObject({ pValue: null, low: null, count: 2 });
    expect(formatChangeWithInterval(0.3, test)).toBe('+30.0% (too few runs to test: 2)');
    expect(classifyWithSignificance(1.3, 1, 'lower', 0.2, test, { significanceLevel: 0.05, significance: 'both' }).status).toBe(
      'regression',
    );
  });

  it('keeps the difference scale, relative to the baseline, for values that can be zero or negative', () => {
    const test = testLevels({ median: 5, runs: 1 }, { median: 1, runs: 5 }, { runs: 20, logSd: null, sd: 0.5 }, 0.95);
    expect(test?.low).toBeGreaterThan(2);
    expect(test?.high).toBeLessThan(6);
    expect(test?.estimate).toBe(4);
  });
});

describe('A/B rounds, paired', () => {
  it('covers the true change in about 95 % of trials, though the runner drifts from round to round by far more', () => {
    const draw = normal(3);
    let covered = 0;
    const trials = 2000;
    for (let trial = 0; trial < trials; trial++) {
      const ratios = Array.from({ length: 5 }, () => {
        const round = Math.exp(0.2 * draw());
        return (round * 1.1 * Math.exp(0.01 * draw())) / (round * Math.exp(0.01 * draw()));
      });
      const test = testRounds(ratios, 0.95) as ChangeTest;
      if ((test.low as number) <= 0.1 && 0.1 <= (test.high as number)) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
});

describe('two single runs, by their samples', () => {
  it('shows the tool’s value and the typical sample, each named, when a tail pulls the mean away, and says it is about these two runs only', () => {
    // A baseline run of about 21 ms, and a run of 8 typical iterations and 2 at 60 ms.
    const before = [21, 21.2, 21.1, 20.9, 21.3, 21, 21.2, 21.1, 20.8, 21.4];
    const after = [21.1, 21.3, 20.9, 21.2, 21.0, 21.4, 21.2, 21.1, 60, 60];
    const mean = after.reduce((sum, value) => sum + value, 0) / after.length;
    const change = mean / 21.1 - 1;
    const test = testSamples(before, after, 0.95) as ChangeTest;
    expect(test.pValue).toBeGreaterThan(0.05);
    expect(test.low).toBeLessThan(0);
    expect(test.high).toBeGreaterThan(0);
    const text = formatChangeWithInterval(change, test);
    expect(text).toMatch(/^\+37\.\d% \(tool's values\); typical sample \+0\.\d% \(95% CI −\d\.\d% to \+\d\.\d%, p = 0\.\d+, Mann–Whitney/);
    expect(text).toContain('these two runs only; run-to-run spread unknown');
  });

  it('bounds the interval of a time or a rate: it can never fall by more than 100 %', () => {
    const before = [10, 12, 9, 30, 11, 10.5, 9.5, 40, 10, 12];
    const after = before.map((value) => value / 10);
    const test = testSamples(before, after, 0.95) as ChangeTest;
    expect(test.low).toBeGreaterThan(-1);
    expect(test.low).toBeLessThanOrEqual(-0.9);
    expect(test.high).toBeGreaterThanOrEqual(-0.9);
  });

  it('declines when the samples are too few for the test to ever reach the level', () => {
    expect(testSamples([1, 1.1], [1.5, 1.6], 0.95)).toBeNull();
  });
});

describe('Benjamini–Hochberg across a run’s metrics', () => {
  it('adjusts as R’s p.adjust(method = "BH") does, and more strictly for family members not given', () => {
    expect(adjustPValues([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(adjustPValues([0.01, 0.04, 0.03, 0.005], 8)).toEqual([0.04, 0.08, 0.08, 0.04]);
  });

  it('holds the share of false discoveries near the level where a run has hundreds of metrics', () => {
    const draw = normal(4);
    let falseFound = 0;
    let found = 0;
    for (let run = 0; run < 200; run++) {
      // 300 metrics, 10 of them really 30 % slower.
      const p = Array.from({ length: 300 }, (_, metric) => {
        const trial = twoLevelTrial(draw, metric < 10 ? 0.3 : 0, 0.05, 0.005);
        return judgeTrial(trial).pValue ?? 1;
      });
      adjustPValues(p).forEach((adjusted, metric) => {
        if (adjusted >= 0.05) return;
        found++;
        if (metric >= 10) falseFound++;
      });
    }
    expect(falseFound / found).toBeLessThan(0.06);
  });
});

describe('p-values', () => {
  it('print as bounds past what a benchmark history can resolve, never as 10⁻¹⁰⁵', () => {
    expect(formatPValue(2.8e-105)).toBe('p < 0.001');
    expect(formatPValue(0.03456)).toBe('p = 0.035');
    expect(formatPValue(0.35)).toBe('p = 0.35');
  });
});

describe('the rule with significance', () => {
  const config = { significanceLevel: 0.05, significance: 'both' as const };
  const tested = (pValue: number, adjustedPValue: number | null = null): ChangeTest => ({
    test: 'runs',
    count: 20,
    estimate: 0.25,
    low: 0.2,
    high: 0.3,
    level: 0.95,
    pValue,
    adjustedPValue,
    family: adjustedPValue === null ? null : 10,
  });
  it('needs both the threshold and significance by default, and says "likely noise" when only the threshold is crossed', () => {
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, tested(0.001), config).status).toBe('regression');
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, tested(0.2), config).status).toBe('noise');
    expect(classifyWithSignificance(1.1, 1, 'lower', 0.2, tested(0.001), config).status).toBe('unchanged');
  });

  it('goes by the adjusted p-value where there is one', () => {
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, tested(0.01, 0.08), config).status).toBe('noise');
    expect(formatChangeWithInterval(0.25, tested(0.01, 0.08))).toBe(
      '+25.0% (95% CI +20.0% to +30.0%, p = 0.08 adjusted for 10 metrics, t-test, spread of 20 runs)',
    );
  });

  it('can judge by significance alone, or by the threshold alone', () => {
    expect(classifyWithSignificance(1.1, 1, 'lower', 0.2, tested(0.001), { ...config, significance: 'significance' }).status).toBe(
      'regression',
    );
    expect(classifyWithSignificance(1.1, 1, 'higher', 0.2, tested(0.001), { ...config, significance: 'significance' }).status).toBe(
      'improvement',
    );
    expect(classifyWithSignificance(1.25, 1, 'lower', 0.2, tested(0.2), { ...config, significance: 'threshold' }).status).toBe(
      'regression',
    );
  });
});
