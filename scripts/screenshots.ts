/**
 * npm run screenshots -- [--dist DIR] [--out DIR] [PAGE...]: serve a built site and photograph each page in
 * light and dark, wide and narrow, with Debian's Chromium, so people look at what they build.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { EXIT, runCli } from '../src/lib/cli.ts';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

async function serve(root: string) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    if ((await stat(file).catch(() => null))?.isDirectory()) file = path.join(file, 'index.html');
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

await runCli(async () => {
  const { values, positionals } = parseArgs({
    options: { dist: { type: 'string', default: 'dist' }, out: { type: 'string', default: '.screenshots' } },
    allowPositionals: true,
  });
  const pages = positionals.length > 0 ? positionals : ['/'];
  await mkdir(values.out, { recursive: true });
  // Playwright gives every launch a fresh, empty profile of its own.
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const server = await serve(path.resolve(values.dist));
  try {
    for (const page of pages) {
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const [label, viewport] of [
          ['wide', { width: 1280, height: 900 }],
          ['narrow', { width: 390, height: 844 }],
        ] as const) {
          const context = await browser.newContext({ colorScheme, viewport });
          const tab = await context.newPage();
          const errors: string[] = [];
          tab.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
          await tab.goto(`${server.origin}${page}`, { waitUntil: 'networkidle' });
          const name = `${page.replaceAll(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'index'}-${colorScheme}-${label}.png`;
          await tab.screenshot({ path: path.join(values.out, name), fullPage: false });
          console.log(`${path.join(values.out, name)}${errors.length ? `  console errors: ${errors.join(' | ')}` : ''}`);
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return EXIT.ok;
});
