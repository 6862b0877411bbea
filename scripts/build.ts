/**
 * npm run build: the history's site. perfsite's pages are compiled once per version of its code
 * (src/render/compile-site.ts); a build loads the history, analyses it and renders every page with them.
 */
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { styleText } from 'node:util';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { displayPath, resolveDataDir } from '../src/lib/store/paths.ts';
import { codeCacheDir, compiledSite } from '../src/render/compile-site.ts';
import { renderBase } from '../src/render/compiled-base.ts';
import type { RenderOptions } from '../src/render/render-site.ts';

interface CompiledEntry {
  app: RenderOptions['app'];
  renderSite(options: RenderOptions): Promise<void>;
}

export const command = defineCommand({
  usage: 'npm run build [-- options]',
  about: `Builds the site of the history into dist/: every page, a page per run, each series' chart and data, the
explorer's data and the downloads. The first build of a version of perfsite also compiles its pages (a few
seconds, once).`,
  options: {
    outDir: { type: 'string', value: 'DIR', default: 'dist', description: 'where the site goes (default ./dist)' },
    data: DATA_OPTION,
  },
  more: `Environment: PERFSITE_BASE, the path the site is served under (a GitHub project site: /<repo>/);
PERFSITE_SITE, its origin (https://<owner>.github.io), for the feed's links; PERFSITE_FULL_RUN_PAGES, how many of
each platform's newest runs get a full page (default 500); PERFSITE_BUILD_CACHE, where drawn charts are kept
between builds (default data/.cache/build; off turns it off); PERFSITE_COMPILE_CACHE, where V8 keeps its code
cache of perfsite's pages (default node_modules/.cache/perfsite/v8).`,
  async run({ values }) {
    // The compiled site reads the history from the environment, as `astro dev` does.
    process.env.PERFORMANCE_DB_PATH = resolveDataDir(values.data);
    const started = performance.now();
    const log = (line: string) =>
      console.log(`${styleText('dim', `${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`)} ${line}`);
    const site = await compiledSite(() => log(`compiling perfsite's pages (once per version of perfsite)`));
    module.enableCompileCache(codeCacheDir());
    const entry = pathToFileURL(site.entry).href;
    const { app, renderSite } = (await import(entry)) as CompiledEntry;
    const outDir = path.resolve(values.outDir);
    await renderSite({
      app,
      entry,
      clientDir: site.clientDir,
      codeVersion: site.key,
      outDir,
      base: renderBase(process.env.PERFSITE_BASE),
      log,
      warn: (line) => console.warn(styleText('yellow', line)),
    });
    log(`site written to ${displayPath(outDir)}`);
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
