/**
 * The few GitHub REST calls the workflows need, over fetch. The API root comes from GITHUB_API_URL
 * (set by Actions, and GitHub Enterprise's own), so tests point it at a local fake.
 */
import { z } from 'zod';

export interface GitHubApi {
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
  /** Every item of a paginated list, following the Link header. */
  list<T>(path: string): Promise<T[]>;
}

export class GitHubError extends Error {}

export const repositorySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name, as in GITHUB_REPOSITORY')
  .refine((name) => !name.split('/').some((part) => part === '.' || part === '..'), 'must be owner/name');

export function createGitHubApi(env: NodeJS.ProcessEnv = process.env): GitHubApi {
  const root = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const token = env.GITHUB_TOKEN;
  if (!token)
    throw new GitHubError('GITHUB_TOKEN is not set: give the step an env GITHUB_TOKEN holding the workflow token (github.token).');
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${token}`,
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'perfsite',
  };
  const send = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      const detail = (await response.text()).slice(0, 300);
      const hint =
        response.status === 403 || response.status === 404
          ? ' (does the workflow grant this job the permission, e.g. pull-requests: write or issues: write?)'
          : '';
      throw new GitHubError(`${method} ${url.slice(root.length)} failed: HTTP ${response.status}${hint} ${detail}`);
    }
    return response;
  };
  return {
    async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
      return (await (await send(method, `${root}${path}`, body)).json()) as T;
    },
    async list<T>(path: string): Promise<T[]> {
      const items: T[] = [];
      let next: string | undefined = `${root}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
      while (next) {
        const response = await send('GET', next);
        items.push(...((await response.json()) as T[]));
        next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
        if (next && !next.startsWith(root)) throw new GitHubError(`refusing to follow a pagination link outside ${root}: ${next}`);
      }
      return items;
    },
  };
}
