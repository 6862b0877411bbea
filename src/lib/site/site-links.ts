/**
 * Every internal link of the site, built in one place so it works under a base path (a GitHub project
 * site): the pages use it through src/links.ts, the run pages' writer calls it with the build's base.
 */

import { PUBLISHED_RUNS_FILE, publishedRunFile } from '../shared/published-run.ts';
import { metricSlug } from '../store/metric-slug.ts';

/**
 * Where a commit is shown in the repository: PERFSITE_REPOSITORY_URL (https only), or GitHub's page of
 * GITHUB_REPOSITORY, which Actions sets for the build; none elsewhere, and commits are shown as text.
 */
export function repositoryUrl(env: Record<string, string | undefined>): string | null {
  const given = env.PERFSITE_REPOSITORY_URL?.trim();
  if (given) return /^https:\/\/[^\s"'<>]+$/.test(given) ? given.replace(/\/$/, '') : null;
  const repository = env.GITHUB_REPOSITORY?.trim();
  return repository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) ? `https://github.com/${repository}` : null;
}

export function benchmarkPlatformAnchor(platform: string): string {
  return `on-${platform}`;
}

export function siteLinks(base: string, env: Record<string, string | undefined> = process.env) {
  const prefix = base.replace(/\/$/, '');
  const href = (path: string) => `${prefix}${path.startsWith('/') ? path : `/${path}`}`;
  const repository = repositoryUrl(env);
  return {
    href,
    /** A commit in its repository, when the build knows the repository. */
    commit: (sha: string) => (repository && /^[0-9a-f]{7,64}$/.test(sha) ? `${repository}/commit/${sha}` : null),
    home: () => href('/'),
    platform: (platform: string) => href(`/platforms/${platform}/`),
    /** A series on its platform's page: the platform page gives each metric's section its slug as id. */
    platformMetric: (platform: string, suite: string, metric: string) => href(`/platforms/${platform}/#${metricSlug(suite, metric)}`),
    metric: (slug: string) => href(`/metrics/${slug}/`),
    /** A parameterised benchmark: its combinations side by side. */
    benchmark: (slug: string) => href(`/benchmarks/${slug}/`),
    /** One platform's part of a benchmark's page. */
    benchmarkOn: (slug: string, platform: string) => href(`/benchmarks/${slug}/#${benchmarkPlatformAnchor(platform)}`),
    run: (runId: string) => href(`/runs/${runId}/`),
    /** Where run pages live: interactive charts link a point to `${runs}${id}/`. */
    runs: () => href('/runs/'),
    seriesData: (platform: string, slug: string) => href(`/data/series/${platform}/${slug}.json`),
    /** A series' chart as an SVG file, for pages that show many charts. */
    seriesChart: (platform: string, slug: string) => href(`/charts/${platform}/${slug}.svg`),
    regressions: (page = 1) => href(page === 1 ? '/regressions/' : `/regressions/${page}/`),
    event: (id: string) => href(`/events/${id}/`),
    feed: () => href('/regressions.xml'),
    about: () => href('/about/'),
    favicon: () => href('/favicon.svg'),
    themeToggle: () => href('/theme-toggle.js'),
    /** The explorer, opened on a query (URL-encoded: the query is the whole view). */
    explore: (sql?: string) => `${href('/explore/')}${sql ? `?${new URLSearchParams({ q: sql })}` : ''}`,
    download: (file: string) => href(`/data/${file}`),
    explorerData: (file: string) => href(`/data/explorer/${file}`),
    /** Two runs or commits side by side; with one side, the page asks for the other. */
    compare: (a?: string, b?: string) => {
      const query = new URLSearchParams([...(a ? [['a', a]] : []), ...(b ? [['b', b]] : [])]).toString();
      return `${href('/compare/')}${query ? `?${query}` : ''}`;
    },
    publishedRuns: () => href(`/${PUBLISHED_RUNS_FILE}`),
    publishedRun: (runId: string) => href(`/${publishedRunFile(runId)}`),
  };
}

export type SiteLinks = ReturnType<typeof siteLinks>;
