/**
 * One report comment per pull request, updated on every push: the comment is found by a hidden marker
 * in its body, so a reviewer sees the latest report in one place instead of a thread of stale ones.
 */
import type { GitHubApi } from './github-api.ts';

export const REPORT_MARKER = '<!-- perfsite:report -->';
/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;

interface Comment {
  id: number;
  body?: string | null;
  html_url: string;
}

export function commentBody(markdown: string): string {
  const body = `${REPORT_MARKER}\n${markdown}`;
  if (body.length <= MAX_BODY) return body;
  return `${body.slice(0, MAX_BODY)}\n\n… the report is longer than a comment may be; the full report is in the workflow's artifacts.`;
}

/**
 * The comment is posted by a privileged workflow from an artifact the pull request's own (untrusted)
 * job uploaded, pull request number included: it goes only to the pull request whose head is the
 * commit that job ran on, which the privileged workflow knows from GitHub, not from the artifact.
 */
export async function assertPullRequestHead(api: GitHubApi, repository: string, pullRequest: number, headSha: string): Promise<void> {
  const pull = await api.request<{ head: { sha: string } }>('GET', `/repos/${repository}/pulls/${pullRequest}`);
  if (pull.head.sha !== headSha) {
    throw new Error(
      `pull request #${pullRequest} is at ${pull.head.sha.slice(0, 10)}, not ${headSha.slice(0, 10)}: the report is for another commit (a newer push, or a forged number) and is not posted`,
    );
  }
}

export async function upsertReportComment(
  api: GitHubApi,
  repository: string,
  pullRequest: number,
  markdown: string,
): Promise<{ action: 'created' | 'updated'; url: string }> {
  const body = commentBody(markdown);
  const comments = await api.list<Comment>(`/repos/${repository}/issues/${pullRequest}/comments`);
  const existing = comments.find((comment) => comment.body?.startsWith(REPORT_MARKER));
  if (existing) {
    const updated = await api.request<Comment>('PATCH', `/repos/${repository}/issues/comments/${existing.id}`, { body });
    return { action: 'updated', url: updated.html_url };
  }
  const created = await api.request<Comment>('POST', `/repos/${repository}/issues/${pullRequest}/comments`, { body });
  return { action: 'created', url: created.html_url };
}
