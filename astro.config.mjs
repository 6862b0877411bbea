// @ts-check
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

// A GitHub project site lives under /<repo>/: the workflow sets both from the repository.
export default defineConfig({
  ...(process.env.PERFSITE_SITE ? { site: process.env.PERFSITE_SITE } : {}),
  base: process.env.PERFSITE_BASE || '/',
  trailingSlash: 'ignore',
  integrations: [mdx()],
  // One shared stylesheet, cached once, rather than the same CSS inlined into every run page.
  build: { inlineStylesheets: 'never' },
  vite: {
    // DuckDB's native bindings must stay external to the server build.
    ssr: { external: ['@duckdb/node-api', '@duckdb/node-bindings'] },
  },
});
