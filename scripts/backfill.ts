/**
 * npm run backfill -- (--since DATE|COMMIT | --commits FILE) [options]: the project's suites run on past
 * commits of its default branch, each recorded as measured at its commit's time, so that a benchmark added
 * today gets a history.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { commandFile } from '../bin/commands.mjs';
import { branchCommits, describeCommit, type RangeCommit, resolveCommit } from '../src/lib/analysis/commit-range.ts';
import { placeSuites, runIn, Worktrees } from '../src/lib/analysis/worktrees.ts';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { EXIT, PerfsiteError, UsageError } from '../src/lib/shared/errors.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { shortCommit } from '../src/lib/shared/short-commit.ts';
import { queryRows } from '../src/lib/store/duckdb.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { dataLayout, ensureWritableDataDir, resolveDataDir } from '../src/lib/store/paths.ts';
import { detectRunContext } from '../src/lib/store/run-context.ts';
import { PERFSITE_ROOT } from '../src/render/astro-root.ts';

/** The commits a --commits file lists, one a line (anything after # is a comment), resolved in `repo`. */
async function listedCommits(repo: string, file: string): Promise<RangeCommit[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read --commits ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const commits: RangeCommit[] = [];
  for (const line of text.split('\n')) {
    const rev = line.replace(/#.*/, '').trim();
    if (!rev) continue;
    commits.push(await describeCommit(repo, await resolveCommit(repo, rev, 'commits')));
  }
  return commits;
}

/**
 * The commits this platform has a run of, with every suite asked for (any run, when none is named): those a
 * backfill leaves alone.
 */
async function recordedCommits(dataDir: string, platform: string, suites: readonly string[]): Promise<Set<string>> {
  const history = await openHistory(dataDir);
  try {
    const rows = await queryRows<{ git_commit: string }>(
      history.connection,
      `SELECT git_commit FROM metrics WHERE platform = $platform AND git_commit IS NOT NULL
       GROUP BY git_commit HAVING count(DISTINCT suite) FILTER (WHERE list_contains($suites, suite)) >= $wanted`,
      { platform, suites: listValue([...suites]), wanted: suites.length },
      { suites: LIST(VARCHAR) },
    );
    return new Set(rows.map((row) => row.git_commit));
  } finally {
    history.close();
  }
}

export const command = defineCommand({
  usage: ['npm run backfill -- --since DATE|COMMIT [--every N] [options]', 'npm run backfill -- --commits FILE [options]'],
  about: `Runs the project's benchmark suites (bench/*.suite.ts as this tree has them) on past commits of the
default branch: each commit is checked out in a temporary git worktree, the suites are put in its bench/
(their relative imports reach that commit's code), and the run is recorded as measured at the commit's time
(run type backfill), so that a benchmark added today gets a history. A commit this platform
already has a run of (with each --suite, when given) is skipped: running it again adds nothing. Exits 1 when
a commit could not be measured (the others are recorded), 2 on bad input.`,
  options: {
    since: { type: 'string', value: 'DATE|COMMIT', description: 'from this date (YYYY-MM-DD) or this commit of the branch on' },
    every: { type: 'string', value: 'N', default: '1', description: 'every Nth of those commits (default 1: each)' },
    commits: { type: 'string', value: 'FILE', description: 'these commits instead, one a line' },
    suite: { type: 'string', multiple: true, value: 'NAME', description: 'run only this suite (repeatable)' },
    dir: {
      type: 'string',
      value: 'DIR',
      description: 'the suites, as this tree has them (default ./bench): each past commit is measured with them',
    },
    branch: { type: 'string', value: 'NAME', description: "the branch (default: perfsite.config.json's defaultBranch)" },
    install: { type: 'string', value: 'CMD', description: 'run in the checkout at each commit first, split on spaces (e.g. "npm ci")' },
    mode: { type: 'string', value: 'quick|standard|comprehensive', description: 'how much to measure (as npm run bench)' },
    'dry-run': { type: 'boolean', default: false, description: 'list the commits it would measure, measure nothing' },
    data: DATA_OPTION,
  },
  async run({ values }) {
    const repo = process.cwd();
    const dataDir = resolveDataDir(values.data);
    const every = Number(values.every);
    if (!Number.isInteger(every) || every < 1) throw new UsageError('--every must be a whole number from 1');
    if (Boolean(values.since) === Boolean(values.commits)) throw new UsageError('give --since DATE|COMMIT or --commits FILE (one of them)');
    const settings = await loadSettings(dataDir);
    const branch = values.branch ?? settings.config.defaultBranch;
    const listed = values.commits
      ? await listedCommits(repo, path.resolve(values.commits))
      : (await branchCommits(repo, branch, values.since as string)).filter((_, index) => index % every === 0);
    const suites = values.suite ?? [];
    const suitesDir = path.resolve(values.dir ?? 'bench');
    if (!(await stat(suitesDir).catch(() => undefined))?.isDirectory())
      throw new UsageError(
        `no suites folder ${suitesDir}: backfill runs the suites of this tree (bench/*.suite.ts) on past commits; give --dir`,
      );
    const { platform } = await detectRunContext({ dataDir });
    const recorded = await recordedCommits(dataDir, platform.id, suites);
    const todo = listed.filter((commit) => !recorded.has(commit.sha));
    console.error(
      `backfill: ${plural(listed.length, 'commit')} on ${platform.id}${suites.length > 0 ? `, suites ${suites.join(', ')}` : ''}; ${listed.length - todo.length} already recorded, ${todo.length} to measure`,
    );
    if (values['dry-run']) {
      for (const commit of todo) console.log(`${shortCommit(commit.sha)} ${commit.time} ${commit.subject}`);
      return EXIT.ok;
    }
    if (todo.length === 0) return EXIT.ok;
    await ensureWritableDataDir(dataDir, values.data);
    // The runs are the branch's: a detached checkout knows no branch, so it is given as CI gives one.
    const env = { ...process.env, GITHUB_REF_NAME: branch, GITHUB_HEAD_REF: '' };
    const worktrees = new Worktrees(repo, path.join(dataLayout(dataDir).cacheDir, 'backfill'));
    const failed: string[] = [];
    try {
      for (const [index, commit] of todo.entries()) {
        const what = `${index + 1}/${todo.length} ${shortCommit(commit.sha)}`;
        console.error(`backfill: ${what} ${commit.subject}`);
        try {
          const where = await worktrees.at('checkout', commit.sha);
          if (values.install?.trim()) await runIn(values.install.trim().split(/\s+/), where, env, `installing ${what}`);
          const bench = await placeSuites(suitesDir, where);
          await runIn(
            [
              process.execPath,
              commandFile(PERFSITE_ROOT, 'bench/run.ts'),
              '--dir',
              bench,
              '--data',
              dataDir,
              '--platform',
              platform.id,
              '--run-type',
              'backfill',
              '--as-of',
              new Date(commit.time).toISOString(),
              ...suites.flatMap((suite) => ['--suite', suite]),
              ...(values.mode ? ['--mode', values.mode] : []),
            ],
            where,
            env,
            `measuring ${what}`,
          );
        } catch (error) {
          if (!(error instanceof PerfsiteError)) throw error;
          console.error(`backfill: ${error.message}`);
          failed.push(shortCommit(commit.sha));
        }
      }
    } finally {
      await worktrees.removeAll();
    }
    console.log(`${plural(todo.length - failed.length, 'run')} recorded${failed.length > 0 ? `; not measured: ${failed.join(', ')}` : ''}`);
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
