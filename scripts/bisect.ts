/**
 * npm run bisect -- (--event ID | --good REV --bad REV) [options] [-- COMMAND...]: from a commit range to the
 * commit that changed it, benchmarked on this machine (src/lib/analysis/bisect-search.ts decides).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { commandFile } from '../bin/commands.mjs';
import { type BisectResult, bisect } from '../src/lib/analysis/bisect-search.ts';
import { commitRange, type RangeCommit } from '../src/lib/analysis/commit-range.ts';
import { culpritsFile, loadCulprits, writeCulprit } from '../src/lib/analysis/culprits-file.ts';
import { historyEvents } from '../src/lib/analysis/regression-events.ts';
import { historyChanges } from '../src/lib/analysis/series-changes.ts';
import { loadTriage } from '../src/lib/analysis/triage-file.ts';
import { placeSuites, runIn, Worktrees } from '../src/lib/analysis/worktrees.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { FILE_FORMATS, GITHUB_ACTION_BENCHMARK_TOOLS } from '../src/lib/importers/formats.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { EXIT, PerfsiteError, UsageError } from '../src/lib/shared/errors.ts';
import { formatChangeWithInterval } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { queryRows } from '../src/lib/store/duckdb.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { resolveDataDir } from '../src/lib/store/paths.ts';
import type { RunRecord } from '../src/lib/store/record.ts';
import { cleanMessage, newTextFixes } from '../src/lib/store/record-text.ts';
import { listRecordFiles, readRecordFile } from '../src/lib/store/store.ts';
import { PERFSITE_ROOT } from '../src/render/astro-root.ts';

/** A decision is made at p ≤ 0.01, as Chromium's Pinpoint decides "different". */
const ALPHA = 0.01;

/** A metric as the command line names it. */
const metricName = (suite: string, metric: string) => `${suite}/${metric}`;

/** The range of an event of the history: the commit before its change and the commit of its first run after. */
async function eventRange(dataDir: string, id: string): Promise<{ good: string; bad: string; metrics: string[] }> {
  const history = await openHistory(dataDir, { checkIndexedRecords: true });
  try {
    const settings = await loadSettings(dataDir);
    const changes = await historyChanges(history, settings.config.defaultBranch);
    const { events } = await historyEvents(history, changes, settings, await loadTriage(dataDir), await loadCulprits(dataDir));
    const event = events.find((candidate) => candidate.id === id);
    if (!event) throw new UsageError(`no event ${JSON.stringify(id)} in ${dataDir}: npm run regressions -- --all lists them`);
    const [after] = await queryRows<{ git_commit: string | null }>(history.connection, 'SELECT git_commit FROM runs WHERE run_id = $id', {
      id: event.toRunId,
    });
    if (!event.fromCommit || !after?.git_commit)
      throw new UsageError(`event ${id}'s runs do not say their commits: give the range as --good REV --bad REV`);
    const metrics = [...new Set(event.series.map((series) => metricName(series.suite, series.metric)))];
    return { good: event.fromCommit, bad: after.git_commit, metrics };
  } finally {
    history.close();
  }
}

/** Each metric of a run that measured, by its name. */
function valuesOf(record: RunRecord): Map<string, number> {
  return new Map(
    record.metrics.flatMap((metric) =>
      metric.status === 'ok' && metric.value !== null ? [[metricName(metric.suite, metric.name), metric.value] as const] : [],
    ),
  );
}

/** The runs a bisect has recorded so far, oldest first: what a resumed bisect replays. */
async function recordedRuns(dir: string): Promise<Array<{ id: string; commit: string | null; values: Map<string, number> }>> {
  const runs = [];
  for (const entry of await listRecordFiles(dir)) {
    const read = await readRecordFile(entry.file);
    if ('problems' in read) throw new UsageError(`${entry.file} cannot be read: remove ${dir} to start this bisect again`);
    runs.push({ id: read.record.id, time: read.record.timestamp, commit: read.record.git?.commit ?? null, values: valuesOf(read.record) });
  }
  return runs.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id)).map(({ time: _time, ...run }) => run);
}

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

export const command = defineCommand({
  usage: ['npm run bisect -- --good REV --bad REV [options] [-- COMMAND...]', 'npm run bisect -- --event ID [options] [-- COMMAND...]'],
  about: `Finds the commit between --good and --bad (or in a regression event's range) that changed the metrics
followed. Each commit measured is checked out in a temporary git worktree and benchmarked on this machine: the
range's ends first, then its middle commit alternating with the current ends, repeated until its runs say
which end it is like (p ≤ 0.01), halving the range until a commit and its parent differ. A second change in
the range is named as a second culprit. Exits 0 when a culprit is named, 1 when the ends do not differ
("no change across this range") or --budget ran out first, 2 on bad input. The runs are recorded (run type bisect) under
DIR/.bisect/<good>-<bad>/; run the same command again to resume an interrupted bisect.`,
  options: {
    good: { type: 'string', value: 'REV', description: 'the last commit known good (before the change)' },
    bad: { type: 'string', value: 'REV', description: 'a commit known bad (after the change)' },
    event: {
      type: 'string',
      value: 'ID',
      description: 'a regression event: its range, and the metrics that moved (npm run regressions lists them)',
    },
    metric: {
      type: 'string',
      multiple: true,
      value: 'SUITE/NAME',
      description: "a metric to follow (repeat for more; default: the event's, or every metric)",
    },
    repeats: { type: 'string', value: 'N', default: '3', description: 'runs of each commit in a turn (default 3)' },
    'max-runs': {
      type: 'string',
      value: 'N',
      default: '12',
      description: 'the most runs of a probed commit before its nearer end is taken (default 12)',
    },
    budget: {
      type: 'string',
      value: 'N',
      description: 'the most runs in all: it stops there, saying how far it narrowed the range (run it again to go on)',
    },
    install: { type: 'string', value: 'CMD', description: 'run once in each checkout first, split on spaces (e.g. "npm ci")' },
    tool: {
      type: 'string',
      value: 'FORMAT',
      description: "COMMAND writes this tool's results (as the action's tool input): imported after each run",
    },
    'output-file-path': { type: 'string', value: 'FILE', description: 'where COMMAND writes them, in the checkout (with --tool)' },
    suite: {
      type: 'string',
      value: 'NAME',
      default: 'bench',
      description: 'the suite imported results go in (with --tool; default bench)',
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
    'COMMAND...': `the benchmark command, run in each checkout (default: this tree's bench/*.suite.ts, put in each checkout's bench/ and run as npm run bench runs them)`,
  },
  async run({ values, positionals }) {
    const repo = process.cwd();
    const dataDir = resolveDataDir(values.data);
    const repeats = Number(values.repeats);
    const maxRuns = Number(values['max-runs']);
    if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50) throw new UsageError('--repeats must be a whole number from 1 to 50');
    if (!Number.isInteger(maxRuns) || maxRuns < repeats || maxRuns > 500)
      throw new UsageError('--max-runs must be a whole number from --repeats to 500');
    const budget = values.budget === undefined ? undefined : Number(values.budget);
    if (budget !== undefined && !(Number.isInteger(budget) && budget >= 2 * repeats))
      throw new UsageError("--budget must be a whole number of runs, at least the ends' first turn (2 × --repeats)");
    const tools = [...Object.keys(FILE_FORMATS), ...Object.keys(GITHUB_ACTION_BENCHMARK_TOOLS)];
    if (values.tool && !tools.includes(values.tool))
      throw new UsageError(
        `--tool ${JSON.stringify(values.tool)} is not a format perfsite reads: one of ${[...new Set(tools)].join(', ')}`,
      );
    if (values.tool && !values['output-file-path']) throw new UsageError('--tool needs --output-file-path: the file COMMAND writes');
    if (values.tool && positionals.length === 0) throw new UsageError('--tool needs the COMMAND that writes its results, after --');
    if (values['output-file-path'] && path.isAbsolute(values['output-file-path']))
      throw new UsageError('--output-file-path is a path inside the checkout: give it relative, as the action takes it');

    let good = values.good;
    let bad = values.bad;
    let metrics = values.metric ?? [];
    if (values.event) {
      if (good || bad) throw new UsageError('give --event or --good and --bad, not both');
      const range = await eventRange(dataDir, values.event);
      ({ good, bad } = range);
      if (metrics.length === 0) metrics = range.metrics;
    }
    if (!good || !bad) throw new UsageError('give the range: --good REV --bad REV, or --event ID');
    const suitesDir = path.resolve(values.dir ?? 'bench');
    if (positionals.length === 0 && !(await stat(suitesDir).catch(() => undefined))?.isDirectory())
      throw new UsageError(`no suites folder ${suitesDir}: give the benchmark COMMAND after --, or --dir`);
    const range = await commitRange(repo, good, bad);
    const commits = range.map((commit) => commit.sha);
    const scratch = path.join(dataDir, '.bisect', `${shortCommit(commits[0] as string)}-${shortCommit(commits.at(-1) as string)}`);
    const checkouts = path.join(scratch, 'checkouts');
    await mkdir(scratch, { recursive: true });
    console.error(
      `bisect: ${plural(commits.length - 1, 'commit')} after ${shortCommit(commits[0] as string)}; runs recorded in ${scratch}`,
    );

    const replay = await recordedRuns(scratch);
    if (replay.length > 0) console.error(`bisect: resuming from ${plural(replay.length, 'recorded run')}`);
    // As npm run ab: the project's own environment (a CI job that bisects gives this step no secret).
    const env = {
      ...process.env,
      PERFORMANCE_DB_PATH: scratch,
      PERFORMANCE_RUN_TYPE: 'bisect',
    };
    const worktrees = new Worktrees(repo, checkouts);
    const prepared = new Map<string, Promise<string>>();
    // A checkout per commit measured: the range's ends are measured again every round.
    const checkout = (sha: string): Promise<string> => {
      let dir = prepared.get(sha);
      if (!dir) {
        dir = (async () => {
          const where = await worktrees.at(sha, sha);
          if (values.install?.trim()) await runIn(values.install.trim().split(/\s+/), where, env, `installing ${shortCommit(sha)}`);
          if (positionals.length === 0) await placeSuites(suitesDir, where);
          return where;
        })();
        prepared.set(sha, dir);
      }
      return dir;
    };
    let seen = new Set(replay.map((entry) => entry.id));
    const measure = async (sha: string): Promise<ReadonlyMap<string, number>> => {
      const next = replay.shift();
      if (next) {
        if (next.commit !== sha)
          throw new UsageError(
            `the runs recorded in ${scratch} were made with other options (${shortCommit(next.commit ?? '?')} where ${shortCommit(sha)} is next): give the same options, or remove the folder to start again`,
          );
        return next.values;
      }
      const where = await checkout(sha);
      const what = `benchmarking ${shortCommit(sha)}`;
      if (positionals.length === 0) {
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
      } else {
        await runIn(positionals, where, env, what);
        if (values.tool) {
          const file = path.join(where, values['output-file-path'] as string);
          await runIn(
            [
              process.execPath,
              commandFile(PERFSITE_ROOT, 'scripts/import.ts'),
              '--format',
              values.tool,
              '--data',
              scratch,
              '--suite',
              values.suite,
              '--run-type',
              'bisect',
              file,
            ],
            where,
            env,
            `importing ${file}`,
            true,
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
      return valuesOf(read.record);
    };

    try {
      if (metrics.length === 0) {
        // Every metric the good end measures: the ends' check keeps those that moved.
        const first = await measure(commits[0] as string);
        replay.unshift({ id: '', commit: commits[0] as string, values: new Map(first) });
        metrics = [...first.keys()];
      }
      const result = await bisect({
        commits,
        metrics,
        measure,
        repeats,
        maxRuns,
        alpha: ALPHA,
        ...(budget === undefined ? {} : { budget }),
        log: (line) => console.error(`bisect: ${line}`),
      });
      printResult(result, range);
      const [found, ...more] = result.culprits.filter((culprit) => culprit.confirmed);
      if (values.event && found) {
        // The event's culprit, for its page, the feed, issues and the CLI (data/culprits.json).
        await writeCulprit(dataDir, await loadCulprits(dataDir), values.event, {
          commit: found.commit,
          subject: cleanMessage(range.find((commit) => commit.sha === found.commit)?.subject ?? '', 'subject', newTextFixes(), 2000),
          by: 'bisect',
          at: new Date().toISOString(),
          note: more.length > 0 ? `also changed at ${more.map((culprit) => shortCommit(culprit.commit)).join(', ')}` : '',
          range: { good: commits[0] as string, bad: commits.at(-1) as string },
          changes: found.changes,
          runs: result.runs,
        });
        console.log(`the culprit of ${values.event} is recorded in ${culpritsFile(dataDir)}: commit it to keep it`);
      }
      if (values.json) {
        await writeFile(
          path.resolve(values.json),
          `${JSON.stringify({ reportVersion: 1, good: commits[0], bad: commits.at(-1), commits: range, metrics, repeats, maxRuns, alpha: ALPHA, ...result }, null, 2)}\n`,
        );
      }
      return result.culprits.length > 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await worktrees.removeAll();
    }
  },
});

if (import.meta.main) await runAsProcess(command);
