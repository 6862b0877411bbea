/**
 * The compiled site's entry (astro.config.mjs names it): Astro's app, which renders any page of the site
 * for a request, and the build that renders them all with the history it loads.
 */
import { createApp } from 'astro/app/entrypoint';

export { renderSite } from './render-site.ts';

export const app = createApp({ streaming: false });
