/**
 * A range of commits to bisect: the good commit, then every commit on the way from it to the bad one, oldest
 * first (git rev-list --ancestry-path), each with its subject line for printing.
 */
import { simpleGit } from 'simple-git';
import { UsageError } from '../shared/errors.ts';
import { shortCommit } from '../shared/short-commit.ts';

export interface RangeCommit {
  sha: string;
  subject: string;
}

async function resolve(repo: string, rev: string, role: string): Promise<string> {
  if (rev.startsWith('-')) throw new UsageError(`--${role} ${JSON.stringify(rev)} is not a revision`);
  try {
    return (await simpleGit({ baseDir: repo }).raw(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
  } catch {
    throw new UsageError(
      `--${role} ${JSON.stringify(rev)} is not a commit of ${repo}: give a commit this clone has (in GitHub Actions, check out with fetch-depth: 0)`,
    );
  }
}

export async function commitRange(repo: string, good: string, bad: string): Promise<RangeCommit[]> {
  const [from, to] = [await resolve(repo, good, 'good'), await resolve(repo, bad, 'bad')];
  if (from === to) throw new UsageError(`--good and --bad are the same commit (${shortCommit(from)}): there is no range to search`);
  const git = simpleGit({ baseDir: repo });
  const base = await git.raw(['merge-base', from, to]).then(
    (output) => output.trim(),
    () => '',
  );
  if (base !== from)
    throw new UsageError(
      `--good ${shortCommit(from)} is not an ancestor of --bad ${shortCommit(to)}: give the older, good commit as --good`,
    );
  // Fields ended by NUL (a subject can hold anything but a line break): sha, subject, then the next line's.
  const log = await git.raw(['log', '--reverse', '--ancestry-path', '--format=%H%x00%s%x00', `${from}..${to}`]);
  const fields = log.split('\u0000');
  const commits: RangeCommit[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const sha = (fields[index] as string).trim();
    if (/^[0-9a-f]{40,64}$/.test(sha)) commits.push({ sha, subject: fields[index + 1] as string });
  }
  if (commits.length === 0) throw new UsageError(`no commit leads from ${shortCommit(from)} to ${shortCommit(to)}`);
  const [subject] = (await git.raw(['log', '-1', '--format=%s', from])).split('\n');
  return [{ sha: from, subject: subject ?? '' }, ...commits];
}
