/**
 * From a commit range to the commit that changed it (issue #32). The range's ends are measured first, in
 * alternation; if no metric followed differs between them, there is nothing to find. Otherwise the middle
 * commit is probed, each turn running the current ends and the probe one after another (in a rotating order),
 * so that a machine that warms up or slows down hits all three alike; the probe is judged nearer one end than
 * the other (testMidpoint) over its runs, more turns are added while it cannot be told, and the range halves
 * toward the end it is not like. Adjacent ends name a culprit. Then the parts of the range outside the
 * culprit are checked the same way, so that a second change inside the range is found as a second culprit.
 * The run is the unit of evidence throughout. Everything here is decided from the measurements alone, in
 * order: replaying the same measurements gives the same search, which is how an interrupted bisect resumes.
 */
import { UsageError } from '../shared/errors.ts';
import { type ChangeTest, median, pooledSpread, testLevels, testMidpoint } from '../shared/significance.ts';

export interface BisectOptions {
  /** The range, oldest first: the first commit is the good end (before the change), the last the bad end. */
  commits: readonly string[];
  /** The metrics followed, by key. */
  metrics: readonly string[];
  /** One run of a commit: each followed metric's value (a metric missing from it is not counted). */
  measure(commit: string): Promise<ReadonlyMap<string, number>>;
  /** Runs of each commit in one turn. */
  repeats: number;
  /** The most runs a probe gets before its nearer end is taken as its side, and the most an end check adds. */
  maxRuns: number;
  /** A side, or a change between two ends, is said at p ≤ alpha (Bonferroni across the metrics followed). */
  alpha: number;
  /** The most runs in all (a night's budget): the search stops before a turn would pass it. */
  budget?: number;
  log?: (line: string) => void;
}

export interface BisectProbe {
  commit: string;
  /** Where it was in the range: 0 is the good end. */
  index: number;
  runs: number;
  /** The end it was judged like; `decided` false when its runs ran out first and the nearer end was taken. */
  side: 'good' | 'bad';
  decided: boolean;
  /** Its level between the ends, per metric: 0 at the good end's, 1 at the bad end's. */
  positions: Record<string, number>;
}

export interface BisectCulprit {
  commit: string;
  /** The commit before it, whose runs it is compared with. */
  parent: string;
  index: number;
  /** Each metric followed: the culprit's runs against its parent's, tested as groups of runs. */
  changes: Array<{ metric: string; test: ChangeTest }>;
  /**
   * Whether its own change is significant (p ≤ alpha, measured further when it was not yet). A first culprit
   * is named either way (the ends differ, so some commit of the range did it); a second one only when it is.
   */
  confirmed: boolean;
}

export interface BisectResult {
  /** The ends' difference per metric followed, as measured here. */
  ends: Array<{ metric: string; test: ChangeTest | null }>;
  culprits: BisectCulprit[];
  probes: BisectProbe[];
  /** Probing rounds: one per probed commit. */
  rounds: number;
  /** Every run made, ends and probes. */
  runs: number;
  /** The narrowest range reached when the budget ran out before a culprit was named: its good and bad ends. */
  unfinished: { good: string; bad: string } | null;
}

/** Thrown by a turn the budget cannot pay for, and caught by bisect: the search stops where it is. */
class BudgetSpent extends Error {}

export async function bisect(options: BisectOptions): Promise<BisectResult> {
  const { commits, metrics, repeats, maxRuns, alpha } = options;
  if (commits.length < 2) throw new UsageError('a range needs two commits at least: the good end and the bad end');
  if (new Set(commits).size !== commits.length) throw new UsageError('a commit is in the range twice');
  if (metrics.length === 0) throw new UsageError('no metric to follow');
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new UsageError('repeats must be a whole number from 1');
  if (!(Number.isInteger(maxRuns) && maxRuns >= repeats)) throw new UsageError('the most runs of a commit must be at least its repeats');
  const log = options.log ?? (() => undefined);
  const measured = new Map<string, Map<string, number[]>>();
  let runs = 0;
  const valuesOf = (index: number, metric: string): number[] => measured.get(commits[index] as string)?.get(metric) ?? [];
  const runsOf = (index: number): number => Math.min(...metrics.map((metric) => valuesOf(index, metric).length));

  /** One turn: each commit `repeats` times, in an order that rotates from turn to turn. */
  let turns = 0;
  async function turn(indexes: readonly number[]): Promise<void> {
    if (options.budget !== undefined && runs + indexes.length * repeats > options.budget) throw new BudgetSpent();
    for (let repeat = 0; repeat < repeats; repeat++) {
      const shift = (turns + repeat) % indexes.length;
      for (const index of [...indexes.slice(shift), ...indexes.slice(0, shift)]) {
        const commit = commits[index] as string;
        const values = await options.measure(commit);
        runs++;
        const byMetric = measured.get(commit) ?? new Map<string, number[]>();
        measured.set(commit, byMetric);
        for (const metric of metrics) {
          const value = values.get(metric);
          if (value !== undefined && Number.isFinite(value) && value > 0) byMetric.set(metric, [...(byMetric.get(metric) ?? []), value]);
        }
      }
    }
    turns++;
  }

  const change = (to: number, from: number, metric: string): ChangeTest | null => {
    const [after, before] = [valuesOf(to, metric), valuesOf(from, metric)];
    if (after.length === 0 || before.length === 0) return null;
    return testLevels(
      { median: median(after), runs: after.length },
      { median: median(before), runs: before.length },
      pooledSpread([before, after]),
      1 - alpha,
    );
  };
  const moved = (test: ChangeTest | null, family: number) => test?.pValue != null && test.pValue <= alpha / family;

  /**
   * The metrics whose level differs between two commits, measured until one does or their runs run out. It
   * looks after every turn, so each look spends a share of alpha (Bonferroni across the looks as across the
   * metrics): testing at alpha each time would say "changed" more often than alpha over the looks.
   */
  const looks = Math.ceil(maxRuns / repeats);
  async function differing(from: number, to: number, followed: readonly string[]): Promise<string[]> {
    if (runsOf(from) < repeats || runsOf(to) < repeats) await turn([from, to]);
    for (;;) {
      const found = followed.filter((metric) => moved(change(to, from, metric), followed.length * looks));
      if (found.length > 0 || Math.max(runsOf(from), runsOf(to)) >= maxRuns) return found;
      await turn([from, to]);
    }
  }

  const probes: BisectProbe[] = [];
  /** The range being halved, for a search the budget stops. */
  let current: [number, number] | null = null;
  /** Halves the range until its ends are adjacent; returns the bad end's index. */
  async function narrow(good: number, bad: number, followed: readonly string[]): Promise<number> {
    let [low, high] = [good, bad];
    while (high - low > 1) {
      current = [low, high];
      const middle = Math.floor((low + high) / 2);
      const sides = () =>
        followed.map((metric) =>
          testMidpoint(valuesOf(middle, metric), valuesOf(low, metric), valuesOf(high, metric), alpha / followed.length),
        );
      await turn([low, middle, high]);
      let tests = sides();
      const agreed = () => tests.every((test) => test.side !== null && test.side === tests[0]?.side);
      while (!agreed() && runsOf(middle) < maxRuns) {
        await turn([low, middle, high]);
        tests = sides();
      }
      const decided = agreed();
      // Out of runs: the end it is nearer on average, as asv's find takes the bigger jump.
      const nearer = tests.reduce((sum, test) => sum + test.position, 0) / tests.length < 0.5 ? 'first' : 'second';
      const side = decided ? tests[0]?.side : nearer;
      probes.push({
        commit: commits[middle] as string,
        index: middle,
        runs: runsOf(middle),
        side: side === 'first' ? 'good' : 'bad',
        decided,
        positions: Object.fromEntries(followed.map((metric, index) => [metric, tests[index]?.position ?? Number.NaN])),
      });
      log(
        `probe ${probes.length}: ${commits[middle]} (${middle} of ${commits.length - 1}) is like the ${side === 'first' ? 'good' : 'bad'} end${decided ? '' : ' (nearer it; not decided within its runs)'}`,
      );
      if (side === 'first') low = middle;
      else high = middle;
    }
    return high;
  }

  const last = commits.length - 1;
  const culprits: BisectCulprit[] = [];
  const ends = () => metrics.map((metric) => ({ metric, test: change(last, 0, metric) }));
  try {
    await search();
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    // Set by narrow, which TypeScript's flow analysis does not follow into.
    const [good, bad]: [number, number] = (current as [number, number] | null) ?? [0, last];
    log(`the budget of ${options.budget} runs is spent: the range is narrowed to ${commits[good]}..${commits[bad]}`);
    culprits.sort((a, b) => a.index - b.index);
    return {
      ends: ends(),
      culprits,
      probes,
      rounds: probes.length,
      runs,
      unfinished: { good: commits[good] as string, bad: commits[bad] as string },
    };
  }
  culprits.sort((a, b) => a.index - b.index);
  return { ends: ends(), culprits, probes, rounds: probes.length, runs, unfinished: null };

  async function search(): Promise<void> {
    const followed = await differing(0, last, metrics);
    if (followed.length === 0) {
      log(`the ends do not differ in ${metrics.join(', ')}: no change across this range`);
      return;
    }
    // Ranges still to search, each with the metrics that differ between its ends; the first is the whole range.
    const pending: Array<{ good: number; bad: number; followed: readonly string[]; first: boolean }> = [
      { good: 0, bad: last, followed, first: true },
    ];
    while (pending.length > 0) {
      const range = pending.shift() as (typeof pending)[number];
      const culprit = await narrow(range.good, range.bad, range.followed);
      const confirmed = (await differing(culprit - 1, culprit, range.followed)).length > 0;
      if (!confirmed && !range.first) {
        // Ends that seemed to differ beside a culprit, and no commit between them that does: no second change.
        log(`${commits[culprit]} does not change ${range.followed.join(', ')} by itself: no second change there`);
        continue;
      }
      culprits.push({
        commit: commits[culprit] as string,
        parent: commits[culprit - 1] as string,
        index: culprit,
        changes: range.followed.flatMap((metric) => {
          const test = change(culprit, culprit - 1, metric);
          return test ? [{ metric, test }] : [];
        }),
        confirmed,
      });
      log(`culprit: ${commits[culprit]}${confirmed ? '' : ' (its own change is not significant: the nearest this search came)'}`);
      // A second change in the same range shows as ends that still differ on either side of the culprit.
      for (const [from, to] of [
        [range.good, culprit - 1],
        [culprit, range.bad],
      ] as const) {
        if (to - from < 1) continue;
        const still = await differing(from, to, range.followed);
        if (still.length > 0) pending.push({ good: from, bad: to, followed: still, first: false });
      }
    }
  }
}
