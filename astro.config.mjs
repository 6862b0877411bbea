// @ts-check

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import { defineConfig, passthroughImageService } from 'astro/config';

/** perfsite's own folder: its pages and public files are read from here whatever Astro's root is (bin/perfsite.mjs). */
const PERFSITE_ROOT = path.dirname(fileURLToPath(import.meta.url));
const { COMPILED_BASE } = await import('./src/render/compiled-base.ts');
/** Compiling (src/render/compile-site.ts), the base is a placeholder (compiled-base.ts). */
const compiling = Boolean(process.env.PERFSITE_COMPILE);

/**
 * A history folder that is a file is said in one line before `astro dev` starts, not as a stack trace.
 * @returns {import('astro').AstroIntegration}
 */
function historyFolderCheck() {
  return {
    name: 'perfsite-history-folder-check',
    hooks: {
      'astro:config:setup': async ({ logger, command }) => {
        if (command !== 'dev') return;
        const { resolveDataDir, DataDirError } = await import('./src/lib/store/paths.ts');
        try {
          resolveDataDir();
        } catch (error) {
          if (!(error instanceof DataDirError)) throw error;
          logger.error(error.message);
          process.exit(2);
        }
      },
    },
  };
}

/**
 * The site is compiled once into a server bundle (src/render/server-entry.ts), and each build renders its
 * pages by calling it (src/render/render-site.ts): no Vite, Rolldown or Astro compiler at data time. This
 * adapter only names that entry; nothing serves it.
 * @returns {import('astro').AstroIntegration}
 */
function compiledSite() {
  return {
    name: 'perfsite-compiled-site',
    hooks: {
      'astro:config:done': ({ setAdapter }) => {
        setAdapter({
          name: 'perfsite-compiled-site',
          entrypointResolution: 'auto',
          serverEntrypoint: path.join(PERFSITE_ROOT, 'src', 'render', 'server-entry.ts'),
          supportedAstroFeatures: { serverOutput: 'stable' },
        });
      },
    },
  };
}

/**
 * `astro dev` keeps the analysed history between requests (site-model.ts): when the history changes, this
 * tells the model to load it again and reloads the open pages. The history's own caches (.cache, .tmp) are
 * not history and are not watched.
 * @returns {import('vite').Plugin}
 */
function reloadOnNewRuns() {
  const dataDir = path.resolve(process.env.PERFORMANCE_DB_PATH ?? 'data');
  /** @param {string} file */
  const isHistory = (file) => {
    const relative = path.relative(dataDir, file);
    return !relative.startsWith('..') && !path.isAbsolute(relative) && /^(runs|metrics)[\\/]|^baselines\.json$/.test(relative);
  };
  return {
    name: 'perfsite-reload-on-new-runs',
    apply: 'serve',
    configureServer(server) {
      server.watcher.add(dataDir);
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      const shared = /** @type {{ perfsiteHistoryVersion?: number }} */ (globalThis);
      /** @param {string} file */
      const changed = (file) => {
        if (!isHistory(file)) return;
        clearTimeout(timer);
        // A run lands as a JSON record and then its Parquet rows: one reload for both.
        timer = setTimeout(() => {
          // The site model (src/lib/site/site-model.ts) reloads the history on the next request when this moves.
          shared.perfsiteHistoryVersion = (shared.perfsiteHistoryVersion ?? 0) + 1;
          server.environments.client?.hot.send({ type: 'full-reload', path: '*' });
        }, 300);
      };
      for (const event of ['add', 'change', 'unlink']) server.watcher.on(event, changed);
    },
  };
}

// A GitHub project site lives under /<repo>/: the workflow sets both from the repository.
export default defineConfig({
  srcDir: path.join(PERFSITE_ROOT, 'src'),
  publicDir: path.join(PERFSITE_ROOT, 'public'),
  // Run for an installed perfsite, Astro's caches stay in its own temporary root (src/render/astro-root.ts).
  ...(process.env.PERFSITE_ASTRO_ROOT ? { cacheDir: path.join(process.env.PERFSITE_ASTRO_ROOT, 'cache') } : {}),
  base: compiling ? COMPILED_BASE : process.env.PERFSITE_BASE || '/',
  trailingSlash: 'ignore',
  // The site has no images to optimise.
  image: { service: passthroughImageService() },
  output: 'server',
  adapter: compiledSite(),
  integrations: [mdx(), historyFolderCheck()],
  // One shared stylesheet, cached once, rather than the same CSS inlined into every run page.
  build: { inlineStylesheets: 'never' },
  vite: {
    plugins: [reloadOnNewRuns()],
    // Installed, Astro's root is a temporary folder: the dev server serves the client scripts from perfsite's
    // folder and the node_modules Astro was installed in (the project's, where npm hoisted it).
    server: { fs: { allow: [PERFSITE_ROOT, path.resolve(fileURLToPath(import.meta.resolve('astro/package.json')), '..', '..')] } },
    // The compiled site carries its own dependencies, so a build needs none of them installed; DuckDB's
    // native binding cannot be bundled and stays a dependency. The dev server loads them from node_modules.
    ssr: { ...(compiling ? { noExternal: true } : {}), external: ['@duckdb/node-api', '@duckdb/node-bindings'] },
  },
});
