/** The site's links under the base path this build was given; see lib/site/site-links.ts. */
import { siteLinks } from './lib/site/site-links.ts';

export const links = siteLinks(import.meta.env.BASE_URL);
