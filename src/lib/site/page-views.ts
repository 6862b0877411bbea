/**
 * The pages that read the history only through one view object: the renderer (src/render/render-site.ts)
 * makes a page's view, keys the page by it and renders the page, with the view in `Astro.locals`, only when
 * the key changed; under `astro dev` the middleware makes it. A page of these routes reads nothing else of the
 * history (tests/unit/page-views.test.ts holds them to it), so its key covers everything it shows.
 */
import { benchmarkPageView } from './benchmark-page-view.ts';
import { eventPageView } from './event-page-view.ts';
import { metricPageView } from './metric-page-view.ts';
import type { PageViews, ViewedRoute } from './page-view.ts';
import { platformPageView } from './platform-page-view.ts';
import type { SiteModel } from './site-model.ts';

type Params = Readonly<Record<string, string | undefined>>;

/** Each route's view, by the route's pattern as Astro names it (`context.routePattern`). */
export const PAGE_VIEWS: { [R in ViewedRoute]: (model: SiteModel, params: Params) => Promise<PageViews[R] | undefined> } = {
  '/metrics/[slug]': (model: SiteModel, params: Params) => metricPageView(model, params.slug ?? ''),
  '/events/[id]': (model: SiteModel, params: Params) => eventPageView(model, params.id ?? ''),
  '/benchmarks/[slug]': (model: SiteModel, params: Params) => benchmarkPageView(model, params.slug ?? ''),
  '/platforms/[platform]': async (model: SiteModel, params: Params) => platformPageView(model, params.platform ?? ''),
};

export function isViewedRoute(route: string): route is ViewedRoute {
  return Object.hasOwn(PAGE_VIEWS, route);
}

/**
 * A view as the text its page's key is made from. Only plain data may be in a view: a Map or a class would
 * print as `{}` and two different views would share a key, so they are refused, and numbers JSON cannot tell
 * apart (NaN, ±Infinity, -0), and undefined, are written as themselves.
 */
export function viewText(view: unknown): string {
  return JSON.stringify(view, function plain(this: unknown, key: string, value: unknown) {
    const original = (this as Record<string, unknown>)[key];
    if (original === undefined) return '\u0000undefined';
    if (typeof original === 'number' && (!Number.isFinite(original) || Object.is(original, -0)))
      return `\u0000${Object.is(original, -0) ? '-0' : original}`;
    if (typeof original === 'function' || typeof original === 'symbol' || typeof original === 'bigint') {
      throw new Error(`a page's view holds a ${typeof original} at "${key}": views are plain data`);
    }
    if (original !== null && typeof original === 'object' && !Array.isArray(original)) {
      const prototype = Object.getPrototypeOf(original);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new Error(`a page's view holds a ${prototype?.constructor?.name ?? 'non-plain object'} at "${key}": views are plain data`);
      }
    }
    return value;
  });
}
