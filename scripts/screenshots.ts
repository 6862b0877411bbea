/**
 * npm run screenshots -- [--dist DIR] [--out DIR] [--full-page] [PAGE...]: serve a built site and photograph each page in
 * light and dark, wide and narrow, with Debian's Chromium, so people look at what they build.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { EXIT } from '../src/lib/shared/errors.ts';
import { launchChromium } from './chromium.ts';
import { serveStatic } from './static-server.ts';

export const command = defineCommand({
  usage: 'npm run screenshots -- [--dist DIR] [--out DIR] [--full-page] [PAGE...]',
  about: `Serves a built site and photographs each page in light and dark, wide and narrow, with Debian's Chromium.`,
  options: {
    dist: { type: 'string', value: 'DIR', default: 'dist', description: 'the built site (default dist)' },
    out: { type: 'string', value: 'DIR', default: '.screenshots', description: 'where the PNG files go (default .screenshots)' },
    'full-page': { type: 'boolean', default: false, description: 'the whole page, not the first screen' },
  },
  positionals: { PAGE: 'a path of the site, such as /platforms/ubuntu/ (default /)' },
  async run({ values, positionals }) {
    const pages = positionals.length > 0 ? positionals : ['/'];
    await mkdir(values.out, { recursive: true });
    const browser = await launchChromium();
    const server = await serveStatic(path.resolve(values.dist));
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
            // The explorer draws its result after loading the engine and the history: wait for it (or its error).
            if (page.startsWith('/explore/')) {
              await tab.waitForSelector('#explorer-summary:not(:empty), #explorer-error:not([hidden]), #explorer[data-ready="true"]', {
                timeout: 120_000,
              });
            }
            const name = `${page.replaceAll(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'index'}-${colorScheme}-${label}.png`;
            await tab.screenshot({ path: path.join(values.out, name), fullPage: values['full-page'] });
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
  },
});

if (import.meta.main) await runAsProcess(command);
