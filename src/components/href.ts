/** Every internal link goes through here, so the site works under a base path (a GitHub project site). */
const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export function href(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Where a commit is shown in the repository: PERFSITE_REPOSITORY_URL (https only), or GitHub's page of
 * GITHUB_REPOSITORY, which Actions sets for the build; none elsewhere, and commits are shown as text.
 */
function repositoryUrl(env: Record<string, string | undefined> = process.env): string | null {
  const given = env.PERFSITE_REPOSITORY_URL?.trim();
  if (given) return /^https:\/\/[^\s"'<>]+$/.test(given) ? given.replace(/\/$/, '') : null;
  const repository = env.GITHUB_REPOSITORY?.trim();
  return repository && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) ? `https://github.com/${repository}` : null;
}
const REPOSITORY = repositoryUrl();

export const links = {
  /** A commit in its repository, when the build knows the repository. */
  commit: (sha: string) => (REPOSITORY && /^[0-9a-f]{7,64}$/.test(sha) ? `${REPOSITORY}/commit/${sha}` : null),
  home: () => href('/'),
  platform: (platform: string) => href(`/platforms/${platform}/`),
  metric: (slug: string) => href(`/metrics/${slug}/`),
  /** A parameterised benchmark: its combinations side by side. */
  benchmark: (slug: string) => href(`/benchmarks/${slug}/`),
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
  /** The explorer, opened on a query (URL-encoded: the query is the whole view). */
  explore: (sql?: string) => `${href('/explore/')}${sql ? `?${new URLSearchParams({ q: sql })}` : ''}`,
  download: (file: string) => href(`/data/${file}`),
  explorerData: (file: string) => href(`/data/explorer/${file}`),
};
