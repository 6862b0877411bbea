/**
 * npm run bisect -- (--event ID | --good REV --bad REV | --open-events) [options] [-- COMMAND...]: from a commit
 * range to the commit that changed it, benchmarked on this machine (src/lib/analysis/bisect-runner.ts).
 */
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BISECT_ALPHA, type BisectBenchmark, eventRanges, runBisect } from '../src/lib/analysis/bisect-runner.ts';
import type { BisectResult } from '../src/lib/analysis/bisect-search.ts';
import { commitRange, type RangeCommit } from '../src/lib/analysis/commit-range.ts';
import { CONFIG_FILE, type Config } from '../src/lib/analysis/config.ts';
import { culpritsFile, loadCulprits, writeCulprit } from '../src/lib/analysis/culprits-file.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { FILE_FORMATS, GITHUB_ACTION_BENCHMARK_TOOLS } from '../src/lib/importers/formats.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { EXIT, PerfsiteError, UsageError } from '../src/lib/shared/errors.ts';
import { formatChangeWithInterval } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';
import { detectPlatform } from '../src/lib/store/platform.ts';
import { cleanMessage, newTextFixes } from '../src/lib/store/record-text.ts';

function printResult(result: BisectResult, range: readonly RangeCommit[]): void {
  const subject = (sha: string) => range.find((commit) => commit.sha === sha)?.subject ?? '';
  for (const { metric, test } of result.ends) {
    console.log(`ends: ${metric} ${formatChangeWithInterval(test?.estimate ?? null, test)}`);
  }
  for (const probe of result.probes) {
    console.log(
      `probe ${shortCommit(probe.commit)} ${plural(probe.runs, 'run')}: like the ${probe.side} end${probe.decided ? '' : ' (nearer it; not decided)'}  ${subject(probe.commit)}`,
    );
  }
  if (result.unfinished) {
    const [good, bad] = [result.unfinished.good, result.unfinished.bad];
    const between = range.findIndex((commit) => commit.sha === bad) - range.findIndex((commit) => commit.sha === good);
    console.log(
      `the budget is spent after ${plural(result.runs, 'run')}: the change is after ${shortCommit(good)} and at or before ${shortCommit(bad)} (${plural(between, 'commit')}); run it again with a larger --budget to go on`,
    );
  }
  if (result.culprits.length === 0) {
    if (!result.unfinished) console.log(`no change across this range (${plural(result.runs, 'run')})`);
    return;
  }
  for (const culprit of result.culprits) {
    console.log(
      `culprit ${culprit.commit} ${subject(culprit.commit)}${culprit.confirmed ? '' : ' (not confirmed: its own change is not significant)'}`,
    );
    for (const { metric, test } of culprit.changes) console.log(`  ${metric} ${formatChangeWithInterval(test.estimate, test)}`);
  }
  console.log(`${plural(result.rounds, 'round')} of probes, ${plural(result.runs, 'run')}`);
}

type BisectRun = Awaited<ReturnType<typeof runBisect>>;

/**
 * Every commit measured, with each run's values, and the end it was judged like (the ends their own; a commit
 * measured only beside a culprit, the side of it it lies on): the probes' chart on the event's page.
 */
function probesOf(range: readonly RangeCommit[], result: BisectRun, culpritIndex: number | null) {
  const sideOf = new Map(result.probes.map((probe) => [probe.commit, probe.side]));
  const last = range.length - 1;
  return range.flatMap((commit, index) => {
    const runs = result.measurements.filter((measurement) => measurement.commit === commit.sha);
    if (runs.length === 0) return [];
    const side =
      index === 0
        ? 'good'
        : index === last
          ? 'bad'
          : (sideOf.get(commit.sha) ?? (culpritIndex !== null && index >= culpritIndex ? 'bad' : 'good'));
    const values = Object.fromEntries(
      result.metrics.map((metric) => [metric, runs.flatMap((run) => (run.values.has(metric) ? [run.values.get(metric) as number] : []))]),
    );
    return [{ commit: commit.sha, index, side, values }];
  });
}

/** What bisect found of an event, for its page, the feed, issues and the CLI (data/culprits.json): its culprit, or none. */
async function recordCulprit(dataDir: string, eventId: string, range: readonly RangeCommit[], result: BisectRun): Promise<void> {
  const [found, ...more] = result.culprits.filter((culprit) => culprit.confirmed);
  const recorded = {
    by: 'bisect' as const,
    at: new Date().toISOString(),
    range: { good: range[0]?.sha as string, bad: range.at(-1)?.sha as string },
    runs: result.runs,
    platform: result.measurements[0]?.platform ?? null,
    probes: probesOf(range, result, found?.index ?? null),
  };
  if (!found) {
    // Recorded either way, so that --open-events does not spend the next night's runs on it again: a bisect the
    // budget stopped says how far it got (runs of another night are not comparable, so it would start over).
    const stopped = result.unfinished;
    const between = stopped
      ? range.findIndex((commit) => commit.sha === stopped.bad) - range.findIndex((commit) => commit.sha === stopped.good)
      : 0;
    await writeCulprit(dataDir, await loadCulprits(dataDir), eventId, {
      ...recorded,
      commit: null,
      note: stopped
        ? `the budget ran out: the change is after ${shortCommit(stopped.good)} and at or before ${shortCommit(stopped.bad)} (${plural(between, 'commit')}); perfsite bisect --event ${eventId} with a larger --budget finishes it`
        : result.culprits.length > 0
          ? 'the ends differ, but no commit between them changed it significantly by itself'
          : 'no change across this range on this machine',
      changes: result.ends.flatMap(({ metric, test }) => (test ? [{ metric, test }] : [])),
    });
    console.log(`that bisect found no culprit for ${eventId} is recorded in ${culpritsFile(dataDir)}: --open-events leaves it alone`);
    return;
  }
  await writeCulprit(dataDir, await loadCulprits(dataDir), eventId, {
    ...recorded,
    commit: found.commit,
    subject: cleanMessage(range.find((commit) => commit.sha === found.commit)?.subject ?? '', 'subject', newTextFixes(), 2000),
    note: more.length > 0 ? `also changed at ${more.map((culprit) => shortCommit(culprit.commit)).join(', ')}` : '',
    changes: found.changes,
  });
  console.log(`the culprit of ${eventId} is recorded in ${culpritsFile(dataDir)}: commit it to keep it`);
}

/** A bisect of an event that a failing benchmark ended: why, so that --open-events leaves it to a person. */
async function recordFailure(dataDir: string, eventId: string, range: readonly RangeCommit[], message: string): Promise<void> {
  await writeCulprit(dataDir, await loadCulprits(dataDir), eventId, {
    commit: null,
    by: 'bisect',
    at: new Date().toISOString(),
    range: { good: range[0]?.sha as string, bad: range.at(-1)?.sha as string },
    platform: (await detectPlatform()).id,
    note: cleanMessage(`the benchmark failed: ${message}; fix it, then perfsite bisect --event ${eventId}`, 'note', newTextFixes(), 2000),
  });
  console.log(`that the bisect of ${eventId} failed is recorded in ${culpritsFile(dataDir)}: --open-events leaves it alone`);
}

/** A whole number option, or the configured value. */
function count(given: string | undefined, configured: number, name: string, least: number, most: number): number {
  const value = given === undefined ? configured : Number(given);
  if (!Number.isInteger(value) || value < least || value > most)
    throw new UsageError(`--${name} must be a whole number from ${least} to ${most}`);
  return value;
}

/**
 * How each commit is measured: the command after --, else the config's bisect.command (each with its tool's
 * output), else this tree's suites.
 */
async function benchmarkOf(
  values: { tool?: string | undefined; 'output-file-path'?: string | undefined; suite?: string | undefined; dir?: string | undefined },
  positionals: readonly string[],
  configured: Config['bisect'],
): Promise<BisectBenchmark> {
  const fromFlags = positionals.length > 0;
  const command = fromFlags ? positionals : configured.command;
  const tool = values.tool ?? (fromFlags ? undefined : configured.tool);
  const outputFile = values['output-file-path'] ?? (fromFlags ? undefined : configured.outputFilePath);
  const toolFrom = values.tool !== undefined || fromFlags ? '--tool' : `${CONFIG_FILE}'s bisect.tool`;
  const tools = [...Object.keys(FILE_FORMATS), ...Object.keys(GITHUB_ACTION_BENCHMARK_TOOLS)];
  if (tool && !tools.includes(tool))
    throw new UsageError(`${toolFrom} ${JSON.stringify(tool)} is not a format perfsite reads: one of ${[...new Set(tools)].join(', ')}`);
  if (tool && !outputFile)
    throw new UsageError(`${toolFrom} needs the file the command writes: --output-file-path, or bisect.outputFilePath in ${CONFIG_FILE}`);
  if (tool && !command)
    throw new UsageError(`${toolFrom} needs the command that writes its results: after --, or bisect.command in ${CONFIG_FILE}`);
  if (command)
    return {
      command,
      ...(tool ? { tool: { format: tool, outputFile: outputFile as string, suite: values.suite ?? configured.suite } } : {}),
    };
  const suites = path.resolve(values.dir ?? 'bench');
  if (!(await stat(suites).catch(() => undefined))?.isDirectory())
    throw new UsageError(`no suites folder ${suites}: give the benchmark COMMAND after -- (or bisect.command in ${CONFIG_FILE}), or --dir`);
  return { suites };
}

export const command = defineCommand({
  usage: [
    'npm run bisect -- --good REV --bad REV [options] [-- COMMAND...]',
    'npm run bisect -- --event ID [options] [-- COMMAND...]',
    'npm run bisect -- --open-events [options] [-- COMMAND...]',
  ],
  about: `Finds the commit between --good and --bad (or in a regression event's range) that changed the metrics
followed. Each commit measured is checked out in a temporary git worktree and benchmarked on this machine: the
range's ends first, then its middle commit alternating with the current ends, repeated until its runs say
which end it is like (p ≤ 0.01), halving the range until a commit and its parent differ. A second change in
the range is named as a second culprit. Exits 0 when a culprit is named, 1 when the ends do not differ
("no change across this range") or --budget ran out first, 2 on bad input. The runs are recorded (run type
bisect) under DIR/.cache/bisect/<good>-<bad>/; run the same command again to resume an interrupted bisect. With
--event or --open-events, a culprit found is written to data/culprits.json. --open-events bisects the open
regressions of this machine's platform that have no culprit yet and a range of more than one commit, newest
first, within the budget of perfsite.config.json's bisect.runsPerNight (0, the default, bisects nothing); it
exits 0 unless it failed, and records an event it bisected without a culprit (no change, the budget ran out,
or the benchmark failed at a commit, which ends that bisect and not the night) so as not to bisect it again. How each commit is prepared and measured, when no option says, is that file's
bisect.install, bisect.command, bisect.tool and bisect.outputFilePath.`,
  options: {
    good: { type: 'string', value: 'REV', description: 'the last commit known good (before the change)' },
    bad: { type: 'string', value: 'REV', description: 'a commit known bad (after the change)' },
    event: {
      type: 'string',
      value: 'ID',
      description: 'a regression event: its range, and the metrics that moved (npm run regressions lists them)',
    },
    'open-events': { type: 'boolean', default: false, description: 'every open regression without a culprit, within the budget' },
    metric: {
      type: 'string',
      multiple: true,
      value: 'SUITE/NAME',
      description: "a metric to follow (repeat for more; default: the event's, or every metric)",
    },
    repeats: { type: 'string', value: 'N', description: "runs of each commit in a turn (default 3, or the config's bisect.repeats)" },
    'max-runs': {
      type: 'string',
      value: 'N',
      description: 'the most runs of a probed commit before its nearer end is taken (default 12, or bisect.maxRuns)',
    },
    budget: {
      type: 'string',
      value: 'N',
      description: 'the most runs in all: it stops there, saying how far it narrowed the range (run it again to go on)',
    },
    install: {
      type: 'string',
      value: 'CMD',
      description: 'run once in each checkout first, split on spaces (e.g. "npm ci"; default: the config\'s bisect.install)',
    },
    tool: {
      type: 'string',
      value: 'FORMAT',
      description: "COMMAND writes this tool's results (as the action's tool input): imported after each run",
    },
    'output-file-path': { type: 'string', value: 'FILE', description: 'where COMMAND writes them, relative to the checkout (with --tool)' },
    suite: {
      type: 'string',
      value: 'NAME',
      description: "the suite imported results go in (with --tool; default bench, or the config's bisect.suite)",
    },
    dir: {
      type: 'string',
      value: 'DIR',
      description: 'the suites, as this tree has them (default ./bench): every commit is measured with them',
    },
    json: { type: 'string', value: 'FILE', description: 'also write the result as JSON' },
    data: DATA_OPTION,
  },
  positionals: {
    'COMMAND...': `the benchmark command, run in each checkout (default: perfsite.config.json's bisect.command, else this tree's bench/*.suite.ts, put in each checkout's bench/ and run as npm run bench runs them)`,
  },
  async run({ values, positionals }) {
    const repo = process.cwd();
    const dataDir = resolveDataDir(values.data);
    const settings = await loadSettings(dataDir);
    const { config } = settings;
    const repeats = count(values.repeats, config.bisect.repeats, 'repeats', 1, 50);
    const maxRuns = count(values['max-runs'], Math.max(config.bisect.maxRuns, repeats), 'max-runs', repeats, 500);
    const benchmark = await benchmarkOf(values, positionals, config.bisect);
    const install = values.install === undefined ? config.bisect.install : values.install.trim().split(/\s+/).filter(Boolean);
    const run = (range: readonly RangeCommit[], metrics: readonly string[], budget: number | undefined) =>
      runBisect({
        repo,
        dataDir,
        range,
        metrics,
        benchmark,
        install: install.length > 0 ? install : null,
        repeats,
        maxRuns,
        ...(budget === undefined ? {} : { budget }),
        log: (line) => console.error(`bisect: ${line}`),
      });

    if (values['open-events']) {
      if (values.good || values.bad || values.event) throw new UsageError('give --open-events alone, without --event, --good or --bad');
      let left = count(values.budget, config.bisect.runsPerNight, 'budget', 0, 100_000);
      if (left === 0) {
        console.log('no runs to spend (perfsite.config.json: bisect.runsPerNight is 0, and no --budget): nothing is bisected');
        return EXIT.ok;
      }
      const here = (await detectPlatform()).id;
      for (const event of (await eventRanges(dataDir, settings)).filter((candidate) => candidate.open && !candidate.bisected)) {
        if (left < 2 * repeats) break;
        if (!event.platforms.includes(here)) {
          // Another machine's regression may not show here: measuring it would spend the budget on noise.
          console.error(
            `bisect: ${event.id} is skipped: it moved on ${event.platforms.join(', ')}, not on this machine (${here}); bisect it there, or here with --event ${event.id}`,
          );
          continue;
        }
        let range: RangeCommit[];
        try {
          range = await commitRange(repo, event.good, event.bad);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          console.error(`bisect: ${event.id} is skipped: ${error.message}`);
          continue;
        }
        if (range.length <= 2) continue;
        console.log(`${event.id}: ${plural(range.length - 1, 'commit')}, ${plural(left, 'run')} left to spend`);
        let result: BisectRun;
        try {
          result = await run(range, values.metric ?? event.metrics, left);
        } catch (error) {
          if (!(error instanceof PerfsiteError)) throw error;
          // A commit whose benchmark fails (it does not build, say) ends this bisect, never the night: the runs
          // recorded before it are handed over all the same. Recorded, so that the next night does not try it again.
          console.error(`bisect: ${event.id}: ${error.message}`);
          await recordFailure(dataDir, event.id, range, error.message);
          break;
        }
        printResult(result, range);
        await recordCulprit(dataDir, event.id, range, result);
        left -= result.runs;
      }
      return EXIT.ok;
    }

    const budget = values.budget === undefined ? undefined : count(values.budget, 0, 'budget', 2 * repeats, 100_000);
    let good = values.good;
    let bad = values.bad;
    let metrics = values.metric ?? [];
    if (values.event) {
      if (good || bad) throw new UsageError('give --event or --good and --bad, not both');
      const event = (await eventRanges(dataDir, settings)).find((candidate) => candidate.id === values.event);
      if (!event)
        throw new UsageError(
          `no event ${JSON.stringify(values.event)} in ${dataDir} whose runs say their commits: npm run regressions -- --all lists them; or give --good REV --bad REV`,
        );
      ({ good, bad } = event);
      if (metrics.length === 0) metrics = event.metrics;
    }
    if (!good || !bad) throw new UsageError('give the range: --good REV --bad REV, --event ID or --open-events');
    const range = await commitRange(repo, good, bad);
    const result = await run(range, metrics, budget);
    printResult(result, range);
    if (values.event) await recordCulprit(dataDir, values.event, range, result);
    if (values.json) {
      await writeFile(
        path.resolve(values.json),
        `${JSON.stringify({ reportVersion: 1, good: range[0]?.sha, bad: range.at(-1)?.sha, commits: range, repeats, maxRuns, alpha: BISECT_ALPHA, ...result }, null, 2)}\n`,
      );
    }
    return result.culprits.length > 0 ? EXIT.ok : EXIT.failed;
  },
});

if (import.meta.main) await runAsProcess(command);
