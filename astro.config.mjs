// @ts-check

import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

/**
 * A page per run is written after the build, outside Astro's per-page pipeline (see src/lib/run-pages-writer.ts),
 * and at the same time the explorer's data and the downloads (src/lib/site-data-files.ts).
 * @returns {import('astro').AstroIntegration}
 */
function runPages() {
  let base = '/';
  return {
    name: 'perfsite-run-pages',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const { writeRunPages } = await import('./src/lib/run-pages-writer.ts');
        const { writeSiteDataFiles } = await import('./src/lib/site-data-files.ts');
        const { loadSiteModel, releaseSiteModel } = await import('./src/lib/site-model.ts');
        const outDir = fileURLToPath(dir);
        const started = performance.now();
        const since = () => ((performance.now() - started) / 1000).toFixed(1);
        const model = await loadSiteModel();
        await Promise.all([
          writeRunPages(outDir, base).then((written) => logger.info(`${written} run pages written in ${since()} s`)),
          writeSiteDataFiles(outDir, model.history).then(() => logger.info(`explorer data and downloads written in ${since()} s`)),
        ]);
        await releaseSiteModel();
      },
    },
  };
}

// A GitHub project site lives under /<repo>/: the workflow sets both from the repository.
export default defineConfig({
  ...(process.env.PERFSITE_SITE ? { site: process.env.PERFSITE_SITE } : {}),
  base: process.env.PERFSITE_BASE || '/',
  trailingSlash: 'ignore',
  integrations: [mdx(), runPages()],
  // One shared stylesheet, cached once, rather than the same CSS inlined into every run page.
  build: { inlineStylesheets: 'never' },
  vite: {
    // DuckDB's native bindings must stay external to the server build.
    ssr: { external: ['@duckdb/node-api', '@duckdb/node-bindings'] },
  },
});
