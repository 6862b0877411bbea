/**
 * Writes a permalink page per run after `astro build`, from the page shell Astro built at
 * runs/_shell/ (layout, navigation, stylesheet) and renderRunPageBody. Astro's own pipeline costs
 * about 4 ms a page even for a trivial page (measured at 10,000 runs); this costs a fraction of that.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderRunPageBody } from './run-page-html.ts';
import { siteLinks } from './site-links.ts';
import { allRunIds, loadSiteModel, newestRunIds, runPage } from './site-model.ts';

export const SHELL_ID = '_shell';
export const BODY_MARKER = '<!--perfsite:run-body-->';
export const TITLE_MARKER = 'perfsite:run-title';
const WRITE_BATCH = 64;

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
  // Rendering is synchronous and quick; the writes are overlapped, a batch at a time, to keep the disk busy,
  // and a batch is waited for only once the next one is queued, so that rendering never waits on the disk.
  let written = 0;
  let pending: Array<Promise<void>> = [];
  let previous = Promise.resolve();
  for (const id of await allRunIds(model)) {
    const page = await runPage(model, id, full.has(id) ? 'full' : 'compact');
    if (!page) continue;
    const html = `${head.replace(TITLE_MARKER, `Run ${id}`)}${renderRunPageBody(page, links)}${tail}`;
    const dir = path.join(outDir, 'runs', id);
    pending.push(mkdir(dir, { recursive: true }).then(() => writeFile(path.join(dir, 'index.html'), html)));
    written++;
    if (pending.length >= WRITE_BATCH) {
      await previous;
      previous = Promise.all(pending).then(() => {});
      // Awaited at the next batch: a failed write fails the build there, not as an unhandled rejection.
      previous.catch(() => {});
      pending = [];
    }
  }
  await previous;
  await Promise.all(pending);
  await rm(path.dirname(shellFile), { recursive: true, force: true });
  return written;
}
