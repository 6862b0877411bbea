/** A static file server for a built site, under a base path like GitHub Pages: `npm run preview`, screenshots and browser tests. */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { UsageError } from '../src/lib/shared/errors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.xml': 'application/atom+xml',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  origin: string;
  /** Every path requested, in order, to check what a page loaded. */
  requests: string[];
  close(): void;
}

export interface ServeOptions {
  /**
   * Send a stored `.gz` file as its content with Content-Encoding: gzip, as Astro's preview server and some
   * hosts do (the browser then inflates it); by default it is sent as the bytes it is, as GitHub Pages does.
   */
  gzipAsEncoding?: boolean;
  /** Where it listens (default: any free port on 127.0.0.1). */
  port?: number;
  host?: string;
}

/** `root` may be a function, read on every request: a folder that a newer build replaces. */
export async function serveStatic(
  root: string | (() => string),
  base = '/',
  { gzipAsEncoding = false, port = 0, host = '127.0.0.1' }: ServeOptions = {},
): Promise<StaticServer> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const requests: string[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    if (!url.pathname.startsWith(prefix) && `${url.pathname}/` !== prefix) {
      response.writeHead(404).end('not found');
      return;
    }
    const dir = path.resolve(typeof root === 'string' ? root : root());
    let file = path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length - 1)));
    if (file !== dir && !file.startsWith(`${dir}${path.sep}`)) {
      response.writeHead(403).end();
      return;
    }
    if ((await stat(file).catch(() => null))?.isDirectory()) file = path.join(file, 'index.html');
    try {
      const body = await readFile(file);
      const encoded = gzipAsEncoding && file.endsWith('.gz');
      const type = TYPES[path.extname(encoded ? file.slice(0, -3) : file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, ...(encoded ? { 'content-encoding': 'gzip' } : {}) }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError(`port ${port} on ${host} is in use: give another with --port N`) : error),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no address');
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { origin: `http://${shownHost}:${address.port}`, requests, close: () => server.close() };
}
