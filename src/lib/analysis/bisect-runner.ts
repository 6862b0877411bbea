/**
 * A bisect as the command runs it (scripts/bisect.ts): each commit checked out in a git worktree and
 * benchmarked on this machine, with this tree's suites (put in the checkout's bench/) or a command and its
 * tool's output; every run recorded (run type bisect) under DATA/.cache/bisect/<good>-<bad>/ (ignored by the history branch, as
 * every cache), where a bisect run
 * again finds the runs it made and replays them to go on (bisect-search.ts decides from the measurements
 * alone). The ranges of the history's regression events, for --event and --open-events, are found here too.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { commandFile } from '../../../bin/commands.mjs';
import { PERFSITE_ROOT } from '../../render/astro-root.ts';
import { recordToolRun } from '../importers/tool-output.ts';
import { PerfsiteError, UsageError } from '../shared/errors.ts';
import { plural } from '../shared/plural.ts';
import { shortCommit } from '../shared/short-commit.ts';
import { readUnit, toBaseUnit } from '../shared/units.ts';
import { queryRows } from '../store/duckdb.ts';
import { openHistory } from '../store/history.ts';
import { dataLayout } from '../store/paths.ts';
import { detectPlatform, type Platform } from '../store/platform.ts';
import type { RunRecord } from '../store/record.ts';
import { listRecordFiles, readRecordFile } from '../store/store.ts';
import type { AnalysisSettings } from './analysis-settings.ts';
import { type BisectResult, bisect } from './bisect-search.ts';
import type { RangeCommit } from './commit-range.ts';
import { loadCulprits } from './culprits-file.ts';
import { historyEvents, isOpenRegression } from './regression-events.ts';
import { historyChanges } from './series-changes.ts';
import { loadTriage } from './triage-file.ts';
import { placeSuites, runIn, Worktrees } from './worktrees.ts';

/** A decision is made at p ≤ 0.01, as Chromium's Pinpoint decides "different". */
export const BISECT_ALPHA = 0.01;

/** A metric as the command line names it. */
const metricName = (suite: string, metric: string) => `${suite}/${metric}`;

/** An event's range: the commit before its change and the commit of its first run after, and the metrics that moved. */
export interface EventRange {
  id: string;
  good: string;
  bad: string;
  metrics: string[];
  /** The machines it moved on. */
  platforms: string[];
  open: boolean;
  /** Bisected already: a culprit is recorded, or that no commit of the range changed it. */
  bisected: boolean;
  toTime: string;
}

/** The ranges of the history's events whose runs say their commits, newest first. */
export async function eventRanges(dataDir: string, settings: AnalysisSettings): Promise<EventRange[]> {
  const history = await openHistory(dataDir, { checkIndexedRecords: true });
  try {
    const changes = await historyChanges(history, settings.config.defaultBranch);
    const { events } = await historyEvents(history, changes, settings, await loadTriage(dataDir), await loadCulprits(dataDir));
    const after = await queryRows<{ run_id: string; git_commit: string | null }>(
      history.connection,
      'SELECT run_id, git_commit FROM runs WHERE list_contains($ids, run_id)',
      { ids: listValue(events.map((event) => event.toRunId)) },
      { ids: LIST(VARCHAR) },
    );
    const commitOf = new Map(after.map((row) => [row.run_id, row.git_commit]));
    return events
      .flatMap((event) => {
        const bad = commitOf.get(event.toRunId);
        if (!event.fromCommit || !bad) return [];
        return [
          {
            id: event.id,
            good: event.fromCommit,
            bad,
            metrics: [...new Set(event.series.map((series) => metricName(series.suite, series.metric)))],
            platforms: [...new Set(event.series.map((series) => series.platform))],
            open: isOpenRegression(event),
            bisected: event.culprit !== null || event.bisectWithoutCulprit !== null,
            toTime: event.toTime,
          },
        ];
      })
      .sort((a, b) => b.toTime.localeCompare(a.toTime));
  } finally {
    history.close();
  }
}

/** Each metric of a run that measured, by its name, in its base unit (as the history reads it: ms become s). */
function valuesOf(record: RunRecord): Map<string, number> {
  return new Map(
    record.metrics.flatMap((metric) =>
      metric.status === 'ok' && metric.value !== null
        ? [[metricName(metric.suite, metric.name), toBaseUnit(metric.value, readUnit(metric.unit).factor)] as const]
        : [],
    ),
  );
}

/** The runs a bisect has recorded so far, oldest first: what a resumed bisect replays. */
async function recordedRuns(
  dir: string,
): Promise<Array<{ id: string; commit: string | null; platform: string; values: Map<string, number> }>> {
  const runs = [];
  for (const entry of await listRecordFiles(dir)) {
    const read = await readRecordFile(entry.file);
    if ('problems' in read) throw new UsageError(`${entry.file} cannot be read: remove ${dir} to start this bisect again`);
    runs.push({
      id: read.record.id,
      time: read.record.timestamp,
      commit: read.record.git?.commit ?? null,
      platform: read.record.platform.id,
      values: valuesOf(read.record),
    });
  }
  return runs.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id)).map(({ time: _time, ...run }) => run);
}

/** How each commit is benchmarked: this tree's suites, or a command (and the tool whose output it writes). */
export type BisectBenchmark =
  | { suites: string }
  | { command: readonly string[]; tool?: { format: string; outputFile: string; suite: string } };

export interface BisectRunOptions {
  repo: string;
  dataDir: string;
  range: readonly RangeCommit[];
  /** The metrics to follow; none: every metric the good end measures. */
  metrics: readonly string[];
  benchmark: BisectBenchmark;
  /** Run once in each checkout first (e.g. npm ci), or nothing. */
  install: readonly string[] | null;
  repeats: number;
  maxRuns: number;
  budget?: number;
  log: (line: string) => void;
}

/** One run of a bisect: its commit, the machine it ran on, and each metric's value. */
export interface BisectMeasurement {
  commit: string;
  platform: string;
  values: ReadonlyMap<string, number>;
}

export async function runBisect(
  options: BisectRunOptions,
): Promise<BisectResult & { metrics: string[]; measurements: BisectMeasurement[] }> {
  const { repo, dataDir, range, benchmark, log } = options;
  const commits = range.map((commit) => commit.sha);
  const scratch = path.join(
    dataLayout(dataDir).cacheDir,
    'bisect',
    `${shortCommit(commits[0] as string)}-${shortCommit(commits.at(-1) as string)}`,
  );
  await mkdir(scratch, { recursive: true });
  log(`${plural(commits.length - 1, 'commit')} after ${shortCommit(commits[0] as string)}; runs recorded in ${scratch}`);
  const replay = await recordedRuns(scratch);
  if (replay.length > 0) log(`resuming from ${plural(replay.length, 'recorded run')}`);
  // As npm run ab: the project's own environment (a CI job that bisects gives this step no secret).
  const env = { ...process.env, PERFORMANCE_DB_PATH: scratch, PERFORMANCE_RUN_TYPE: 'bisect' };
  const worktrees = new Worktrees(repo, path.join(scratch, 'checkouts'));
  const prepared = new Map<string, Promise<string>>();
  // A checkout per commit measured: the range's ends are measured again every round.
  const checkout = (sha: string): Promise<string> => {
    let dir = prepared.get(sha);
    if (!dir) {
      dir = (async () => {
        const where = await worktrees.at(sha, sha);
        if (options.install) await runIn(options.install, where, env, `installing ${shortCommit(sha)}`);
        if ('suites' in benchmark) await placeSuites(benchmark.suites, where);
        return where;
      })();
      prepared.set(sha, dir);
    }
    return dir;
  };
  let platform: Promise<Platform> | undefined;
  let seen = new Set(replay.map((entry) => entry.id));
  const measurements: BisectMeasurement[] = [];
  const measure = async (sha: string): Promise<ReadonlyMap<string, number>> => {
    const next = replay.shift();
    if (next) {
      if (next.commit !== sha)
        throw new UsageError(
          `the runs recorded in ${scratch} were made with other options (${shortCommit(next.commit ?? '?')} where ${shortCommit(sha)} is next): give the same options, or remove the folder to start again`,
        );
      if (next.id) measurements.push({ commit: sha, platform: next.platform, values: next.values });
      return next.values;
    }
    const where = await checkout(sha);
    const what = `benchmarking ${shortCommit(sha)}`;
    if ('suites' in benchmark)
      await runIn(
        [
          process.execPath,
          commandFile(PERFSITE_ROOT, 'bench/run.ts'),
          '--dir',
          path.join(where, 'bench'),
          '--data',
          scratch,
          '--run-type',
          'bisect',
        ],
        where,
        env,
        what,
      );
    else {
      await runIn(benchmark.command, where, env, what);
      if (benchmark.tool) {
        platform ??= detectPlatform(env);
        const commit = range.find((candidate) => candidate.sha === sha) as RangeCommit;
        const git = {
          commit: commit.sha,
          branch: null,
          dirty: false,
          message: commit.subject,
          commitTime: commit.time,
          parents: commit.parents,
          shallow: false,
        };
        await recordToolRun(
          scratch,
          // Relative to the checkout, as the action takes output-file-path; an absolute path is every checkout's.
          path.resolve(where, benchmark.tool.outputFile),
          { ...benchmark.tool, runType: 'bisect' },
          git,
          await platform,
          what,
        );
      }
    }
    const fresh = (await listRecordFiles(scratch)).filter((entry) => !seen.has(entry.id));
    if (fresh.length !== 1)
      throw new PerfsiteError(
        `${what}: ${fresh.length === 0 ? 'no run was recorded' : `${fresh.length} runs were recorded, not one`} into ${scratch}`,
      );
    seen = new Set([...seen, ...fresh.map((entry) => entry.id)]);
    const read = await readRecordFile((fresh[0] as { file: string }).file);
    if ('problems' in read) throw new PerfsiteError(`${what}: the run recorded cannot be read`);
    if (read.record.git?.commit && read.record.git.commit !== sha)
      throw new PerfsiteError(`${what}: the run recorded says commit ${shortCommit(read.record.git.commit)}`);
    const values = valuesOf(read.record);
    measurements.push({ commit: sha, platform: read.record.platform.id, values });
    return values;
  };

  try {
    let metrics = [...options.metrics];
    if (metrics.length === 0) {
      // Every metric the good end measures: the ends' check keeps those that moved.
      const first = await measure(commits[0] as string);
      replay.unshift({ id: '', commit: commits[0] as string, platform: '', values: new Map(first) });
      metrics = [...first.keys()];
    }
    const result = await bisect({
      commits,
      metrics,
      measure,
      repeats: options.repeats,
      maxRuns: options.maxRuns,
      alpha: BISECT_ALPHA,
      ...(options.budget === undefined ? {} : { budget: options.budget }),
      log,
    });
    return { ...result, metrics, measurements };
  } finally {
    await worktrees.removeAll();
  }
}
