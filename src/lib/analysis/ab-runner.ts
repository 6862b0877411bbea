/**
 * A pull request against its merge base, on one machine: both commits are checked out side by side
 * (git worktrees), and their benchmarks run in alternation, base then head, then head then base, and
 * so on, so that a runner that warms up, throttles or gets a noisy neighbour mid-job hits both sides
 * alike. Every run is recorded into a scratch history; comparing the two commits there is the
 * analysis core's job (compare-runs.ts).
 */
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { PerfsiteError } from '../shared/errors.ts';
import { shortCommit } from '../shared/short-commit.ts';

export class AbError extends PerfsiteError {}

export interface AbOptions {
  /** The project's working tree (a clone with both commits fetched). */
  repo: string;
  base: string;
  head: string;
  rounds: number;
  /** The benchmark command, as argv, run in each checkout; it records one run into PERFORMANCE_DB_PATH. */
  command: readonly string[];
  /** Run once in each checkout before the rounds (e.g. npm ci), or nothing. */
  install: readonly string[] | null;
  /** The scratch history both sides record into. */
  dataDir: string;
  /** Where the two checkouts go; removed afterwards. */
  workDir: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface AbSides {
  base: string;
  head: string;
  /** The order the rounds ran in, e.g. ['base', 'head', 'head', 'base']. */
  order: Array<'base' | 'head'>;
}

/** base, head / head, base / base, head …: each side goes first in half the rounds. */
export function alternation(rounds: number): Array<'base' | 'head'> {
  return Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const))).flat();
}

function run(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new AbError('the benchmark command is empty'));
  return new Promise((resolve, reject) => {
    // No shell: the command is argv, so nothing in it is re-parsed.
    const child = spawn(program, args, { cwd, env, stdio: 'inherit' });
    child.on('error', (error) => reject(new AbError(`cannot start ${program}: ${error.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new AbError(`\`${argv.join(' ')}\` failed in ${cwd} (${signal ?? `exit ${code}`})`)),
    );
  });
}

async function resolveCommit(repo: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new AbError(`${JSON.stringify(rev)} is not a revision`);
  try {
    return (await simpleGit({ baseDir: repo }).raw(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
  } catch {
    throw new AbError(
      `${JSON.stringify(rev)} is not a commit of ${repo}. In GitHub Actions, check out with fetch-depth: 0 so the merge base is there.`,
    );
  }
}

export async function runAb(options: AbOptions): Promise<AbSides> {
  if (!Number.isInteger(options.rounds) || options.rounds < 1)
    throw new AbError(`--rounds must be a positive integer, got ${options.rounds}`);
  const log = options.log ?? (() => undefined);
  const commits = { base: await resolveCommit(options.repo, options.base), head: await resolveCommit(options.repo, options.head) };
  if (commits.base === commits.head)
    throw new AbError(`base and head are the same commit (${shortCommit(commits.base)}): nothing to compare`);
  const git = simpleGit({ baseDir: options.repo });
  const checkouts = { base: path.resolve(options.workDir, 'base'), head: path.resolve(options.workDir, 'head') };
  await mkdir(options.workDir, { recursive: true });
  const env = { ...process.env, ...options.env, PERFORMANCE_DB_PATH: path.resolve(options.dataDir), PERFORMANCE_RUN_TYPE: 'pr' };
  const order = alternation(options.rounds);
  try {
    for (const side of ['base', 'head'] as const) {
      await rm(checkouts[side], { recursive: true, force: true });
      await git.raw(['worktree', 'add', '--quiet', '--detach', checkouts[side], commits[side]]);
      if (options.install) {
        log(`${side} ${shortCommit(commits[side])}: ${options.install.join(' ')}`);
        await run(options.install, checkouts[side], env);
      }
    }
    for (const [index, side] of order.entries()) {
      log(`round ${Math.floor(index / 2) + 1}/${options.rounds}: ${side} ${shortCommit(commits[side])}`);
      await run(options.command, checkouts[side], env);
    }
  } finally {
    for (const side of ['base', 'head'] as const) {
      await git.raw(['worktree', 'remove', '--force', checkouts[side]]).catch(() => undefined);
    }
    await git.raw(['worktree', 'prune']).catch(() => undefined);
  }
  return { ...commits, order };
}
