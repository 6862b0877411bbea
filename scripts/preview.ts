/** npm run preview: serves the built site (dist/) as GitHub Pages would, under its base, until stopped. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
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
    port: { type: 'string', value: 'N', default: '4321', description: 'the port (default 4321)' },
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'the address to listen on (default 127.0.0.1)' },
  },
  async run({ values }) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new UsageError(`--port must be a port number; got ${JSON.stringify(values.port)}`);
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
