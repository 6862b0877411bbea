/**
 * perfsite dev, in a project that installed perfsite: builds the project's site, serves it, and builds it
 * again whenever a run is recorded, with the same compiled pages as `perfsite build` (no site toolchain is
 * installed with perfsite). This repository's `npm run dev` is `astro dev`, for working on the pages.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, rm, watch } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { styleText } from 'node:util';
import { commandFile } from '../bin/commands.mjs';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION, portOption, SERVER_OPTIONS } from '../src/lib/command-options.ts';
import { UsageError } from '../src/lib/shared/errors.ts';
import { displayPath, resolveDataDir } from '../src/lib/store/paths.ts';
import { PERFSITE_ROOT } from '../src/render/astro-root.ts';
import { renderBase } from '../src/render/compiled-base.ts';
import { serveStatic } from './static-server.ts';

/** One `perfsite build` into `outDir`, in its own process as the command runs it; true when it succeeded. */
function build(dataDir: string, outDir: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [commandFile(PERFSITE_ROOT, 'scripts/build.ts'), '--data', dataDir, '--outDir', outDir], {
      stdio: 'inherit',
      env: { ...process.env, PERFSITE_BUILD_CACHE: process.env.PERFSITE_BUILD_CACHE ?? path.join(path.dirname(outDir), 'cache') },
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code === 0));
  });
}

export const command = defineCommand({
  usage: 'perfsite dev [options]',
  about: `Builds the site of the history, serves it at http://HOST:PORT/ followed by its base, and builds it again
whenever the history changes (a new run, an import); reload the page to see it. Nothing is written to dist/.`,
  options: {
    data: DATA_OPTION,
    ...SERVER_OPTIONS,
  },
  async run({ values }) {
    const port = portOption(values.port);
    const dataDir = resolveDataDir(values.data);
    await mkdir(dataDir, { recursive: true });
    // A folder of the project's own under the system's temporary folder: two projects never share one.
    const work = path.join(tmpdir(), `perfsite-dev-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
    let generation = 0;
    // Builds alternate between two folders: each is written while the server shows the other, and keeps
    // the pages that did not change since it was last written.
    const siteDir = (n: number) => path.join(work, `site-${n % 2}`);
    await rm(work, { recursive: true, force: true });
    // Its sites (each with the browser's DuckDB, 34 MB) go with it.
    const stop = () => {
      rmSync(work, { recursive: true, force: true });
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const base = renderBase(process.env.PERFSITE_BASE);
    // Listening first, a busy port is said before a build is spent. Each build writes the folder not served and the
    // server turns to it once it is whole: a page is never half-built.
    const server = await serveStatic(() => siteDir(generation), base, { gzipAsEncoding: true, port, host: values.host });
    if (!(await build(dataDir, siteDir(generation)))) {
      server.close();
      await rm(work, { recursive: true, force: true });
      throw new UsageError('the site could not be built: the lines above say why');
    }
    console.log(`Serving the site of ${displayPath(dataDir)} at ${server.origin}${base} (Ctrl-C stops it)`);

    let pending = false;
    let building = false;
    const rebuild = async (): Promise<void> => {
      pending = true;
      if (building) return;
      building = true;
      while (pending) {
        pending = false;
        const next = generation + 1;
        if (await build(dataDir, siteDir(next))) {
          generation = next;
          console.log(styleText('green', `rebuilt after the history changed: reload ${server.origin}${base}`));
        } else {
          console.warn(styleText('yellow', 'the history changed but the site could not be built: still serving the last one'));
        }
      }
      building = false;
    };
    for await (const change of watch(dataDir, { recursive: true })) {
      // The build cache and lock files live beside the runs; only the history itself calls for a build.
      if (change.filename && !change.filename.split(path.sep).some((part) => part.startsWith('.'))) void rebuild();
    }
  },
});

if (import.meta.main) await runAsProcess(command);
