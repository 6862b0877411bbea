/**
 * The site compiled once and rendered per build (src/render/): compiled in a job whose environment names
 * Astro's own variables, it still links every page under the base each build gives it.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { appendRun } from '../../src/lib/store/store.ts';
import { compileSiteInto } from '../../src/render/compile-site.ts';
import type { RenderOptions } from '../../src/render/render-site.ts';
import { makeRecord, PROJECT_ROOT, siteBuildDir, tempDir } from '../helpers.ts';

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

it("links every page under the build's base, though compiled where BASE_URL is set", async () => {
  // Vitest sets BASE_URL=/ in this process's environment, as a CI job may: the compile must not take it.
  expect(process.env.BASE_URL).toBe('/');
  // Inside node_modules, so that the bundle finds DuckDB's binding as an installed perfsite's does.
  const compiled = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'perfsite-test', randomUUID());
  const data = await tempDir();
  const out = await siteBuildDir();
  made.push(compiled, data, out);
  const site = await compileSiteInto(compiled, 'test');
  const { record } = await appendRun(data, makeRecord({}, new Date('2026-11-20T10:00:00Z')));
  process.env.PERFORMANCE_DB_PATH = data;
  try {
    const { app, renderSite } = (await import(pathToFileURL(site.entry).href)) as Pick<RenderOptions, 'app'> & {
      renderSite(options: RenderOptions): Promise<void>;
    };
    await renderSite({
      app,
      clientDir: site.clientDir,
      codeVersion: 'test',
      outDir: out,
      base: '/project/',
      log: () => {},
      warn: () => {},
    });
  } finally {
    delete process.env.PERFORMANCE_DB_PATH;
  }
  for (const page of ['index.html', 'about/index.html', `runs/${record.id}/index.html`]) {
    const html = await readFile(path.join(out, page), 'utf8');
    const links = [...html.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((match) => match[1] as string);
    expect(links.length, page).toBeGreaterThan(5);
    expect(
      links.filter((link) => !link.startsWith('/project/')),
      page,
    ).toEqual([]);
    expect(html).not.toContain('__perfsite_base__');
  }
});
