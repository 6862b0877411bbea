/**
 * One report comment per pull request, updated on every push: the comment is found by a hidden marker
 * in its body, so a reviewer sees the latest report in one place instead of a thread of stale ones.
 */

import { shortCommit } from '../shared/short-commit.ts';
import { type GitHubApi, GitHubError } from './github-api.ts';

export const REPORT_MARKER = '<!-- perfsite:report -->';
/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;

interface Comment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string } | null;
}

/** The login of GitHub Actions' own token, which cannot ask GitHub who it is (GET /user answers 403). */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export function commentBody(markdown: string): string {
  const body = `${REPORT_MARKER}\n${markdown}`;
  if (body.length <= MAX_BODY) return body;
  return `${body.slice(0, MAX_BODY)}\n\n… the report is longer than a comment may be; the full report is in the workflow's artifacts.`;
}

/** What GitHub says the workflow run was made on: the commit, and the repository and branch it came from. */
export interface ReportedHead {
  sha: string;
  /** owner/name of the repository the pull request's head lives in (a fork's own). */
  repository?: string | undefined;
  branch?: string | undefined;
}

/**
 * The comment is posted by a privileged workflow from an artifact the pull request's own (untrusted)
 * job uploaded: it goes only to the pull request whose head is the commit, the repository and the
 * branch the workflow run was made on, as GitHub reports them (never as the artifact says). A commit
 * alone is not enough: anyone can open a fork's pull request at the same commit as another one.
 */
export async function assertPullRequestHead(api: GitHubApi, repository: string, pullRequest: number, head: ReportedHead): Promise<void> {
  const pull = await api.request<{ head: { sha: string; ref?: string; repo?: { full_name?: string } | null } }>(
    'GET',
    `/repos/${repository}/pulls/${pullRequest}`,
  );
  const refuse = (what: string) => {
    throw new GitHubError(
      `pull request #${pullRequest} ${what}: the report is for another pull request (a newer push, or a forged number) and is not posted`,
    );
  };
  if (pull.head.sha !== head.sha) refuse(`is at ${shortCommit(pull.head.sha)}, not ${shortCommit(head.sha)}`);
  if (head.repository !== undefined && pull.head.repo?.full_name !== head.repository)
    refuse(`comes from ${JSON.stringify(pull.head.repo?.full_name ?? null)}, not ${JSON.stringify(head.repository)}`);
  if (head.branch !== undefined && pull.head.ref !== head.branch)
    refuse(`is branch ${JSON.stringify(pull.head.ref ?? null)}, not ${JSON.stringify(head.branch)}`);
}

/** Who the token is: GET /user for a personal token; Actions' own token cannot ask, and is the Actions bot. */
export async function tokenLogin(api: GitHubApi): Promise<string> {
  try {
    const user = await api.request<{ login?: string }>('GET', '/user');
    return user.login ?? ACTIONS_BOT_LOGIN;
  } catch {
    return ACTIONS_BOT_LOGIN;
  }
}

/**
 * Creates the report comment, or updates the one this token wrote before. Anyone can write the marker
 * into a comment of their own: a marked comment by someone else is never edited.
 */
export async function upsertReportComment(
  api: GitHubApi,
  repository: string,
  pullRequest: number,
  markdown: string,
  login?: string,
): Promise<{ action: 'created' | 'updated'; url: string }> {
  const body = commentBody(markdown);
  const author = login ?? (await tokenLogin(api));
  const comments = await api.list<Comment>(`/repos/${repository}/issues/${pullRequest}/comments`);
  const existing = comments.find((comment) => comment.body?.startsWith(REPORT_MARKER) && comment.user?.login === author);
  if (existing) {
    const updated = await api.request<Comment>('PATCH', `/repos/${repository}/issues/comments/${existing.id}`, { body });
    return { action: 'updated', url: updated.html_url };
  }
  const created = await api.request<Comment>('POST', `/repos/${repository}/issues/${pullRequest}/comments`, { body });
  return { action: 'created', url: created.html_url };
}

/** GitHub logins, as github-action-benchmark's alert-comment-cc-users takes them ("@octocat,@hubot"). */
export function ccLine(users: string): string {
  const logins = users
    .split(',')
    .map((user) => user.trim().replace(/^@/, ''))
    .filter(Boolean);
  const invalid = logins.filter((login) => !/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(login));
  if (invalid.length > 0) throw new GitHubError(`${invalid.map((login) => JSON.stringify(login)).join(', ')} is not a GitHub login`);
  return logins.length > 0 ? `CC: ${logins.map((login) => `@${login}`).join(' ')}\n\n` : '';
}

/** A regressed run's report as a comment on its commit (github-action-benchmark's comment-on-alert); the CC line first, where a long report's cut cannot reach it. */
export async function commentOnCommit(api: GitHubApi, repository: string, sha: string, markdown: string, cc = ''): Promise<string> {
  const created = await api.request<Comment>('POST', `/repos/${repository}/commits/${sha}/comments`, {
    body: commentBody(`${ccLine(cc)}${markdown}`),
  });
  return created.html_url;
}
