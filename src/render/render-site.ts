/**
 * A build: the history's pages rendered by the compiled site (compile-site.ts) and written with everything
 * else a site holds. Runs inside the compiled bundle (server-entry.ts), so the pages, the run pages, the
 * series files and the data files all read one loaded history.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { App } from 'astro/app';
import { buildCacheDir } from '../lib/site/build-cache.ts';
import { ChartDrawer } from '../lib/site/chart-drawer.ts';
import { FileWriter } from '../lib/site/file-writer.ts';
import { KeptPages, PREVIOUS_PAGES, pageFile } from '../lib/site/kept-pages.ts';
import { abandonPageChartCache, closePageChartCache, openPageChartCache } from '../lib/site/page-charts.ts';
import { isViewedRoute, PAGE_VIEWS } from '../lib/site/page-views.ts';
import { emptyOutDirKeepingRunFolders, fullRunPagesPerPlatform, writeRunPages } from '../lib/site/run-pages-writer.ts';
import { writeSeriesFiles } from '../lib/site/series-files-writer.ts';
import { writeSiteDataFiles } from '../lib/site/site-data-files.ts';
import { repositoryUrl } from '../lib/site/site-links.ts';
import { loadSiteModel, releaseSiteModel } from '../lib/site/site-model.ts';
import { sitePaths } from '../lib/site/site-paths.ts';
import { resolveDataDir } from '../lib/store/paths.ts';
import { formatProblem } from '../lib/store/record.ts';
import { COMPILED_BASE, withBase } from './compiled-base.ts';

export interface RenderOptions {
  app: App;
  /** The URL of the compiled site's entry, which a second thread imports to draw charts. */
  entry?: string;
  /** The compiled site's client files: scripts, styles, public/. */
  clientDir: string;
  /** The compiled site's key, which the build cache's entries depend on. */
  codeVersion: string;
  outDir: string;
  /** The base the pages link under, with a slash at each end. */
  base: string;
  log: (line: string) => void;
  warn: (line: string) => void;
}

/** Client files that may name the base (scripts, styles, pages); the rest (wasm, images) are copied as they are. */
const TEXT_FILE = /\.(m?js|css|html|svg|json|xml|txt|webmanifest)$/;

/** The compiled client files, copied, with the base put into those that name it. */
async function copyClientFiles(clientDir: string, outDir: string, base: string): Promise<void> {
  const entries = await readdir(clientDir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(outDir, path.relative(clientDir, from));
    await mkdir(path.dirname(to), { recursive: true });
    const text = TEXT_FILE.test(entry.name) ? await readFile(from, 'utf8') : undefined;
    if (text?.includes(COMPILED_BASE)) await writeFile(to, withBase(text, base));
    // A copy-on-write clone where the file system has them (btrfs, XFS, APFS): the browser's DuckDB is 34 MB.
    else await copyFile(from, to, constants.COPYFILE_FICLONE);
  }
}

/**
 * Below this many series (a chart each), the drawing thread costs more than it saves: starting it imports the
 * whole compiled site again, about 0.1 s of a core and 50 MB, where a chart takes a few milliseconds.
 */
const DRAWING_THREAD_FROM = 32;

export async function renderSite({ app, entry, clientDir, codeVersion, outDir, base, log, warn }: RenderOptions): Promise<void> {
  fullRunPagesPerPlatform();
  const started = performance.now();
  const since = () => ((performance.now() - started) / 1000).toFixed(1);
  const cacheDir = buildCacheDir(resolveDataDir());
  const kept = await KeptPages.open(cacheDir, outDir, [codeVersion, base, repositoryUrl(process.env) ?? '']);
  await emptyOutDirKeepingRunFolders(outDir, cacheDir ? path.join(outDir, PREVIOUS_PAGES) : undefined);
  await mkdir(outDir, { recursive: true });
  const model = await loadSiteModel();
  for (const problem of model.problems) warn(formatProblem(problem));
  log(`history analysed in ${since()} s`);
  // The explorer's data and the downloads keep DuckDB busy while the pages keep JavaScript busy.
  const dataFiles = writeSiteDataFiles(outDir, model.history);
  // Awaited below: a failure fails the build there, not as an unhandled rejection.
  dataFiles.catch(() => {});
  const drawer = new ChartDrawer(model.latest.length >= DRAWING_THREAD_FROM ? entry : undefined);
  try {
    await copyClientFiles(clientDir, outDir, base);
    const writer = new FileWriter();
    openPageChartCache(cacheDir, codeVersion);
    let pages = 0;
    try {
      for (const { address, route, params = {} } of sitePaths(model)) {
        const view = route !== undefined && isViewedRoute(route) ? await PAGE_VIEWS[route](model, params) : undefined;
        const key = view === undefined ? undefined : kept.key(address, view);
        let text = key === undefined ? undefined : await kept.kept(address, key);
        if (text === undefined) {
          const url = `http://perfsite.invalid${COMPILED_BASE}${address.split('/').map(encodeURIComponent).join('/')}`;
          const response = await app.render(new Request(url), view === undefined ? undefined : { locals: { pageView: view } });
          if (response.status !== 200) throw new Error(`the page /${address} did not render: ${response.status} ${response.statusText}`);
          text = withBase(await response.text(), base);
          if (key !== undefined) kept.rendered(address, key, text);
        }
        await writer.write(pageFile(outDir, address), text);
        pages++;
      }
    } catch (error) {
      await writer.stop();
      abandonPageChartCache();
      throw error;
    }
    await writer.close();
    const [charts, pagesKept] = await Promise.all([closePageChartCache(), kept.close()]);
    log(
      `${pages} pages written in ${since()} s (${pagesKept.kept} kept from the last build; ${charts.reused} of their charts from the build cache, ${charts.made} drawn)`,
    );
    await Promise.all([
      dataFiles.then(() => log(`explorer data and downloads written (${since()} s)`)),
      writeRunPages(outDir, base).then((written) => log(`${written} run pages written in ${since()} s`)),
      writeSeriesFiles(outDir, codeVersion, drawer).then(({ written, charts }) =>
        log(
          `${written} series' data files and charts written in ${since()} s (${charts.reused} charts from the build cache, ${charts.made} drawn)`,
        ),
      ),
    ]);
  } finally {
    await drawer.close();
    await dataFiles.catch(() => {});
    await releaseSiteModel();
  }
}
