/**
 * npm run bench:change-points -- [--series 1000] [--points 1000]: how long change point detection takes
 * over many long series, as a site build runs it. The series are generated (synthetic: noise around a
 * level, with a step in every other series) and the same every time.
 */
import { parseArgs } from 'node:util';
import { randomLcg, randomNormal } from 'd3-random';
import { changePoints } from '../src/lib/change-points.ts';
import { timeSeconds } from './suite.ts';

const { values } = parseArgs({ options: { series: { type: 'string', default: '1000' }, points: { type: 'string', default: '1000' } } });
const count = Number(values.series);
const length = Number(values.points);
const noise = randomNormal.source(randomLcg(0.42))(0, 0.03);
const series = Array.from({ length: count }, (_, index) =>
  Array.from({ length }, (_, point) => (index % 2 === 1 && point >= length / 2 ? 1.1 : 1) * (1 + noise())),
);
let found = 0;
const seconds = await timeSeconds(() => {
  for (const values of series) found += changePoints(values).length;
});
console.log(
  `| ${count.toLocaleString('en')} series × ${length.toLocaleString('en')} points (synthetic) | ${seconds.toFixed(1)} s | ${((seconds / count) * 1000).toFixed(1)} ms a series | ${found} change points |`,
);
