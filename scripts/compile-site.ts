/**
 * npm run compile (npm runs it through scripts/prepare.ts when it packs perfsite or installs it from git):
 * compiles perfsite's pages, and bundles its commands, into compiled/, which the package ships, so that an
 * installed perfsite builds sites without compiling anything and needs no npm package but DuckDB's
 * (src/render/compile-site.ts, src/packaging/bundle-commands.ts).
 */
import { bundleCommands } from '../src/packaging/bundle-commands.ts';
import { compileSiteInto, SHIPPED_DIR, sourcesKey } from '../src/render/compile-site.ts';

const started = performance.now();
await compileSiteInto(SHIPPED_DIR, await sourcesKey());
await bundleCommands();
// On stderr: `npm pack` prints the tarball's name on stdout, which scripts read.
console.error(`compiled perfsite's pages and commands into compiled/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
