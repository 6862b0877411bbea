/** A history built into a site, served on localhost, and Debian's Chromium to look at it: what the browser tests share. */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../../scripts/chromium.ts';
import { type StaticServer, serveStatic } from '../../../scripts/static-server.ts';
import { runScript, siteBuildDir } from '../../helpers.ts';

/** A machine without Chromium skips the browser tests, saying so; CI installs it and requires them. */
export const chromiumHere = existsSync(CHROMIUM_PATH);
if (!chromiumHere && process.env.PERFSITE_REQUIRE_BROWSER)
  throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)`);

export interface BuiltSite {
  browser: Browser;
  server: StaticServer;
  out: string;
  /** Stops the server and the browser and removes the site and the given folders. */
  close(...also: string[]): Promise<void>;
}

/** Builds the history in `data` into a fresh folder and serves it. */
export async function buildAndServe(data: string, env: NodeJS.ProcessEnv = {}): Promise<BuiltSite> {
  const out = await siteBuildDir();
  const build = await runScript('scripts/build.ts', ['--outDir', out], {
    env: { ...env, PERFORMANCE_DB_PATH: data },
  });
  expect(build.code, build.stderr).toBe(0);
  const browser = await launchChromium();
  const server = await serveStatic(out);
  return {
    browser,
    server,
    out,
    close: async (...also) => {
      server.close();
      await browser.close();
      await Promise.all([out, ...also].map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
