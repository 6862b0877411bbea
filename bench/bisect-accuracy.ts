/**
 * npm run bench:bisect -- [--seeds 200] [--commits 32] [--noise 0.03] [--asv DIR]: how often `perfsite bisect`
 * names the right commit, and what it costs in runs, on simulated ranges (labelled synthetic): a step for the
 * worse of 5, 10 or 20 % at a seeded commit, and ranges with no step (the share that wrongly names a culprit:
 * the A/A). Runs spread log-normally by --noise; then, with real noise, each run of a commit drawn from the runs
 * of one stretch of a real series that has no change in it (django's asv history, PERFSITE_REAL_DATA or
 * --asv; bench/real-stretches.ts), times the step. The search is the one the command runs (bisect-search.ts).
 */
import { parseArgs } from 'node:util';
import { randomInt, randomLcg, randomNormal } from 'd3-random';
import { median, quantile } from 'simple-statistics';
import { bisect } from '../src/lib/analysis/bisect-search.ts';
import { djangoAsvResults, flatStretches } from './real-stretches.ts';

const MIN_STRETCH = 30;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    commits: { type: 'string', default: '32' },
    noise: { type: 'string', default: '0.03' },
    asv: { type: 'string' },
  },
});
const seeds = Number(values.seeds);
const commitCount = Number(values.commits);
const noiseSd = Number(values.noise);
const commits = Array.from({ length: commitCount + 1 }, (_, index) => `c${index}`);
const settings = { metrics: ['bench/time'], repeats: 3, maxRuns: 12, alpha: 0.01 };

interface Trial {
  /** Culprits named as confirmed: what bisect records for an event. */
  named: string[];
  /** Whether it named only a culprit whose own change was not significant (printed so, never recorded). */
  unconfirmed: boolean;
  culprit: string | null;
  /** Whether the right culprit's interval (99 %) holds the step. */
  covered: boolean | null;
  rounds: number;
  runs: number;
}

/** A run of a commit with no step: its value, drawn from the seeded source. */
type Level = (source: () => number) => () => number;

async function trial(seed: number, step: number, level: Level): Promise<Trial> {
  const source = randomLcg((seed + 0.5) / (seeds + 1));
  const run = level(source);
  const at = step > 0 ? randomInt.source(source)(1, commitCount + 1)() : Number.POSITIVE_INFINITY;
  const result = await bisect({
    ...settings,
    commits,
    measure: async (commit) => new Map([['bench/time', (commits.indexOf(commit) >= at ? 1 + step : 1) * run()]]),
  });
  const right = result.culprits.find((culprit) => culprit.commit === `c${at}`)?.changes[0]?.test;
  return {
    named: result.culprits.filter((culprit) => culprit.confirmed).map((culprit) => culprit.commit),
    unconfirmed: result.culprits.length > 0 && result.culprits.every((culprit) => !culprit.confirmed),
    culprit: step > 0 ? `c${at}` : null,
    covered: right?.low != null && right.high != null ? right.low <= step && step <= right.high : null,
    rounds: result.rounds,
    runs: result.runs,
  };
}

/** A row per step; `levelFor` gives each seed's runs. */
function table(levelFor: (seed: number) => Level): Promise<void> {
  return (async () => {
    console.log(
      '| step | right culprit | wrong or extra culprit | only an unconfirmed one | "no change" | its 99 % interval holds the step | rounds, median (max) | runs, median (max) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const step of [0, 0.05, 0.1, 0.2]) {
      const trials = [];
      for (let seed = 0; seed < seeds; seed++) trials.push(await trial(seed, step, levelFor(seed)));
      const right = trials.filter((one) => one.culprit !== null && one.named.length === 1 && one.named[0] === one.culprit).length;
      const none = trials.filter((one) => one.named.length === 0 && !one.unconfirmed).length;
      const unconfirmed = trials.filter((one) => one.unconfirmed).length;
      const wrong = trials.length - right - none - unconfirmed;
      const share = (count: number) => `${((100 * count) / trials.length).toFixed(1)} %`;
      const judged = trials.filter((one) => one.covered !== null);
      const coverage = judged.length > 0 ? `${((100 * judged.filter((one) => one.covered).length) / judged.length).toFixed(1)} %` : '—';
      const rounds = trials.map((one) => one.rounds);
      const runs = trials.map((one) => one.runs);
      console.log(
        `| ${step === 0 ? 'none' : `${step * 100} %`} | ${step === 0 ? '—' : share(right)} | ${share(wrong)} | ${share(unconfirmed)} | ${share(none)} | ${coverage} | ${median(rounds)} (${Math.max(...rounds)}) | ${median(runs)} (${Math.max(...runs)}) |`,
      );
    }
  })();
}

console.log(
  `## Synthetic noise\n\nranges of ${commitCount} commits, runs spread ${noiseSd * 100} % (log-normal), ${seeds} seeds each; repeats 3, at most 12 runs a probe, p ≤ 0.01\n`,
);
await table(() => (source) => {
  const noise = randomNormal.source(source)(0, noiseSd);
  return () => 0.001 * Math.exp(noise());
});

const asvDir = djangoAsvResults(values.asv);
if (!asvDir) console.log('\nreal noise skipped: give --asv path/to/django-asv/results, or set PERFSITE_REAL_DATA');
else {
  const { stretches } = await flatStretches(asvDir);
  // Long enough that a commit's runs are not the same few values again and again.
  const pool = stretches.filter((points) => points.length >= MIN_STRETCH);
  const spreads = pool.map((points) => {
    const logs = points.map((point) => Math.log(point.value));
    const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
    return Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1));
  });
  console.log(
    `\n## Real noise\n\nranges of ${commitCount} commits; each run drawn from one of ${pool.length} stretches of ${MIN_STRETCH}+ runs without a change in django's asv history (a stretch per seed; their run-to-run spread, median ${(100 * median(spreads)).toFixed(1)} %, 90th percentile ${(100 * quantile(spreads, 0.9)).toFixed(1)} %), ${seeds} seeds each\n`,
  );
  const stretchOf = randomInt.source(randomLcg(0.25))(0, pool.length);
  const stretchOfSeed = Array.from({ length: seeds }, () => pool[stretchOf()] ?? []);
  await table((seed) => (source) => {
    const points = stretchOfSeed[seed] ?? [];
    const pick = randomInt.source(source)(0, points.length);
    return () => points[pick()]?.value ?? Number.NaN;
  });
}
