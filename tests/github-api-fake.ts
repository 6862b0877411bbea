/**
 * A stand-in for the GitHub REST API, recorded from its documented shapes: issues, issue comments, and
 * pagination by Link header (two items a page here, so that every list is paginated). Tests point
 * GITHUB_API_URL at it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
}
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  pull_request?: object;
}

/** A pull request's head: a commit, or a commit of a branch in a repository (a fork's, say). */
export type FakeHead = string | { sha: string; repository: string; branch: string };

export interface FakeGitHub {
  url: string;
  /** Pull request number → its head; a bare commit is on branch "feature" of the repository itself. */
  pulls: Map<number, FakeHead>;
  /** What GET /user answers: a login (a personal token), or nothing (Actions' token gets a 403). */
  tokenUser: string | null;
  /** Answers the next `times` requests with this failure instead (a 502, a secondary rate limit). */
  failNext(times: number, status: number, body?: object, headers?: Record<string, string>): void;
  comments: FakeComment[];
  /** Comments on commits (POST /repos/…/commits/{sha}/comments). */
  commitComments: Array<{ id: number; commit: string; body: string }>;
  issues: FakeIssue[];
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

const PAGE = 2;

export async function startFakeGitHub(repository: string, token: string): Promise<FakeGitHub> {
  const state = {
    comments: [] as FakeComment[],
    commitComments: [] as Array<{ id: number; commit: string; body: string }>,
    issues: [] as FakeIssue[],
    pulls: new Map<number, FakeHead>(),
    nextId: 1000,
    tokenUser: null as string | null,
  };
  const requests: FakeGitHub['requests'] = [];
  const faults: Array<{ status: number; body: object; headers: Record<string, string> }> = [];
  let origin = '';
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = new URL(request.url ?? '/', origin);
    requests.push({ method: request.method ?? '', path: `${url.pathname}${url.search}`, authorization: request.headers.authorization });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };
    // GitHub takes a token under either scheme; Octokit sends "token".
    const fault = faults.shift();
    if (fault) return send(fault.status, fault.body, fault.headers);
    if (![`Bearer ${token}`, `token ${token}`].includes(request.headers.authorization ?? ''))
      return send(401, { message: 'Bad credentials' });
    const paginate = <T>(items: T[]) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      const link = page * PAGE < items.length ? { Link: `<${next.href}>; rel="next"` } : {};
      send(200, items.slice((page - 1) * PAGE, page * PAGE), link);
    };
    const prefix = `/repos/${repository}`;
    const path = url.pathname;
    const commentView = (comment: FakeComment) => ({
      id: comment.id,
      body: comment.body,
      user: { login: comment.user },
      html_url: `https://github.invalid/${repository}/issues/${comment.issue}#issuecomment-${comment.id}`,
    });
    const issueView = (issue: FakeIssue) => ({
      ...issue,
      labels: issue.labels.map((name) => ({ name })),
      html_url: `https://github.invalid/${repository}/issues/${issue.number}`,
    });
    let match = new RegExp(`^${prefix}/issues/(\\d+)/comments$`).exec(path);
    if (match && request.method === 'GET') {
      return paginate(state.comments.filter((comment) => comment.issue === Number(match?.[1])).map(commentView));
    }
    if (match && request.method === 'POST') {
      const comment = { id: state.nextId++, issue: Number(match[1]), body: body.body, user: state.tokenUser ?? 'github-actions[bot]' };
      state.comments.push(comment);
      return send(201, commentView(comment));
    }
    const pull = new RegExp(`^${prefix}/pulls/(\\d+)$`).exec(path);
    if (pull && request.method === 'GET') {
      const head = state.pulls.get(Number(pull[1]));
      if (!head) return send(404, { message: 'Not Found' });
      const { sha, repository: from, branch } = typeof head === 'string' ? { sha: head, repository, branch: 'feature' } : head;
      return send(200, { number: Number(pull[1]), head: { sha, ref: branch, repo: { full_name: from } } });
    }
    const commit = new RegExp(`^${prefix}/commits/([0-9a-f]{40})/comments$`).exec(path);
    if (commit && request.method === 'POST') {
      const comment = { id: state.nextId++, commit: commit[1] as string, body: body.body };
      state.commitComments.push(comment);
      return send(201, {
        ...comment,
        html_url: `https://github.invalid/${repository}/commit/${comment.commit}#commitcomment-${comment.id}`,
      });
    }
    if (path === '/user' && request.method === 'GET') {
      return state.tokenUser ? send(200, { login: state.tokenUser }) : send(403, { message: 'Resource not accessible by integration' });
    }
    match = new RegExp(`^${prefix}/issues/comments/(\\d+)$`).exec(path);
    if (match && request.method === 'PATCH') {
      const comment = state.comments.find((candidate) => candidate.id === Number(match?.[1]));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = body.body;
      return send(200, commentView(comment));
    }
    if (path === `${prefix}/issues` && request.method === 'GET') {
      const label = url.searchParams.get('labels');
      const wanted = url.searchParams.get('state') ?? 'open';
      return paginate(state.issues.filter((issue) => issue.state === wanted && (!label || issue.labels.includes(label))).map(issueView));
    }
    if (path === `${prefix}/issues` && request.method === 'POST') {
      const issue: FakeIssue = { number: state.nextId++, title: body.title, body: body.body, labels: body.labels ?? [], state: 'open' };
      state.issues.push(issue);
      return send(201, issueView(issue));
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    comments: state.comments,
    commitComments: state.commitComments,
    issues: state.issues,
    pulls: state.pulls,
    get tokenUser() {
      return state.tokenUser;
    },
    set tokenUser(login: string | null) {
      state.tokenUser = login;
    },
    requests,
    failNext: (times, status, body = { message: 'Server Error' }, headers = {}) => {
      for (let time = 0; time < times; time++) faults.push({ status, body, headers });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
