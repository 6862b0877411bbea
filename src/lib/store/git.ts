/**
 * What commit a run measured. Never fails a run: outside a repository the run is recorded with
 * git = null, and whatever could not be learnt is said once in `warnings`.
 */
import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { GitInfo } from './record.ts';

export interface GitResult {
  git: GitInfo | null;
  warnings: string[];
}

/** On a detached HEAD (how GitHub Actions checks out), the branch comes from the workflow's environment. */
export function branchFromEnv(env: NodeJS.ProcessEnv): string | null {
  return env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || null;
}

export interface GitOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Changes under the history folder are recorded runs, not changes to the code being measured. */
  dataDir?: string;
}

function dataExclusion(top: string, dataDir: string | undefined): string[] {
  if (!dataDir) return [];
  const relative = path.relative(top, path.resolve(dataDir));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? [`:(top,exclude)${relative}`] : [];
}

export async function readGitInfo({ cwd = process.cwd(), env = process.env, dataDir }: GitOptions = {}): Promise<GitResult> {
  const git = simpleGit({ baseDir: cwd });
  const warnings: string[] = [];
  let inside = false;
  try {
    inside = await git.checkIsRepo();
  } catch {
    inside = false;
  }
  if (!inside) {
    return { git: null, warnings: [`${cwd} is not in a git repository: the run is recorded without commit information.`] };
  }
  let commit: string;
  try {
    commit = (await git.revparse(['HEAD'])).trim();
  } catch {
    return { git: null, warnings: ['the git repository has no commit yet: the run is recorded without commit information.'] };
  }

  const [branchName, status, shallow, log] = await Promise.all([
    git.revparse(['--abbrev-ref', 'HEAD']).then(
      (name) => name.trim(),
      () => 'HEAD',
    ),
    git
      .revparse(['--show-toplevel'])
      .then((top) => git.raw(['status', '--porcelain', '--untracked-files=no', '--', ':/', ...dataExclusion(top.trim(), dataDir)]))
      .catch(() => null),
    git.revparse(['--is-shallow-repository']).then(
      (answer) => answer.trim() === 'true',
      () => false,
    ),
    git.raw(['show', '-s', '--format=%cI%x00%P%x00%B', 'HEAD']).catch(() => null),
  ]);

  const branch = branchName !== 'HEAD' ? branchName : branchFromEnv(env);
  if (!branch)
    warnings.push('HEAD is detached and neither GITHUB_HEAD_REF nor GITHUB_REF_NAME is set: the run is recorded without a branch.');
  if (shallow)
    warnings.push('this is a shallow clone: the commit is recorded, but comparisons with older commits need `git fetch --unshallow`.');
  if (status === null) warnings.push('`git status` failed: the dirty flag is recorded as false.');

  const [commitTime = null, parents = '', message = null] = log ? log.split('\u0000') : [];
  return {
    git: {
      commit,
      branch,
      dirty: status !== null && status.trim().length > 0,
      message: message?.trim() || null,
      commitTime: commitTime?.trim() || null,
      parents: parents.trim().split(/\s+/).filter(Boolean),
      shallow,
    },
    warnings,
  };
}
