/**
 * Lists of commits to measure, oldest first, each with its subject line and its commit time: a bisect's
 * range (the good commit, then every commit on the way to the bad one: git's --ancestry-path), and a
 * backfill's stretch of a branch's first-parent line.
 */
import { simpleGit } from 'simple-git';
import { UsageError } from '../shared/errors.ts';
import { shortCommit } from '../shared/short-commit.ts';

export interface RangeCommit {
  sha: string;
  subject: string;
  /** When it was committed, ISO 8601. */
  time: string;
  parents: string[];
}

/** A commit as the option `--NAME REV` names it. */
export async function resolveCommit(repo: string, rev: string, option: string): Promise<string> {
  if (rev.startsWith('-')) throw new UsageError(`--${option} ${JSON.stringify(rev)} is not a revision`);
  try {
    return (await simpleGit({ baseDir: repo }).raw(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
  } catch {
    throw new UsageError(
      `--${option} ${JSON.stringify(rev)} is not a commit of ${repo}: give a commit this clone has (in GitHub Actions, check out with fetch-depth: 0)`,
    );
  }
}

/** Fields ended by NUL (a subject can hold anything but a line break): sha, time, parents, subject, then the next line's. */
const FORMAT = '--format=%H%x00%cI%x00%P%x00%s%x00';

function parseLog(log: string): RangeCommit[] {
  const fields = log.split('\u0000');
  const commits: RangeCommit[] = [];
  for (let index = 0; index + 3 < fields.length; index += 4) {
    const sha = (fields[index] as string).trim();
    if (/^[0-9a-f]{40,64}$/.test(sha))
      commits.push({
        sha,
        time: fields[index + 1] as string,
        parents: (fields[index + 2] as string).split(' ').filter(Boolean),
        subject: fields[index + 3] as string,
      });
  }
  return commits;
}

/** One commit, with its subject and time. */
export async function describeCommit(repo: string, sha: string): Promise<RangeCommit> {
  const [commit] = parseLog(await simpleGit({ baseDir: repo }).raw(['log', '-1', FORMAT, sha]));
  if (!commit) throw new UsageError(`git cannot show commit ${shortCommit(sha)}`);
  return commit;
}

async function isAncestor(repo: string, older: string, newer: string): Promise<boolean> {
  const base = await simpleGit({ baseDir: repo })
    .raw(['merge-base', older, newer])
    .then(
      (output) => output.trim(),
      () => '',
    );
  return base === older;
}

export async function commitRange(repo: string, good: string, bad: string): Promise<RangeCommit[]> {
  const [from, to] = [await resolveCommit(repo, good, 'good'), await resolveCommit(repo, bad, 'bad')];
  if (from === to) throw new UsageError(`--good and --bad are the same commit (${shortCommit(from)}): there is no range to search`);
  if (!(await isAncestor(repo, from, to)))
    throw new UsageError(
      `--good ${shortCommit(from)} is not an ancestor of --bad ${shortCommit(to)}: give the older, good commit as --good`,
    );
  const later = parseLog(await simpleGit({ baseDir: repo }).raw(['log', '--reverse', '--ancestry-path', FORMAT, `${from}..${to}`]));
  if (later.length === 0) throw new UsageError(`no commit leads from ${shortCommit(from)} to ${shortCommit(to)}`);
  return [await describeCommit(repo, from), ...later];
}

/**
 * The commits of `branch` (or origin's, when this clone has no such branch) along its first parents, from
 * `since` on: a date (YYYY-MM-DD or a full ISO time), or a commit of the branch, itself included.
 */
export async function branchCommits(repo: string, branch: string, since: string): Promise<RangeCommit[]> {
  const git = simpleGit({ baseDir: repo });
  let ref: string | undefined;
  for (const candidate of [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`]) {
    const found = await git.raw(['rev-parse', '--verify', '--quiet', candidate]).then(
      (output) => output.trim(),
      () => '',
    );
    if (found) {
      ref = found;
      break;
    }
  }
  if (!ref) throw new UsageError(`this clone has no branch ${JSON.stringify(branch)} (nor origin/${branch}): give --branch, or fetch it`);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(since)) {
    if (Number.isNaN(Date.parse(since))) throw new UsageError(`--since ${JSON.stringify(since)} is not a date`);
    // A date alone is its midnight, UTC (git would take it at the current time of day).
    const from = /^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since;
    return parseLog(await git.raw(['log', '--first-parent', '--reverse', `--since=${from}`, FORMAT, ref]));
  }
  const from = await resolveCommit(repo, since, 'since');
  if (!(await isAncestor(repo, from, ref)))
    throw new UsageError(`--since ${shortCommit(from)} is not on ${branch}: give a commit of the branch, or a date (YYYY-MM-DD)`);
  return [await describeCommit(repo, from), ...parseLog(await git.raw(['log', '--first-parent', '--reverse', FORMAT, `${from}..${ref}`]))];
}
