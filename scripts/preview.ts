/** npm run preview: serves the built site (dist/) as GitHub Pages would, under its base, until stopped. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { portOption, SERVER_OPTIONS } from '../src/lib/command-options.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { UsageError } from '../src/lib/shared/errors.ts';
import { displayPath } from '../src/lib/store/paths.ts';
import { renderBase } from '../src/render/compiled-base.ts';
import { serveStatic } from './static-server.ts';

export const command = defineCommand({
  usage: 'npm run preview [-- options]',
  about: 'Serves the site `npm run build` wrote, at http://HOST:PORT/ followed by its base (PERFSITE_BASE).',
  options: {
    outDir: { type: 'string', value: 'DIR', default: 'dist', description: 'the built site (default ./dist)' },
    ...SERVER_OPTIONS,
  },
  async run({ values }) {
    const port = portOption(values.port);
    const base = renderBase(process.env.PERFSITE_BASE);
    const root = path.resolve(values.outDir);
    if (!existsSync(path.join(root, 'index.html')))
      throw new UsageError(`there is no built site in ${displayPath(root)}: run ${commandHint('build')} first, or give --outDir`);
    // Explorer data files are stored gzipped; served with Content-Encoding as Astro's preview served them.
    const server = await serveStatic(root, base, { gzipAsEncoding: true, port, host: values.host });
    console.log(`Serving ${displayPath(root)} at ${server.origin}${base} (Ctrl-C stops it)`);
    await new Promise(() => {});
  },
});

if (import.meta.main) await runAsProcess(command);
