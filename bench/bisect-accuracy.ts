/**
 * npm run bench:bisect -- [--seeds 200] [--commits 32] [--noise 0.03]: how often `perfsite bisect` names the
 * right commit, and what it costs in runs, on simulated ranges (labelled synthetic): runs that spread
 * log-normally by --noise, a step for the worse of 5, 10 or 20 % at a seeded commit, and ranges with no step
 * (the share that wrongly names a culprit). The search is the one the command runs (bisect-search.ts).
 */
import { parseArgs } from 'node:util';
import { randomInt, randomLcg, randomNormal } from 'd3-random';
import { median } from 'simple-statistics';
import { bisect } from '../src/lib/analysis/bisect-search.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    commits: { type: 'string', default: '32' },
    noise: { type: 'string', default: '0.03' },
  },
});
const seeds = Number(values.seeds);
const commitCount = Number(values.commits);
const noiseSd = Number(values.noise);
const commits = Array.from({ length: commitCount + 1 }, (_, index) => `c${index}`);
const settings = { metrics: ['bench/time'], repeats: 3, maxRuns: 12, alpha: 0.01 };

interface Trial {
  named: string[];
  culprit: string | null;
  /** Whether the right culprit's interval (99 %) holds the step. */
  covered: boolean | null;
  rounds: number;
  runs: number;
}

async function trial(seed: number, step: number): Promise<Trial> {
  const source = randomLcg((seed + 0.5) / (seeds + 1));
  const noise = randomNormal.source(source)(0, noiseSd);
  const at = step > 0 ? randomInt.source(source)(1, commitCount + 1)() : Number.POSITIVE_INFINITY;
  const result = await bisect({
    ...settings,
    commits,
    measure: async (commit) => new Map([['bench/time', 0.001 * (commits.indexOf(commit) >= at ? 1 + step : 1) * Math.exp(noise())]]),
  });
  const right = result.culprits.find((culprit) => culprit.commit === `c${at}`)?.changes[0]?.test;
  return {
    named: result.culprits.map((culprit) => culprit.commit),
    culprit: step > 0 ? `c${at}` : null,
    covered: right?.low != null && right.high != null ? right.low <= step && step <= right.high : null,
    rounds: result.rounds,
    runs: result.runs,
  };
}

console.log(
  `synthetic ranges of ${commitCount} commits, runs spread ${noiseSd * 100} % (log-normal), ${seeds} seeds each; repeats 3, at most 12 runs a probe, p ≤ 0.01\n`,
);
console.log(
  '| step | right culprit | wrong or extra culprit | "no change" | its 99 % interval holds the step | rounds, median (max) | runs, median (max) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const step of [0, 0.05, 0.1, 0.2]) {
  const trials = [];
  for (let seed = 0; seed < seeds; seed++) trials.push(await trial(seed, step));
  const right = trials.filter((one) => one.culprit !== null && one.named.length === 1 && one.named[0] === one.culprit).length;
  const none = trials.filter((one) => one.named.length === 0).length;
  const wrong = trials.length - right - none;
  const share = (count: number) => `${((100 * count) / trials.length).toFixed(1)} %`;
  const judged = trials.filter((one) => one.covered !== null);
  const coverage = judged.length > 0 ? `${((100 * judged.filter((one) => one.covered).length) / judged.length).toFixed(1)} %` : '—';
  const rounds = trials.map((one) => one.rounds);
  const runs = trials.map((one) => one.runs);
  console.log(
    `| ${step === 0 ? 'none' : `${step * 100} %`} | ${step === 0 ? '—' : share(right)} | ${share(wrong)} | ${share(none)} | ${coverage} | ${median(rounds)} (${Math.max(...rounds)}) | ${median(runs)} (${Math.max(...runs)}) |`,
  );
}
