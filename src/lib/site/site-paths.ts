/**
 * The pages a build renders, and what each page's address names: the renderer (src/render/render-site.ts)
 * asks for every path, and each page finds its subject from its address the same way, so a build and
 * `astro dev` render one page identically. Run pages are not listed: they are written from one shell
 * (run-pages-writer.ts), as are each series' data file and chart (series-files-writer.ts).
 */
import type { BenchmarkGroup } from '../analysis/benchmark-groups.ts';
import type { MetricInfo } from '../analysis/queries.ts';
import type { RegressionEvent } from '../analysis/regression-events.ts';
import { metricSlug } from '../store/metric-slug.ts';
import { SHELL_ID } from './run-pages-writer.ts';
import type { SiteModel } from './site-model.ts';

export const REGRESSIONS_PAGE_SIZE = 30;

/** A page a build renders: its address, and for a page of a route with parameters, the route as Astro names it and its parameters. */
export interface SitePage {
  address: string;
  route?: string;
  params?: Record<string, string>;
}

/**
 * Every page's address below the site's base, its segments as they are (not URL-encoded): a page's ends in
 * `/` (its folder's index.html), a file's does not (the feed). Platform names, slugs and event ids hold no `/`.
 */
export function sitePaths(model: SiteModel): SitePage[] {
  const regressionPages = Math.max(1, Math.ceil(model.events.length / REGRESSIONS_PAGE_SIZE));
  const routed = (route: string, name: string, value: string, address: string): SitePage => ({ address, route, params: { [name]: value } });
  return [
    ...['', 'about/', 'compare/', 'explore/', 'regressions.xml', 'regressions/'].map((address) => ({ address })),
    ...Array.from({ length: regressionPages - 1 }, (_, index) => ({ address: `regressions/${index + 2}/` })),
    ...model.events.map((event) => routed('/events/[id]', 'id', event.id, `events/${event.id}/`)),
    ...model.metrics.map((info) => {
      const slug = metricSlug(info.suite, info.metric);
      return routed('/metrics/[slug]', 'slug', slug, `metrics/${slug}/`);
    }),
    ...model.benchmarks.map((group) => routed('/benchmarks/[slug]', 'slug', group.slug, `benchmarks/${group.slug}/`)),
    ...model.platforms.map((platform) => routed('/platforms/[platform]', 'platform', platform, `platforms/${platform}/`)),
    { address: `runs/${SHELL_ID}/` },
  ];
}

function lookup<T>(model: SiteModel, key: string, entries: () => Array<[string, T]>): Map<string, T> {
  return model.history.memo(`site:paths:${key}`, () => new Map(entries()));
}

export function metricOfSlug(model: SiteModel, slug: string): MetricInfo | undefined {
  return lookup(model, 'metrics', () => model.metrics.map((info) => [metricSlug(info.suite, info.metric), info])).get(slug);
}

export function eventOfId(model: SiteModel, id: string): RegressionEvent | undefined {
  return lookup(model, 'events', () => model.events.map((event) => [event.id, event])).get(id);
}

export function benchmarkOfSlug(model: SiteModel, slug: string): BenchmarkGroup | undefined {
  return lookup(model, 'benchmarks', () => model.benchmarks.map((group) => [group.slug, group])).get(slug);
}

export function isPlatform(model: SiteModel, platform: string): boolean {
  return lookup(model, 'platforms', () => model.platforms.map((name) => [name, true])).has(platform);
}

export interface RegressionsPage {
  data: RegressionEvent[];
  currentPage: number;
  lastPage: number;
  total: number;
}

/** Page `param` of the event list (undefined: the first), or undefined when there is no such page. */
export function regressionsPage(model: SiteModel, param: string | undefined): RegressionsPage | undefined {
  const currentPage = param === undefined ? 1 : /^[1-9]\d*$/.test(param) ? Number(param) : Number.NaN;
  const lastPage = Math.max(1, Math.ceil(model.events.length / REGRESSIONS_PAGE_SIZE));
  // Page 1 is the list's own address, never /regressions/1/.
  if (!Number.isInteger(currentPage) || currentPage > lastPage || param === '1') return undefined;
  const from = (currentPage - 1) * REGRESSIONS_PAGE_SIZE;
  return { data: model.events.slice(from, from + REGRESSIONS_PAGE_SIZE), currentPage, lastPage, total: model.events.length };
}
