/**
 * The e2e tier's global setup: compiles perfsite's pages once (src/render/compile-site.ts) before the test
 * files start, rather than in whichever of them builds a site first, beside the others doing the same.
 */
import { compiledSite } from '../src/render/compile-site.ts';

export default async function setup(): Promise<void> {
  await compiledSite(() => {});
}
