/**
 * How a page of a viewed route reads its view (page-views.ts makes them): from `Astro.locals`, where the
 * renderer or, under `astro dev`, the middleware put it. Types only besides: a page that imports this reads
 * nothing of the history.
 */
import type { BenchmarkPageView } from './benchmark-page-view.ts';
import type { EventPageView } from './event-page-view.ts';
import type { MetricPageView } from './metric-page-view.ts';
import type { PlatformPageView } from './platform-page-view.ts';

export interface PageViews {
  '/metrics/[slug]': MetricPageView;
  '/events/[id]': EventPageView;
  '/benchmarks/[slug]': BenchmarkPageView;
  '/platforms/[platform]': PlatformPageView;
}

export type ViewedRoute = keyof PageViews;

/** The view a page of `route` is rendered from (undefined: no such subject, a 404). */
export function pageView<R extends ViewedRoute>(locals: App.Locals, _route: R): PageViews[R] | undefined {
  return locals.pageView as PageViews[R] | undefined;
}
