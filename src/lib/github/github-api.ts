/**
 * The few GitHub REST calls the workflows need, through Octokit with its retry and throttling plugins: a
 * single 502 or a secondary rate limit must not fail a nightly run. The API root comes from
 * GITHUB_API_URL (set by Actions, and GitHub Enterprise's own), so tests point it at a local fake.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { z } from 'zod';
import { PerfsiteError } from '../shared/errors.ts';

export interface GitHubApi {
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: Record<string, unknown>): Promise<T>;
  /** Every item of a paginated list, following the Link header. */
  list<T>(path: string): Promise<T[]>;
}

export class GitHubError extends PerfsiteError {}

export const repositorySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name, as in GITHUB_REPOSITORY')
  .refine((name) => !name.split('/').some((part) => part === '.' || part === '..'), 'must be owner/name');

const GitHub = Octokit.plugin(paginateRest, retry, throttling);

/** How often a request is tried again after a server error or a rate limit, before the command fails. */
export const GITHUB_RETRIES = 3;

function explain(method: string, path: string, error: unknown): GitHubError {
  const status = (error as { status?: number }).status;
  const hint =
    status === 403 || status === 404
      ? ' (does the workflow grant this job the permission, e.g. pull-requests: write or issues: write?)'
      : '';
  const detail = ((error as Error).message ?? '').slice(0, 300);
  return new GitHubError(`${method} ${path} failed: HTTP ${status ?? 'error'}${hint} ${detail}`);
}

export function createGitHubApi(env: NodeJS.ProcessEnv = process.env): GitHubApi {
  const root = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const token = env.GITHUB_TOKEN;
  if (!token)
    throw new GitHubError('GITHUB_TOKEN is not set: give the step an env GITHUB_TOKEN holding the workflow token (github.token).');
  // The waits between tries grow as 1, 4, 9 seconds; tests of the retries shorten them.
  const retryBaseMs = Number(env.PERFSITE_GITHUB_RETRY_BASE_MS ?? 1000);
  const octokit = new GitHub({
    auth: token,
    baseUrl: root,
    userAgent: 'perfsite',
    retry: { retries: GITHUB_RETRIES, retryAfterBaseValue: Number.isFinite(retryBaseMs) ? retryBaseMs : 1000 },
    throttle: {
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < GITHUB_RETRIES,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < GITHUB_RETRIES,
    },
  });
  return {
    async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: Record<string, unknown> = {}): Promise<T> {
      try {
        return (await octokit.request(`${method} ${path}`, body)).data as T;
      } catch (error) {
        throw explain(method, path, error);
      }
    },
    async list<T>(path: string): Promise<T[]> {
      const [route = path, query = ''] = path.split('?');
      try {
        return (await octokit.paginate(`GET ${route}`, { ...Object.fromEntries(new URLSearchParams(query)), per_page: 100 })) as T[];
      } catch (error) {
        throw explain('GET', path, error);
      }
    },
  };
}
