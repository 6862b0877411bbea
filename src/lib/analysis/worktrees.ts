/**
 * Past commits checked out beside the project (git worktrees, detached), and commands run in them: what
 * bisect and backfill measure. A command is argv, never a shell line, so nothing in it is parsed again.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { PerfsiteError, UsageError } from '../shared/errors.ts';

/** Runs `argv` in `cwd`; `what` starts the error when it fails. */
export function runIn(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new UsageError(`${what}: the command is empty`));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new UsageError(`${what}: cannot start ${program}: ${error.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new PerfsiteError(`${what}: \`${argv.join(' ')}\` failed in ${cwd} (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * Puts the suites of `suites` (a bench/ folder of today's tree) into a checkout's bench/, in place of its
 * own: one benchmark measures every commit, and a benchmark added today measures the past. The suites'
 * relative imports then reach the checkout's code.
 */
export async function placeSuites(suites: string, checkout: string): Promise<string> {
  const target = path.join(checkout, 'bench');
  await rm(target, { recursive: true, force: true });
  await cp(suites, target, { recursive: true });
  return target;
}

export class Worktrees {
  readonly #git;
  readonly #dir: string;
  readonly #made = new Set<string>();

  /** Checkouts of `repo`'s commits, in folders under `dir`. */
  constructor(repo: string, dir: string) {
    this.#git = simpleGit({ baseDir: repo });
    this.#dir = dir;
  }

  /** A checkout named `name` at `sha`: made, or moved there when it exists (its untracked files cleaned away). */
  async at(name: string, sha: string): Promise<string> {
    const where = path.join(this.#dir, name);
    if (this.#made.has(name)) {
      await simpleGit({ baseDir: where }).raw(['checkout', '--quiet', '--force', '--detach', sha]);
      await simpleGit({ baseDir: where }).raw(['clean', '-fdxq']);
      return where;
    }
    await mkdir(this.#dir, { recursive: true });
    await rm(where, { recursive: true, force: true });
    await this.#git.raw(['worktree', 'add', '--quiet', '--force', '--detach', where, sha]);
    this.#made.add(name);
    return where;
  }

  /** Removes every checkout made (the commits stay in the project's history, of course). */
  async removeAll(): Promise<void> {
    for (const name of this.#made)
      await this.#git.raw(['worktree', 'remove', '--force', path.join(this.#dir, name)]).catch(() => undefined);
    this.#made.clear();
    await this.#git.raw(['worktree', 'prune']).catch(() => undefined);
  }
}
