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
  regressions: () => href('/regressions/'),
  feed: () => href('/regressions.xml'),
  about: () => href('/about/'),
};
