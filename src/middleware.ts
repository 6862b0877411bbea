/**
 * The last guard of every page and data file the site serves: whatever a template printed from a
 * stranger's text (a commit message, a metric name), no control or bidirectional-override character
 * leaves the site. Templates escape markup; this neutralises what escaping leaves alone.
 * It also gives a page of a viewed route its view when the renderer has not (`astro dev`).
 */
import { defineMiddleware } from 'astro:middleware';
import { neutralise } from './lib/shared/escape.ts';
import { isViewedRoute, PAGE_VIEWS } from './lib/site/page-views.ts';
import { loadSiteModel } from './lib/site/site-model.ts';

const TEXT_TYPES = /^(text\/html|application\/(atom\+)?xml|application\/json|image\/svg\+xml)/;

export const onRequest = defineMiddleware(async (context, next) => {
  const route = context.routePattern;
  if (!('pageView' in context.locals) && isViewedRoute(route)) {
    context.locals.pageView = await PAGE_VIEWS[route](await loadSiteModel(), context.params);
  }
  const response = await next();
  if (!TEXT_TYPES.test(response.headers.get('content-type') ?? '')) return response;
  const text = await response.text();
  return new Response(neutralise(text), { status: response.status, statusText: response.statusText, headers: response.headers });
});
