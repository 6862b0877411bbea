/**
 * Writes a permalink page per run after `astro build`, from the page shell Astro built at
 * runs/_shell/ (layout, navigation, stylesheet) and renderRunPageBody. Astro's own pipeline costs
 * about 4 ms a page even for a trivial page (measured at 10,000 runs); this costs a fraction of that.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { FileWriter } from './file-writer.ts';
import { renderRunPageBody } from './run-page-html.ts';
import { siteLinks } from './site-links.ts';
import { allRunIds, loadSiteModel, newestRunIds, runPage } from './site-model.ts';

export const SHELL_ID = '_shell';
export const BODY_MARKER = '<!--perfsite:run-body-->';
export const TITLE_MARKER = 'perfsite:run-title';

/**
 * How many of each platform's newest runs get a full page; older ones get a compact page (their values
 * and statuses), about a fifth of the size: 100,000 full run pages were 2.2 GB, more than GitHub Pages
 * publishes (BENCHMARKS.md). PERFSITE_FULL_RUN_PAGES changes it.
 */
export const DEFAULT_FULL_RUN_PAGES = 500;

export function fullRunPagesPerPlatform(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.PERFSITE_FULL_RUN_PAGES?.trim();
  if (given === undefined || given === '') return DEFAULT_FULL_RUN_PAGES;
  if (!/^\d+$/.test(given)) {
    throw new Error(`PERFSITE_FULL_RUN_PAGES=${JSON.stringify(given)} is not a whole number of runs: write it like 500, or unset it.`);
  }
  return Number(given);
}

export async function writeRunPages(outDir: string, base: string): Promise<number> {
  const shellFile = path.join(outDir, 'runs', SHELL_ID, 'index.html');
  const shell = await readFile(shellFile, 'utf8');
  const [head, tail] = shell.split(BODY_MARKER);
  if (head === undefined || tail === undefined) throw new Error(`${shellFile} has no ${BODY_MARKER}`);
  const links = siteLinks(base);
  const model = await loadSiteModel();
  const full = await newestRunIds(model, fullRunPagesPerPlatform());
  // Rendering keeps this thread busy; the folders and files are made by a worker thread beside it.
  const writer = new FileWriter();
  let written = 0;
  try {
    for (const id of await allRunIds(model)) {
      const page = await runPage(model, id, full.has(id) ? 'full' : 'compact');
      if (!page) continue;
      await writer.write(
        path.join(outDir, 'runs', id, 'index.html'),
        `${head.replace(TITLE_MARKER, `Run ${id}`)}${renderRunPageBody(page, links)}${tail}`,
      );
      written++;
    }
  } catch (error) {
    await writer.stop();
    throw error;
  }
  await writer.close();
  await rm(path.dirname(shellFile), { recursive: true, force: true });
  return written;
}
