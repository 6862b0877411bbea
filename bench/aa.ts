/**
 * npm run bench:aa -- [--asv DIR] [--trials 2000]: is a p-value perfsite prints what it says it is?
 *
 * 1. A/A on real history: every django asv series (PERFSITE_REAL_DATA or --asv) is cut at the change points a
 *    sensitive scan finds (window 50, p ≤ 0.01, magnitude ≥ 2 %: more sensitive than the site's), and within
 *    each stretch every run with 5 runs before it is tested against them as the site does (testLevels: the
 *    median of the 5, the spread of up to SPREAD_MIN_RUNS of the stretch). No change is there to find, so
 *    at 0.05 about 5 % should come out significant. For comparison, the test perfsite used to run: Mann–Whitney
 *    on the run's samples against its baseline runs' samples pooled.
 * 2. A generated two-level history (labelled synthetic, never written anywhere): runs whose levels differ
 *    5, 10 and 20 times more than the samples within a run do. The share significant on flat stretches; for
 *    steps of 5, 10 and 20 %, how often the 95 % interval covers the true change, and the power at 0.05.
 */
import { parseArgs } from 'node:util';
import { randomLcg, randomNormal } from 'd3-random';
import { median } from 'simple-statistics';
import { SPREAD_MIN_RUNS } from '../src/lib/analysis/baseline-plans.ts';
import { mannWhitneyU, ownSpread, type RunSpread, testLevels } from '../src/lib/shared/significance.ts';
import { djangoAsvResults, flatStretches, type RealPoint } from './real-stretches.ts';

const WINDOW = 5;
const LEVEL = 0.05;

const { values: args } = parseArgs({ options: { asv: { type: 'string' }, trials: { type: 'string', default: '2000' } } });
const trials = Number(args.trials);

function logSpread(values: readonly number[]): RunSpread {
  const logs = values.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  const logSd = Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
  return { runs: values.length, logSd, sd: null };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`;
}

async function realHistory(): Promise<void> {
  const asvDir = djangoAsvResults(args.asv);
  if (!asvDir) {
    console.log('A/A on real history skipped: give --asv path/to/django-asv/results, or set PERFSITE_REAL_DATA');
    return;
  }
  const { series, stretches } = await flatStretches(asvDir);
  let tested = 0;
  let significant = 0;
  let pooledTested = 0;
  let pooledSignificant = 0;
  for (const points of stretches)
    for (let at = WINDOW; at < points.length; at++) {
      const point = points[at] as RealPoint;
      const before = points.slice(at - WINDOW, at);
      const spread = logSpread(points.slice(Math.max(0, at - SPREAD_MIN_RUNS), at).map((each) => each.value));
      const test = testLevels(
        { median: point.value, runs: 1, own: ownSpread(point.samples) },
        { median: median(before.map((each) => each.value)), runs: WINDOW },
        spread,
        1 - LEVEL,
      );
      if (test?.pValue != null) {
        tested++;
        if (test.pValue < LEVEL) significant++;
      }
      const pool = before.flatMap((each) => each.samples);
      if (pool.length > 0 && point.samples.length > 0) {
        pooledTested++;
        if (mannWhitneyU(pool, point.samples).pValue < LEVEL) pooledSignificant++;
      }
    }
  console.log(`## A/A on django's asv history (${series} series with 20+ runs)\n`);
  console.log('| test | runs tested in stretches without change | significant at 0.05 |');
  console.log('|---|---|---|');
  console.log(`| a run against its baseline runs' spread (perfsite) | ${tested} | ${percent(significant, tested)} |`);
  console.log(
    `| Mann–Whitney on samples, baseline runs' samples pooled (before) | ${pooledTested} | ${percent(pooledSignificant, pooledTested)} |`,
  );
  console.log();
}

function generated(): void {
  const draw = randomNormal.source(randomLcg(42))(0, 1);
  const sampleSd = 0.005;
  console.log(`## Generated two-level history (synthetic; ${trials} trials a cell; samples within a run: 0.5 %)\n`);
  console.log(
    '| run-to-run ÷ within-run spread | significant, flat | 95 % interval covers the step (5 / 10 / 20 %) | power at 0.05 (5 / 10 / 20 %) |',
  );
  console.log('|---|---|---|---|');
  for (const ratio of [5, 10, 20]) {
    const runSd = sampleSd * ratio;
    const trial = (step: number) => {
      const run = (level: number) => {
        const samples = Array.from({ length: 10 }, () => level * Math.exp(runSd * draw() + sampleSd * draw()));
        return { value: samples.reduce((sum, value) => sum + value, 0) / samples.length, samples };
      };
      const history = Array.from({ length: SPREAD_MIN_RUNS }, () => run(1).value);
      const judged = run(1 + step);
      return testLevels(
        { median: judged.value, runs: 1, own: ownSpread(judged.samples) },
        { median: median(history.slice(-WINDOW)), runs: WINDOW },
        logSpread(history),
        1 - LEVEL,
      );
    };
    let flat = 0;
    for (let at = 0; at < trials; at++) if ((trial(0)?.pValue ?? 1) < LEVEL) flat++;
    const coverage: string[] = [];
    const power: string[] = [];
    for (const step of [0.05, 0.1, 0.2]) {
      let covered = 0;
      let found = 0;
      for (let at = 0; at < trials; at++) {
        const test = trial(step);
        if (test && test.low !== null && test.high !== null && test.low <= step && step <= test.high) covered++;
        if ((test?.pValue ?? 1) < LEVEL) found++;
      }
      coverage.push(percent(covered, trials));
      power.push(percent(found, trials));
    }
    console.log(
      `| ${ratio} × (runs ${(runSd * 100).toFixed(1)} %) | ${percent(flat, trials)} | ${coverage.join(' / ')} | ${power.join(' / ')} |`,
    );
  }
}

await realHistory();
generated();
