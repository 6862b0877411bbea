/**
 * The compiled site's entry (astro.config.mjs names it): Astro's app, which renders any page of the site
 * for a request, the build that renders them all with the history it loads, and the chart drawing that
 * build's second thread imports.
 */
import { createApp } from 'astro/app/entrypoint';

export { drawSeriesChart } from '../lib/site/chart-drawer.ts';
export { renderSite } from './render-site.ts';

export const app = createApp({ streaming: false });
