/** Every internal link goes through here, so the site works under a base path (a GitHub project site). */
const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export function href(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

export const links = {
  home: () => href('/'),
  platform: (platform: string) => href(`/platforms/${platform}/`),
  metric: (slug: string) => href(`/metrics/${slug}/`),
  run: (runId: string) => href(`/runs/${runId}/`),
  /** Where run pages live: interactive charts link a point to `${runs}${id}/`. */
  runs: () => href('/runs/'),
  seriesData: (platform: string, slug: string) => href(`/data/series/${platform}/${slug}.json`),
  regressions: (page = 1) => href(page === 1 ? '/regressions/' : `/regressions/${page}/`),
  event: (id: string) => href(`/events/${id}/`),
  feed: () => href('/regressions.xml'),
  about: () => href('/about/'),
  /** The explorer, opened on a query (URL-encoded: the query is the whole view). */
  explore: (sql?: string) => `${href('/explore/')}${sql ? `?${new URLSearchParams({ q: sql })}` : ''}`,
  download: (file: string) => href(`/data/${file}`),
  explorerData: (file: string) => href(`/data/explorer/${file}`),
};
