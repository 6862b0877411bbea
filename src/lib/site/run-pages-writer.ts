/**
 * Writes a permalink page per run after the other pages, from the page shell rendered at
 * runs/_shell/ (layout, navigation, stylesheet) and renderRunPageBody. Astro's own pipeline costs
 * about 4 ms a page even for a trivial page (measured at 10,000 runs); this costs a fraction of that.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PUBLISHED_RUNS_FILE, type PublishedRunInfo, publishedRunFile } from '../shared/published-run.ts';
import { FileWriter } from './file-writer.ts';
import { publishedJson, publishedRun, publishedRunInfo, samplesAhead } from './published-runs.ts';
import { allRunIds, newestRunIds } from './run-index.ts';
import { renderRunPageBody } from './run-page-html.ts';
import { runPages } from './run-page-model.ts';
import { siteLinks } from './site-links.ts';
import { loadSiteModel } from './site-model.ts';

export const SHELL_ID = '_shell';
export const BODY_MARKER = '<!--perfsite:run-body-->';
export const TITLE_MARKER = 'perfsite:run-title';
/** Where the last build's run folders wait, inside the output folder, while Astro builds the other pages. */
const PREVIOUS_RUNS = '.perfsite-previous-runs';
/** Never emptied: an output folder may be a git checkout (a gh-pages worktree). */
const KEPT = new Set(['.git']);

async function isFolder(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/**
 * Empties the output folder, as Astro does before a build (astro.config.mjs turns Astro's own emptying off),
 * but sets the last build's run folders aside instead of deleting them: writeRunPages writes each page over
 * the old one and removes the folders of runs no longer in the history. A 100,000-run rebuild otherwise
 * deleted 200,000 folders and files and made them again, which on ext4 costs far more than writing pages
 * (`npm run bench:file-creation`). With `keepPagesIn` (a folder inside it), the rest is moved there for the
 * build to take unchanged pages from (kept-pages.ts) instead of being deleted.
 */
export async function emptyOutDirKeepingRunFolders(outDir: string, keepPagesIn?: string): Promise<void> {
  const entries = await readdir(outDir).catch((): string[] => []);
  const runs = path.join(outDir, 'runs');
  if (entries.includes('runs') && (await isFolder(runs))) {
    await rm(path.join(outDir, PREVIOUS_RUNS), { recursive: true, force: true });
    await rename(runs, path.join(outDir, PREVIOUS_RUNS));
  }
  const doomed = entries.filter((name) => name !== 'runs' && name !== PREVIOUS_RUNS && !KEPT.has(name));
  const kept = keepPagesIn ? path.basename(keepPagesIn) : undefined;
  // What an earlier build that failed midway set aside: its pages are the older ones, and go.
  await Promise.all(doomed.filter((name) => name === kept).map((name) => rm(path.join(outDir, name), { recursive: true, force: true })));
  const rest = doomed.filter((name) => name !== kept);
  if (keepPagesIn) {
    await mkdir(keepPagesIn, { recursive: true });
    await Promise.all(rest.map((name) => rename(path.join(outDir, name), path.join(keepPagesIn, name))));
  } else await Promise.all(rest.map((name) => rm(path.join(outDir, name), { recursive: true, force: true })));
}

/**
 * Puts the last build's run folders back under runs/, where Astro has left only the page shell (already
 * read); without them, or with anything else of Astro's there, the run folders are all made anew.
 */
async function restorePreviousRunFolders(outDir: string): Promise<void> {
  const runs = path.join(outDir, 'runs');
  const previous = path.join(outDir, PREVIOUS_RUNS);
  await rm(path.join(runs, SHELL_ID), { recursive: true, force: true });
  if (!(await isFolder(previous))) return;
  if ((await readdir(runs)).length > 0) {
    await rm(previous, { recursive: true, force: true });
    return;
  }
  await rm(runs, { recursive: true });
  await rename(previous, runs);
}

/**
 * How many of each platform's newest runs get a full page; older ones get a compact page (their values
 * and statuses), about a fifth of the size: 100,000 full run pages were 2.2 GB, more than GitHub Pages
 * publishes (BENCHMARKS.md). PERFSITE_FULL_RUN_PAGES changes it.
 */
export const DEFAULT_FULL_RUN_PAGES = 500;

/** Run pages made at a time: their hindsight verdicts are found together (runPages). */
const RUN_PAGE_BATCH = 100;

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
  await restorePreviousRunFolders(outDir);
  const links = siteLinks(base);
  const model = await loadSiteModel();
  const full = await newestRunIds(model, fullRunPagesPerPlatform());
  // Rendering keeps this thread busy; the folders and files are made by a worker thread beside it.
  const writer = new FileWriter();
  const written = new Set<string>();
  const comparable: PublishedRunInfo[] = [];
  const order = await allRunIds(model);
  const samples = samplesAhead(
    model,
    order.filter((id) => full.has(id)),
  );
  try {
    for (let from = 0; from < order.length; from += RUN_PAGE_BATCH) {
      const batch = await runPages(model, order.slice(from, from + RUN_PAGE_BATCH), (id) => (full.has(id) ? 'full' : 'compact'));
      for (const page of batch) {
        const id = page.run.runId;
        await writer.write(
          path.join(outDir, 'runs', id, 'index.html'),
          `${head.replace(TITLE_MARKER, `Run ${id}`)}${renderRunPageBody(page, links)}${tail}`,
        );
        if (page.detail === 'full') {
          const published = publishedRun(page, await samples.of(id));
          await writer.write(path.join(outDir, publishedRunFile(id)), publishedJson(published));
          comparable.push(publishedRunInfo(published));
        }
        written.add(id);
      }
    }
    await writer.write(path.join(outDir, PUBLISHED_RUNS_FILE), publishedJson({ runs: comparable }));
  } catch (error) {
    await writer.stop();
    throw error;
  }
  await writer.close();
  // A run the last build had and this history has not (compacted away, or another history built here).
  const gone = (await readdir(path.join(outDir, 'runs'))).filter((name) => !written.has(name));
  await Promise.all(gone.map((name) => rm(path.join(outDir, 'runs', name), { recursive: true, force: true })));
  return written.size;
}
