/**
 * npm run bench:change-points -- [--series 1000] [--points 1000]: how long change-point detection takes
 * over many long series, as a site build runs it: every series scanned raw, the runner effects fitted
 * over all of them around the levels found, then every series scanned corrected. The series are generated (synthetic: noise
 * around a level, runs on two kinds of runner, a step in every other series) and the same every time.
 */
import { parseArgs } from 'node:util';
import { randomLcg, randomNormal } from 'd3-random';
import { type DetectedChange, detectChanges, platformCorrected } from '../src/lib/analysis/series-changes.ts';
import { timeSeconds } from './suite.ts';

const { values } = parseArgs({ options: { series: { type: 'string', default: '1000' }, points: { type: 'string', default: '1000' } } });
const count = Number(values.series);
const length = Number(values.points);
const random = randomLcg(0.42);
const noise = randomNormal.source(random)(0, 0.03);
const runs = Array.from({ length }, (_, point) => `run-${point}`);
const slowRunner = runs.map(() => random() < 0.3);
const series = Array.from({ length: count }, (_, index) => ({
  runs,
  values: runs.map((_, point) => (index % 2 === 1 && point >= length / 2 ? 1.1 : 1) * (slowRunner[point] ? 1.2 : 1) * (1 + noise())),
}));
let scan: ReturnType<typeof platformCorrected> = { raw: [], corrected: [] };
const fitSeconds = await timeSeconds(() => {
  scan = platformCorrected(series);
});
let found: DetectedChange[][] = [];
const scanSeconds = await timeSeconds(() => {
  found = series.map((one, index) => detectChanges(one.values, scan.corrected[index], {}, scan.raw[index]));
});
const atStep = found
  .filter((_, index) => index % 2 === 1)
  .flat()
  .filter((point) => point.index === length / 2).length;
const elsewhere = found.flat().length - atStep;
console.log(
  `| ${count.toLocaleString('en')} series × ${length.toLocaleString('en')} points (synthetic) | ${(fitSeconds + scanSeconds).toFixed(1)} s | ${fitSeconds.toFixed(1)} s | ${atStep} of ${Math.floor(count / 2)} steps found at their run, ${elsewhere} change points elsewhere |`,
);
