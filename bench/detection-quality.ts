/**
 * npm run bench:detection -- [--asv DIR] [--step 0.1]: how well each way of raising an alert works on
 * real noise. Every django asv series (machine × environment × benchmark, 40+ runs; PERFSITE_REAL_DATA
 * or --asv) is first flattened: each run is divided by the median of the 21 runs around it (runner effects
 * taken out), which keeps its noise and removes its real level shifts. Then:
 *
 * - on the flat series, every alert is false: false alerts per 1,000 runs; and again with their runs
 *   shuffled, which also removes any slow drift or short spell the filter left (see shuffledPlatforms);
 * - into a copy, a step for the worse of --step (10 %) is injected at a seeded random position in the
 *   middle half: it counts as found when the method alerts within 5 runs of it (recall), and every
 *   other alert is false (precision).
 *
 * Methods: the plain rule (the run against the median of the 5 before it, beyond the threshold), the
 * same rule when a Mann–Whitney test on the runs' samples also says p < 0.05, and change points, on the
 * raw values and as the site runs them (also on the values corrected for runner effects, runner-speed.ts).
 * The runner effects are refitted over every series after each injection, as the site would see them.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomLcg } from 'd3-random';
import { median, quantileSorted } from 'simple-statistics';
import { type ChangePoint, changePoints } from '../src/lib/analysis/change-points.ts';
import { groupEvents, type RegressionEvent } from '../src/lib/analysis/regression-events.ts';
import { type RunSeries, runnerCorrected, runToRunNoise } from '../src/lib/analysis/runner-speed.ts';
import { CHANGE_POINT_DEFAULTS, type DetectedChange, platformChanges, type SeriesChange } from '../src/lib/analysis/series-changes.ts';
import { readAsvResults } from '../src/lib/importers/asv.ts';
import { mannWhitneyU } from '../src/lib/shared/significance.ts';

interface Series extends RunSeries {
  platform: string;
  name: string;
  times: string[];
  values: number[];
  samples: number[][];
}

const WINDOW = 5;
/** Runs each side of a run whose median is its level when the series is flattened. */
const FLATTEN_HALF_WIDTH = 10;
const TOLERANCE = 5;

const { values: args } = parseArgs({
  options: {
    asv: { type: 'string' },
    step: { type: 'string', default: '0.1' },
    window: { type: 'string' },
    'max-p': { type: 'string' },
    magnitude: { type: 'string' },
  },
});
const asvDir =
  args.asv ?? (process.env.PERFSITE_REAL_DATA ? path.join(process.env.PERFSITE_REAL_DATA, 'django-asv', 'results') : undefined);
if (!asvDir) throw new Error('give --asv path/to/django-asv/results, or set PERFSITE_REAL_DATA');
const step = Number(args.step);
const detection = {
  windowLength: Number(args.window ?? CHANGE_POINT_DEFAULTS.windowLength),
  maxPValue: Number(args['max-p'] ?? CHANGE_POINT_DEFAULTS.maxPValue),
  minMagnitude: Number(args.magnitude ?? CHANGE_POINT_DEFAULTS.minMagnitude),
};

async function loadSeries(): Promise<Series[]> {
  const { runs } = await readAsvResults(asvDir as string);
  const bySeries = new Map<
    string,
    Array<{ run: string; time: string; value: number; samples: number[]; platform: string; name: string }>
  >();
  for (const run of runs) {
    for (const metric of run.metrics) {
      if (typeof metric.value !== 'number' || !metric.samples || metric.samples.length < 3 || metric.direction !== 'lower') continue;
      const key = `${run.platform}\u0000${metric.suite}\u0000${metric.name}`;
      const point = {
        run: run.key,
        time: run.timestamp ?? '',
        value: metric.value,
        samples: metric.samples,
        platform: run.platform ?? '',
        name: `${metric.suite}/${metric.name}`,
      };
      bySeries.set(key, [...(bySeries.get(key) ?? []), point]);
    }
  }
  return [...bySeries.values()]
    .filter((points) => points.length >= 40)
    .map((points) => points.sort((a, b) => a.time.localeCompare(b.time)))
    .map((points) => ({
      platform: points[0]?.platform ?? '',
      name: points[0]?.name ?? '',
      times: points.map((point) => point.time),
      runs: points.map((point) => point.run),
      values: points.map((point) => point.value),
      samples: points.map((point) => point.samples),
    }));
}

/**
 * Each run divided by its local level: the median of the runs around it (a median filter keeps steps
 * sharp), taken from the values corrected for runner effects, as a raw median would carry its mix of fast
 * and slow runners into the flat series as a step of its own. A filter and not a change-point scan: the
 * scans are what this bench measures, and flattening with one of them would hand it series it has already
 * explained.
 */
function flatten(series: Series, corrected: readonly number[]): Series {
  const scale = corrected.map((_, index) =>
    median(corrected.slice(Math.max(0, index - FLATTEN_HALF_WIDTH), index + FLATTEN_HALF_WIDTH + 1)),
  );
  return {
    ...series,
    values: series.values.map((value, index) => value / (scale[index] as number)),
    samples: series.samples.map((samples, index) => samples.map((sample) => sample / (scale[index] as number))),
  };
}

function injectStep(series: Series, at: number): Series {
  const factor = (index: number) => (index >= at ? 1 + step : 1);
  return {
    ...series,
    values: series.values.map((value, index) => value * factor(index)),
    samples: series.samples.map((samples, index) => samples.map((sample) => sample * factor(index))),
  };
}

/** A method's alerts on series `index` of the platform given (the others matter to the site's method only). */
type Method = (platform: readonly Series[], index: number) => number[];

function ruleAlerts(threshold: number, significance: boolean): Method {
  return (platform, at) => {
    const series = platform[at] as Series;
    const alerts: number[] = [];
    for (let index = WINDOW; index < series.values.length; index++) {
      const baseline = median(series.values.slice(index - WINDOW, index));
      if ((series.values[index] as number) / baseline - 1 <= threshold) continue;
      if (significance) {
        const before = series.samples.slice(index - WINDOW, index).flat();
        if (mannWhitneyU(before, series.samples[index] as number[]).pValue >= 0.05) continue;
      }
      alerts.push(index);
    }
    return alerts;
  };
}

const worse = (point: ChangePoint) => point.meanAfter > point.meanBefore;

const rawChangePoints: Method = (platform, index) =>
  changePoints((platform[index] as Series).values, detection)
    .filter(worse)
    .map((point) => point.index);

/** The site scans a whole platform at once; memoised per platform, as every series of the flat one is asked in turn. */
const platformScans = new WeakMap<readonly Series[], DetectedChange[][]>();
const siteChangePoints: Method = (platform, index) => {
  let scans = platformScans.get(platform);
  if (!scans) {
    scans = platformChanges(platform, detection);
    platformScans.set(platform, scans);
  }
  return (scans[index] as DetectedChange[]).filter(worse).map((point) => point.index);
};

const settings = `window ${detection.windowLength}, p ≤ ${detection.maxPValue}, magnitude ≥ ${Number((detection.minMagnitude * 100).toPrecision(3))} %`;
const methods: Array<[string, Method]> = [
  ['plain rule, 20 % threshold', ruleAlerts(0.2, false)],
  ['plain rule, 5 % threshold', ruleAlerts(0.05, false)],
  ['5 % threshold + Mann–Whitney p < 0.05', ruleAlerts(0.05, true)],
  [`change points on raw values (${settings})`, rawChangePoints],
  [`change points on raw values and values corrected for runner effects, as the site runs them (${settings})`, siteChangePoints],
];

const real = await loadSeries();
const realCorrected = runnerCorrected(real);
const flat = real.map((series, index) => flatten(series, realCorrected[index] as number[]));
const random = randomLcg(0.1234);
/**
 * The flat series with their runs in a random order (five of them), the same in every series: a run keeps its runner,
 * and no level shift or drift the filter missed (nor a spell of slow runners) survives.
 */
const shuffle = randomLcg(0.5678);
const SHUFFLES = 5;
const shuffledPlatforms: Series[][] = Array.from({ length: SHUFFLES }, () => {
  const runOrder = new Map<string, number>();
  for (const series of flat) for (const run of series.runs) if (!runOrder.has(run)) runOrder.set(run, shuffle());
  return flat.map((series) => {
    const rank = (index: number) => runOrder.get(series.runs[index] as string) as number;
    const order = series.runs.map((_, index) => index).sort((a, b) => rank(a) - rank(b));
    return {
      ...series,
      // A run keeps its time slot in the order: the shuffle moves values, not the calendar.
      times: series.times,
      runs: order.map((index) => series.runs[index] as string),
      values: order.map((index) => series.values[index] as number),
      samples: order.map((index) => series.samples[index] as number[]),
    };
  });
});
const positions = flat.map((series) => Math.floor(series.values.length / 4 + random() * (series.values.length / 2)));
const withStep = flat.map((series, index) => {
  const stepped = injectStep(series, positions[index] as number);
  return flat.map((other) => (other === series ? stepped : other));
});
const runs = flat.reduce((sum, series) => sum + series.values.length, 0);

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const quantile = (values: number[], q: number) =>
  quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
const rawNoise = real.map((series) => runToRunNoise(series.values));
const correctedNoise = realCorrected.map((values) => runToRunNoise(values));
console.log(`${flat.length} django asv series (${runs.toLocaleString('en')} runs), a ${step * 100} % step injected into each once\n`);
console.log('| run-to-run noise (median of abs(xᵢ ÷ xᵢ₋₁ − 1)) | median series | 90th percentile |\n|---|---|---|');
console.log(`| raw | ${percent(quantile(rawNoise, 0.5))} | ${percent(quantile(rawNoise, 0.9))} |`);
console.log(`| corrected for runner effects | ${percent(quantile(correctedNoise, 0.5))} | ${percent(quantile(correctedNoise, 0.9))} |\n`);
console.log(
  '| method | steps found (recall) | precision | false alerts per 1,000 runs, flat series | flat, runs shuffled (5 orders) | with the step |',
);
console.log('|---|---|---|---|---|---|');
for (const [name, method] of methods) {
  let flatAlerts = 0;
  let shuffledAlerts = 0;
  let found = 0;
  let falseWithStep = 0;
  flat.forEach((_, index) => {
    flatAlerts += method(flat, index).length;
    for (const shuffled of shuffledPlatforms) shuffledAlerts += method(shuffled, index).length;
    const at = positions[index] as number;
    const alerts = method(withStep[index] as Series[], index);
    const near = alerts.filter((alert) => alert >= at - TOLERANCE && alert <= at + TOLERANCE);
    if (near.length > 0) found++;
    falseWithStep += alerts.length - near.length;
  });
  const precision = found + falseWithStep === 0 ? 1 : found / (found + falseWithStep);
  console.log(
    `| ${name} | ${percent(found / flat.length)} | ${percent(precision)} | ${((flatAlerts / runs) * 1000).toFixed(2)} | ${((shuffledAlerts / runs / SHUFFLES) * 1000).toFixed(2)} | ${((falseWithStep / runs) * 1000).toFixed(2)} |`,
  );
}

/**
 * Regression events, as the site groups change points (regression-events.ts): each machine scanned as the
 * site scans a platform, its changes grouped by commit range across series and machines.
 */
function eventsOf(all: readonly Series[]): RegressionEvent[] {
  const changes: SeriesChange[] = [];
  const previousTimes = new Map<string, string>();
  for (const [platform, group] of Map.groupBy(all, (series) => series.platform)) {
    const scans = platformChanges(group, detection);
    group.forEach((series, at) => {
      for (const [index, run] of series.runs.entries()) previousTimes.set(run, series.times[index] as string);
      for (const point of scans[at] as DetectedChange[]) {
        changes.push({
          platform,
          suite: 'asv',
          metric: series.name,
          unit: 's',
          direction: 'lower',
          ...point,
          runId: series.runs[point.index] as string,
          previousRunId: series.runs[point.index - 1] as string,
          timestamp: series.times[point.index] as string,
          change: point.meanAfter / point.meanBefore - 1,
          worse: point.meanAfter > point.meanBefore,
        });
      }
    });
  }
  const counts = new Map([...Map.groupBy(all, (series) => series.platform)].map(([platform, group]) => [platform, group.length]));
  const timeline = new Map(
    [...Map.groupBy(all, (series) => series.platform)].map(([platform, group]) => [
      platform,
      [...new Set(group.flatMap((series) => series.times))].sort(),
    ]),
  );
  return groupEvents(changes, previousTimes, counts, () => true, timeline).events;
}

/** Every run of a series multiplied from `at` on (a step), or at `at` alone (an outlier). */
function scaled(series: Series, factor: (index: number) => number): Series {
  return {
    ...series,
    values: series.values.map((value, index) => value * factor(index)),
    samples: series.samples.map((samples, index) => samples.map((sample) => sample * factor(index))),
  };
}

const TRIALS = 40;
const SERIES_PER_STEP = 5;
const trialRandom = randomLcg(0.4242);
const machines = [...new Set(flat.map((series) => series.platform))];
let oneEvent = 0;
let allSeries = 0;
let split = 0;
let missed = 0;
for (let trial = 0; trial < TRIALS; trial++) {
  const machine = machines[Math.floor(trialRandom() * machines.length)] as string;
  const ofMachine = flat.filter((series) => series.platform === machine);
  const anchor = ofMachine[Math.floor(trialRandom() * ofMachine.length)] as Series;
  const time = anchor.times[Math.floor(anchor.times.length / 4 + trialRandom() * (anchor.times.length / 2))] as string;
  const candidates = ofMachine.filter((series) => series.times.includes(time));
  const chosen = new Set<Series>();
  while (chosen.size < Math.min(SERIES_PER_STEP, candidates.length))
    chosen.add(candidates[Math.floor(trialRandom() * candidates.length)] as Series);
  const injected = flat.map((series) =>
    chosen.has(series) ? scaled(series, (index) => ((series.times[index] as string) >= time ? 1 + step : 1)) : series,
  );
  const events = eventsOf(injected).filter((event) =>
    event.series.some((change) =>
      chosen.has(flat.find((series) => series.platform === change.platform && series.name === change.metric) as Series),
    ),
  );
  const atStep = events.filter((event) => event.fromTime < time && time <= event.toTime);
  const covered = (event: RegressionEvent) =>
    [...chosen].every((series) => event.series.some((change) => change.platform === series.platform && change.metric === series.name));
  // The injected series' changes near the step (within 5 runs): grouping is right when they are all one event at the step.
  const near = events.flatMap((event) =>
    event.series
      .filter((change) => {
        const series = [...chosen].find((each) => each.platform === change.platform && each.name === change.metric);
        if (!series) return false;
        const at = series.times.indexOf(time);
        const index = series.runs.indexOf(change.runId);
        return Math.abs(index - at) <= TOLERANCE;
      })
      .map((change) => ({ event, change })),
  );
  const holders = new Set(near.map(({ event }) => event));
  if (near.length === 0) missed++;
  else if (holders.size === 1 && atStep.includes([...holders][0] as RegressionEvent)) {
    oneEvent++;
    if (covered([...holders][0] as RegressionEvent)) allSeries++;
  } else split++;
}
const flatEvents = eventsOf(flat).length;
const outlierRandom = randomLcg(0.777);
const withOutliers = flat.map((series) => {
  const at = Math.floor(series.values.length / 4 + outlierRandom() * (series.values.length / 2));
  const size = 0.2 + outlierRandom() * 0.3;
  const slower = outlierRandom() < 0.5;
  return scaled(series, (index) => (index === at ? (slower ? 1 + size : 1 - size) : 1));
});
const outlierEvents = eventsOf(withOutliers).length;
const shuffledEvents = shuffledPlatforms.reduce((sum, shuffled) => sum + eventsOf(shuffled).length, 0) / SHUFFLES;
const perThousand = (count: number) => ((count / runs) * 1000).toFixed(2);
console.log(
  `\nRegression events (change points grouped by commit range), ${TRIALS} trials of a ${step * 100} % step injected at one run into ${SERIES_PER_STEP} series of one machine:\n`,
);
console.log('| measure | result |\n|---|---|');
console.log(
  `| the step is one event at its commit range (every change found within 5 runs of it is in that event) | ${percent(oneEvent / TRIALS)} (${oneEvent} of ${TRIALS}) |`,
);
console.log(
  `| … and that event holds all ${SERIES_PER_STEP} injected series | ${percent(allSeries / TRIALS)} (${allSeries} of ${TRIALS}) |`,
);
console.log(`| the step is split across events | ${split} of ${TRIALS} |`);
console.log(`| the step is missed | ${missed} of ${TRIALS} |`);
console.log(`| events per 1,000 runs, flat series | ${perThousand(flatEvents)} |`);
console.log(
  `| events per 1,000 runs, flat with a 20–50 % one-run outlier in every series | ${perThousand(outlierEvents)} (${perThousand(flatEvents)} without the outliers) |`,
);
console.log(`| events per 1,000 runs, flat, runs shuffled (5 orders) | ${perThousand(shuffledEvents)} |`);
