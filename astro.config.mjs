// @ts-check

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

/**
 * A page per run is written after the build, outside Astro's per-page pipeline (see src/lib/site/run-pages-writer.ts),
 * and at the same time each series' data file and chart (src/lib/site/series-files-writer.ts), the explorer's data
 * and the downloads (src/lib/site/site-data-files.ts).
 * @returns {import('astro').AstroIntegration}
 */
function runPages() {
  let base = '/';
  let siteDir = '';
  /** @type {Promise<void> | undefined} */
  let dataFiles;
  return {
    name: 'perfsite-run-pages',
    hooks: {
      // The run folders of the last build are set aside, not deleted (emptyOutDirKeepingRunFolders).
      'astro:config:setup': async ({ updateConfig, logger }) => {
        // A history folder that is a file is said in one line before anything starts, not as a stack trace.
        const { resolveDataDir, DataDirError } = await import('./src/lib/store/paths.ts');
        try {
          resolveDataDir();
        } catch (error) {
          if (!(error instanceof DataDirError)) throw error;
          logger.error(error.message);
          process.exit(2);
        }
        updateConfig({ vite: { build: { emptyOutDir: false } } });
      },
      'astro:config:done': async ({ config }) => {
        base = config.base;
        siteDir = fileURLToPath(config.outDir);
        // A wrong PERFSITE_FULL_RUN_PAGES fails the build before its pages are rendered, not after.
        const { fullRunPagesPerPlatform } = await import('./src/lib/site/run-pages-writer.ts');
        fullRunPagesPerPlatform();
      },
      'astro:build:start': async () => {
        const { emptyOutDirKeepingRunFolders } = await import('./src/lib/site/run-pages-writer.ts');
        await emptyOutDirKeepingRunFolders(siteDir);
        const { whenSiteModelLoaded } = await import('./src/lib/site/site-model.ts');
        const { writeSiteDataFiles } = await import('./src/lib/site/site-data-files.ts');
        // The explorer's data and the downloads keep DuckDB busy while Astro's pages keep JavaScript busy:
        // at 100,000 runs that hid half of their 10 s (written alone, after the pages, before).
        dataFiles = whenSiteModelLoaded().then((model) => writeSiteDataFiles(siteDir, model.history));
        // Awaited in astro:build:done: a failure fails the build there, not as an unhandled rejection.
        dataFiles.catch(() => {});
      },
      'astro:build:done': async ({ dir, logger }) => {
        const { writeRunPages } = await import('./src/lib/site/run-pages-writer.ts');
        const { writeSeriesFiles } = await import('./src/lib/site/series-files-writer.ts');
        const { loadSiteModel, releaseSiteModel } = await import('./src/lib/site/site-model.ts');
        const outDir = fileURLToPath(dir);
        const started = performance.now();
        const since = () => ((performance.now() - started) / 1000).toFixed(1);
        const model = await loadSiteModel();
        const { formatProblem } = await import('./src/lib/store/record.ts');
        // The overview lists these too; the build log says them once each, where CI shows them.
        for (const problem of model.problems) logger.warn(formatProblem(problem));
        // Run pages and series files need JavaScript, the data files DuckDB: neither waits for the other.
        await Promise.all([
          dataFiles?.then(() => logger.info(`explorer data and downloads written (${since()} s after the pages)`)),
          writeRunPages(outDir, base).then((written) => logger.info(`${written} run pages written in ${since()} s`)),
          writeSeriesFiles(outDir).then(({ written, charts }) =>
            logger.info(
              `${written} series' data files and charts written in ${since()} s (${charts.reused} charts from the build cache, ${charts.made} drawn)`,
            ),
          ),
        ]);
        await releaseSiteModel();
      },
    },
  };
}

/**
 * `astro dev` caches each page's getStaticPaths: a run recorded while it runs would be a 404 until a
 * restart. When the history changes, this forgets those paths (as Astro does when content changes) and
 * reloads the open pages. The history's own caches (.cache, .tmp) are not history and are not watched.
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
          for (const environment of Object.values(server.environments)) {
            if (environment.name !== 'client') environment.hot.send('astro:content-changed', {});
          }
          server.environments.client?.hot.send({ type: 'full-reload', path: '*' });
        }, 300);
      };
      for (const event of ['add', 'change', 'unlink']) server.watcher.on(event, changed);
    },
  };
}

/** perfsite's own folder: its pages and public files are read from here whatever Astro's root is (bin/perfsite.mjs). */
const PERFSITE_ROOT = path.dirname(fileURLToPath(import.meta.url));

// A GitHub project site lives under /<repo>/: the workflow sets both from the repository.
export default defineConfig({
  srcDir: path.join(PERFSITE_ROOT, 'src'),
  publicDir: path.join(PERFSITE_ROOT, 'public'),
  // Run by the installed `perfsite` command, Astro's caches stay in its own temporary root (bin/perfsite.mjs).
  ...(process.env.PERFSITE_ASTRO_ROOT ? { cacheDir: path.join(process.env.PERFSITE_ASTRO_ROOT, 'cache') } : {}),
  ...(process.env.PERFSITE_SITE ? { site: process.env.PERFSITE_SITE } : {}),
  base: process.env.PERFSITE_BASE || '/',
  trailingSlash: 'ignore',
  integrations: [mdx(), runPages()],
  // One shared stylesheet, cached once, rather than the same CSS inlined into every run page.
  build: { inlineStylesheets: 'never' },
  vite: {
    plugins: [reloadOnNewRuns()],
    // Installed, Astro's root is a temporary folder: the dev server serves the client scripts from perfsite's
    // folder and the node_modules Astro was installed in (the project's, where npm hoisted it).
    server: { fs: { allow: [PERFSITE_ROOT, path.resolve(fileURLToPath(import.meta.resolve('astro/package.json')), '..', '..')] } },
    // DuckDB's native bindings must stay external to the server build.
    ssr: { external: ['@duckdb/node-api', '@duckdb/node-bindings'] },
  },
});
