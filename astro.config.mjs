// @ts-check

import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

/**
 * A page per run is written after the build, outside Astro's per-page pipeline (see src/lib/run-pages-writer.ts).
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
        const started = performance.now();
        const written = await writeRunPages(fileURLToPath(dir), base);
        logger.info(`${written} run pages written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
