import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { readGitInfo } from '../../src/lib/store/git.ts';
import { tempDir } from '../helpers.ts';

const NO_CI = { GITHUB_HEAD_REF: '', GITHUB_REF_NAME: '' };

async function makeRepo(): Promise<{ dir: string; commits: string[] }> {
  const dir = await tempDir('perfsite-git-');
  const git = simpleGit({ baseDir: dir });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  const commits: string[] = [];
  for (const n of [1, 2, 3]) {
    await writeFile(path.join(dir, 'file.txt'), `version ${n}\n`);
    await git.add('file.txt');
    // The code reads the committer date, so both dates are fixed: the test must not depend on the day it runs.
    const date = `2026-11-0${n}T10:00:00Z`;
    execFileSync('git', ['commit', '--quiet', '-m', `change ${n}\n\nwith a body line`], {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    commits.push((await git.revparse(['HEAD'])).trim());
  }
  return { dir, commits };
}

describe('git metadata', () => {
  it('records commit, branch, message, commit time and a clean tree', async () => {
    const { dir, commits } = await makeRepo();
    const { git, warnings } = await readGitInfo({ cwd: dir, env: NO_CI });
    expect(warnings).toEqual([]);
    expect(git).toMatchObject({
      commit: commits[2],
      branch: 'main',
      dirty: false,
      message: 'change 3\n\nwith a body line',
      shallow: false,
    });
    expect(Date.parse(git?.commitTime ?? '')).toBe(Date.parse('2026-11-03T10:00:00Z'));
  });

  it('is dirty when tracked code changed, but not when only the history folder did', async () => {
    const { dir } = await makeRepo();
    await mkdir(path.join(dir, 'data', 'runs'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'runs', 'new.json'), '{}');
    const gitRepo = simpleGit({ baseDir: dir });
    await gitRepo.add('data');
    expect((await readGitInfo({ cwd: dir, env: NO_CI, dataDir: path.join(dir, 'data') })).git?.dirty).toBe(false);
    expect((await readGitInfo({ cwd: dir, env: NO_CI })).git?.dirty).toBe(true);
    await writeFile(path.join(dir, 'file.txt'), 'edited\n');
    expect((await readGitInfo({ cwd: dir, env: NO_CI, dataDir: path.join(dir, 'data') })).git?.dirty).toBe(true);
  });

  it('takes the branch from GitHub Actions on a detached HEAD', async () => {
    const { dir, commits } = await makeRepo();
    await simpleGit({ baseDir: dir }).checkout(commits[1] ?? '');
    expect((await readGitInfo({ cwd: dir, env: { GITHUB_HEAD_REF: 'feature/x', GITHUB_REF_NAME: '12/merge' } })).git).toMatchObject({
      commit: commits[1],
      branch: 'feature/x',
    });
    expect((await readGitInfo({ cwd: dir, env: { GITHUB_HEAD_REF: '', GITHUB_REF_NAME: 'main' } })).git?.branch).toBe('main');
    const bare = await readGitInfo({ cwd: dir, env: NO_CI });
    expect(bare.git?.branch).toBeNull();
    expect(bare.warnings.join(' ')).toMatch(/detached/);
  });

  it('records what it can in a shallow clone, and says so once', async () => {
    const { dir, commits } = await makeRepo();
    const clone = path.join(await tempDir('perfsite-shallow-'), 'clone');
    await simpleGit().clone(`file://${dir}`, clone, ['--depth', '1']);
    const { git, warnings } = await readGitInfo({ cwd: clone, env: NO_CI });
    expect(git).toMatchObject({ commit: commits[2], branch: 'main', shallow: true, message: 'change 3\n\nwith a body line' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shallow clone/);
  });

  it('returns null with one warning outside a repository', async () => {
    const dir = await tempDir('perfsite-nogit-');
    const { git, warnings } = await readGitInfo({ cwd: dir, env: NO_CI });
    expect(git).toBeNull();
    expect(warnings).toEqual([`${dir} is not in a git repository: the run is recorded without commit information.`]);
  });
});
