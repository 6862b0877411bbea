/**
 * Where CI keeps the history between runs: a branch of the project's own repository (by default
 * `perf-history`) holding the facts only, the run records and baselines.json. The Parquet index is
 * rebuilt from them after a restore (`npm run compact`), so two writers never touch the same file:
 * each adds new run records, and a push that lost a race is rebased and retried, never forced.
 */
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { commandHint } from '../shared/command-hint.ts';
import { PerfsiteError } from '../shared/errors.ts';

export const DEFAULT_HISTORY_BRANCH = 'perf-history';

const BRANCH_GITIGNORE = `# The Parquet index and caches are rebuilt from the run records by \`npm run compact\`.
metrics/
.cache/
.tmp/
.compact.lock
`;

const BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

export class HistoryBranchError extends PerfsiteError {}

export interface HistoryBranchOptions {
  /** The project's repository (its working tree), whose remote holds the history branch. */
  repo: string;
  /** Where the history is checked out: a worktree of the repository. */
  dir: string;
  remote: string;
  branch: string;
  /**
   * A token for an https remote, given to the commands that talk to it and to nothing else: the
   * nightly workflow checks out without persisting credentials, so no dependency's install script and
   * no benchmark ever sees a token that could push.
   */
  token?: string | undefined;
  log?: (line: string) => void;
}

/** Git's own way to authenticate one command (what actions/checkout writes into .git/config, here for one call only). */
function remoteAuth(token: string | undefined): string[] {
  if (!token) return [];
  return ['-c', `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`];
}

/** The history branch as the remote has it, into `tracking`. */
async function fetchBranch(git: SimpleGit, options: HistoryBranchOptions, tracking: string): Promise<void> {
  await git.raw([
    ...remoteAuth(options.token),
    'fetch',
    '--quiet',
    '--no-tags',
    options.remote,
    `+refs/heads/${options.branch}:${tracking}`,
  ]);
}

function assertBranchName(branch: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,100}$/.test(branch) || branch.includes('..')) {
    throw new HistoryBranchError(
      `${JSON.stringify(branch)} is not a usable branch name for the history: use letters, digits, ".", "_", "/" and "-".`,
    );
  }
}

async function hasIdentity(git: SimpleGit): Promise<boolean> {
  const name = await git.raw(['config', 'user.name']).catch(() => '');
  return name.trim().length > 0;
}

/** Commits with the runner's identity, or the Actions bot's where none is configured. */
async function commit(git: SimpleGit, message: string): Promise<void> {
  const identity = (await hasIdentity(git)) ? [] : ['-c', `user.name=${BOT.name}`, '-c', `user.email=${BOT.email}`];
  await git.raw([...identity, 'commit', '--quiet', '--no-verify', '-m', message]);
}

/**
 * One file of another branch of the remote (github-action-benchmark's `gh-pages:dev/bench/data.js`), or
 * undefined when the branch or the file is not there. Nothing is checked out.
 */
export async function readRemoteBranchFile(
  options: Pick<HistoryBranchOptions, 'repo' | 'remote' | 'branch' | 'token'>,
  file: string,
): Promise<string | undefined> {
  assertBranchName(options.branch);
  if (!/^[A-Za-z0-9._/-]+$/.test(file) || file.split('/').includes('..') || file.startsWith('/')) {
    throw new HistoryBranchError(`${JSON.stringify(file)} is not a file path inside a branch: use letters, digits, ".", "_", "/" and "-".`);
  }
  const git = simpleGit({ baseDir: options.repo });
  const tracking = `refs/perfsite/read/${options.branch}`;
  // A remote that cannot be reached is an error, not an absent branch: a migration skipped for it would never run again.
  const heads = await git.raw([...remoteAuth(options.token), 'ls-remote', '--heads', options.remote, `refs/heads/${options.branch}`]);
  if (heads.trim() === '') return undefined;
  await git.raw([
    ...remoteAuth(options.token),
    'fetch',
    '--quiet',
    '--no-tags',
    '--depth=1',
    options.remote,
    `+refs/heads/${options.branch}:${tracking}`,
  ]);
  try {
    return await git.raw(['show', `${tracking}:${file}`]);
  } catch {
    return undefined;
  } finally {
    await git.raw(['update-ref', '-d', tracking]).catch(() => undefined);
  }
}

/**
 * Checks the history branch out into `dir` (a worktree of the repository), creating the branch when
 * the remote has none yet. Returns whether it existed.
 */
export async function restoreHistory(options: HistoryBranchOptions & { requireExisting?: boolean }): Promise<{ existed: boolean }> {
  assertBranchName(options.branch);
  const log = options.log ?? (() => undefined);
  const repo = simpleGit({ baseDir: options.repo });
  const tracking = `refs/remotes/${options.remote}/${options.branch}`;
  // A remote that cannot be reached is an error, never taken for a missing branch: starting a new,
  // empty history over an existing one would be worse than failing.
  const heads = await repo
    .raw([...remoteAuth(options.token), 'ls-remote', '--heads', options.remote, `refs/heads/${options.branch}`])
    .catch((error: Error) => {
      throw new HistoryBranchError(`cannot read ${options.remote}: ${error.message.split('\n')[0]}`);
    });
  const existed = heads.trim().length > 0;
  if (!existed && options.requireExisting) {
    throw new HistoryBranchError(
      `${options.remote} has no ${options.branch} branch yet: the nightly workflow (or \`${commandHint('history', 'push')}\`) starts it`,
    );
  }
  if (existed) await fetchBranch(repo, options, tracking);
  await rm(options.dir, { recursive: true, force: true });
  await repo.raw(['worktree', 'prune']);
  await mkdir(path.dirname(path.resolve(options.dir)), { recursive: true });
  if (existed) {
    await repo.raw(['worktree', 'add', '--quiet', '--detach', options.dir, tracking]);
    log(`restored ${options.remote}/${options.branch} into ${options.dir}`);
    return { existed };
  }
  // A first run: an empty branch of its own, sharing no history with the code.
  await repo.raw(['worktree', 'add', '--quiet', '--detach', options.dir]);
  const history = simpleGit({ baseDir: options.dir });
  await history.raw(['checkout', '--quiet', '--orphan', options.branch]);
  await history.raw(['rm', '-r', '-q', '-f', '--ignore-unmatch', '.']);
  await history.raw(['clean', '-f', '-d', '-q']);
  await writeFile(path.join(options.dir, '.gitignore'), BRANCH_GITIGNORE);
  await history.add(['.gitignore']);
  await commit(history, 'Start the performance history');
  await history.raw(['checkout', '--quiet', '--detach']);
  await history.raw(['branch', '-D', options.branch]);
  log(`${options.remote} has no ${options.branch} branch yet: started an empty history in ${options.dir}`);
  return { existed };
}

export interface PushOutcome {
  pushed: boolean;
  attempts: number;
  /** Files of ours that lost to a concurrent writer's version (only baselines.json may). */
  dropped: string[];
}

/** How long a push keeps retrying against other writers, unless told otherwise (PERFSITE_PUSH_BUDGET_S). */
export const PUSH_BUDGET_MS = 300_000;

/** The wait before retry `attempt`: exponential, capped, with full jitter, so writers that collided spread apart. */
export function pushBackoffMs(attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(5_000, 100 * 2 ** attempt);
}

export function pushBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.PERFSITE_PUSH_BUDGET_S?.trim();
  if (!given) return PUSH_BUDGET_MS;
  if (!/^\d+$/.test(given) || Number(given) === 0)
    throw new HistoryBranchError(`PERFSITE_PUSH_BUDGET_S=${JSON.stringify(given)} is not a whole number of seconds above 0`);
  return Number(given) * 1000;
}

/**
 * Commits what changed in the history worktree and pushes it to the branch. When another writer got
 * there first, our commit is rebased onto theirs and pushed again, after a jittered backoff, until the time
 * budget runs out: new run records never conflict; on baselines.json the other writer's version wins (the
 * next baseline update proposes ours again).
 */
export async function pushHistory(options: HistoryBranchOptions & { message: string; budgetMs?: number }): Promise<PushOutcome> {
  assertBranchName(options.branch);
  const log = options.log ?? (() => undefined);
  const git = simpleGit({ baseDir: options.dir });
  await git.raw(['add', '-A']);
  const staged = (await git.raw(['diff', '--cached', '--name-only'])).trim();
  if (staged) await commit(git, options.message);
  const ahead = await git.raw(['rev-list', '--count', `refs/remotes/${options.remote}/${options.branch}..HEAD`]).catch(() => 'new');
  if (ahead.trim() === '0') {
    log('nothing new to push');
    return { pushed: false, attempts: 0, dropped: [] };
  }
  const dropped: string[] = [];
  const deadline = Date.now() + (options.budgetMs ?? pushBudgetMs());
  for (let attempt = 1; ; attempt++) {
    try {
      await git.raw([...remoteAuth(options.token), 'push', '--quiet', options.remote, `HEAD:refs/heads/${options.branch}`]);
      log(`pushed to ${options.remote}/${options.branch}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      return { pushed: true, attempts: attempt, dropped };
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new HistoryBranchError(
          `could not push the history in ${attempt} attempts over its time budget (PERFSITE_PUSH_BUDGET_S): ${(error as Error).message.split('\n')[0]}`,
        );
      }
      log(`push rejected (another run got there first?): rebasing onto ${options.remote}/${options.branch} and retrying`);
    }
    const tracking = `refs/remotes/${options.remote}/${options.branch}`;
    await fetchBranch(git, options, tracking);
    dropped.push(...(await rebaseOnto(options.dir, tracking)));
    await new Promise((resolve) => setTimeout(resolve, pushBackoffMs(attempt)));
  }
}

async function rebaseInProgress(git: SimpleGit): Promise<boolean> {
  const marker = (await git.raw(['rev-parse', '--git-path', 'rebase-merge'])).trim();
  const base = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
  return existsSync(path.resolve(base, marker));
}

async function rebaseOnto(dir: string, upstream: string): Promise<string[]> {
  const dropped: string[] = [];
  // No editor may open in CI: the editor is `true`, which keeps every commit message as it is.
  const git = simpleGit({ baseDir: dir, unsafe: { allowUnsafeEditor: true } });
  const rebase = (...args: string[]) => git.raw(['-c', 'core.editor=true', 'rebase', ...args]);
  await rebase('--quiet', upstream).catch(() => undefined);
  for (let step = 0; await rebaseInProgress(git); step++) {
    if (step > 1_000) {
      await git.raw(['rebase', '--abort']);
      throw new HistoryBranchError('the rebase onto the other writer’s history did not finish; resolve it in a clone and push again.');
    }
    const conflicted = (await git.raw(['diff', '--name-only', '--diff-filter=U'])).trim().split('\n').filter(Boolean);
    const foreign = conflicted.filter((file) => file !== 'baselines.json');
    if (foreign.length > 0) {
      await git.raw(['rebase', '--abort']);
      throw new HistoryBranchError(
        `another writer changed ${foreign.join(', ')} too; run records are written once, so this history branch was edited by hand. Resolve it in a clone and push again.`,
      );
    }
    if (conflicted.length > 0) {
      // During a rebase "ours" is the upstream being rebased onto: the other writer's baselines win.
      await git.raw(['checkout', '--ours', '--', 'baselines.json']);
      await git.raw(['add', 'baselines.json']);
      dropped.push('baselines.json');
    }
    // A commit left empty by that (it only changed the baselines) is skipped.
    await rebase('--continue').catch(() => rebase('--skip').catch(() => undefined));
  }
  return dropped;
}

/**
 * What a night added to the history, for the job that pushes it: the records and baselines.json changed
 * in the worktree (its .gitignore keeps the index out), copied to `to` with their paths. The job that
 * benchmarks holds no write token; the one that pushes runs no dependency's install script.
 */
export async function handOverChanges(dir: string, to: string): Promise<string[]> {
  const history = simpleGit({ baseDir: dir });
  const changed = (await history.raw(['status', '--porcelain', '--untracked-files=all', '-z']))
    .split('\0')
    .filter((entry) => entry.length > 3 && !entry.startsWith(' D') && !entry.startsWith('D '))
    .map((entry) => entry.slice(3));
  for (const file of changed) {
    if (!isHistoryFile(file))
      throw new HistoryBranchError(
        `${file} changed in ${dir}: only run records, baselines.json, triage.json and culprits.json are handed over`,
      );
    await mkdir(path.dirname(path.join(to, file)), { recursive: true });
    await copyFile(path.join(dir, file), path.join(to, file));
  }
  return changed;
}

/** The files people and bisect edit whole (the newest wins), beside the run records, which are written once. */
const EDITED_FILES = new Set(['baselines.json', 'triage.json', 'culprits.json']);

/** Run records and the edited files: the only files a night may add to the history. */
function isHistoryFile(file: string): boolean {
  return EDITED_FILES.has(file) || /^runs\/\d{4}-\d{2}\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.json$/.test(file);
}

/**
 * What a hand-over file is refused for, if anything: checked with the schemas of a local write (the caller
 * gives them: record, baselines and triage files are read in different layers). `file` is its path in the history.
 */
export type HandOverCheck = (file: string, path: string) => Promise<string | undefined>;

/**
 * Takes what handOverChanges wrote into a restored history. The job that wrote it ran strangers' code, so
 * every file is checked first and one bad file refuses the whole hand-over: nothing is copied. A run record is
 * written once: one that exists with other contents is refused.
 */
export async function takeOverChanges(from: string, dir: string, check: HandOverCheck): Promise<string[]> {
  const entries = (await readdir(from, { recursive: true, withFileTypes: true })).filter((entry) => !entry.isDirectory());
  const linked = entries.find((entry) => !entry.isFile());
  if (linked) throw new HistoryBranchError(`${path.join(linked.parentPath, linked.name)} is not a plain file; nothing was taken over`);
  const files = entries.map((entry) => path.relative(from, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  for (const file of files) {
    if (!isHistoryFile(file))
      throw new HistoryBranchError(
        `${file} in ${from} is not a run record, baselines.json, triage.json or culprits.json; nothing was taken over`,
      );
  }
  const refused: string[] = [];
  for (const file of files) {
    const problem = await check(file, path.join(from, file));
    if (problem) refused.push(`${file}: ${problem}`);
  }
  if (refused.length > 0)
    throw new HistoryBranchError(`the hand-over in ${from} was refused whole, nothing was taken over:\n  ${refused.join('\n  ')}`);
  for (const file of files) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    if (EDITED_FILES.has(file)) await copyFile(path.join(from, file), target);
    else {
      await copyFile(path.join(from, file), target, constants.COPYFILE_EXCL).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        const [ours, theirs] = await Promise.all([readFile(target, 'utf8'), readFile(path.join(from, file), 'utf8')]);
        if (ours !== theirs)
          throw new HistoryBranchError(`${file} is already in the history with other contents: run records are written once`);
      });
    }
  }
  return files;
}
