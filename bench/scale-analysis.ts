/**
 * npm run bench:scale-analysis -- [--runs 1000,10000,100000]: how the analysis core scales with the
 * length of the history. For each size, generates a synthetic history (labelled so: synthetic records
 * on Synthetic_Platform_* ids) of 6 platforms × 50 metrics in a scratch folder, compacts it, then times
 * in a fresh process: opening the history, the baseline and status of every platform × metric, and
 * judging the latest run. Histories are kept in the scratch folder between invocations to save time.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { recentRuns } from '../src/lib/analysis/queries.ts';
import { defaultSettings, latestStatuses, statusOfRuns } from '../src/lib/analysis/status.ts';
import { compactHistory } from '../src/lib/store/compact.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { dataLayout } from '../src/lib/store/paths.ts';
import { appendRuns } from '../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../src/lib/store/synthetic.ts';
import { timeSeconds } from './suite.ts';

const PLATFORMS = 6;
const METRICS = 50;
const BATCH = 2_000;

/** Written once a history is whole: a generation cut short (a session ended) is started again, not measured as if whole. */
const COMPLETE_MARKER = '.generated';

async function ensureHistory(dir: string, runs: number): Promise<void> {
  if ((await readdir(dir).catch((): string[] => [])).includes(COMPLETE_MARKER)) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const start = new Date(Date.UTC(2024, 0, 1));
  // One run an hour across all platforms: 100k runs span about 11 years.
  for (let offset = 0; offset < runs; offset += BATCH) {
    const batch = generateSyntheticRecords({
      runs: Math.min(BATCH, runs - offset),
      platforms: PLATFORMS,
      metrics: METRICS,
      seed: offset + 1,
      levelSeed: 42,
      start: new Date(start.getTime() + offset * 3_600_000),
    });
    await appendRuns(
      dir,
      batch.map((record, index) => ({ ...record, id: `synthetic-${String(offset + index).padStart(7, '0')}` })),
    );
    process.stderr.write(`\r  generated ${Math.min(offset + BATCH, runs)} / ${runs} runs`);
  }
  process.stderr.write('\n');
  await compactHistory(dir);
  await writeFile(path.join(dir, COMPLETE_MARKER), `${runs} runs\n`);
}

/** Child mode: time the analysis in a fresh process and print JSON. */
async function measure(dir: string): Promise<void> {
  const settings = defaultSettings();
  await rm(dataLayout(dir).cacheDir, { recursive: true, force: true });
  let history = await openHistory(dir);
  const firstOpen = await timeSeconds(async () => {
    history.close();
    await rm(dataLayout(dir).cacheDir, { recursive: true, force: true });
    history = await openHistory(dir);
  });
  const open = await timeSeconds(async () => {
    history.close();
    history = await openHistory(dir);
  });
  let statuses = 0;
  const latest = await timeSeconds(async () => {
    statuses = (await latestStatuses(history, settings)).length;
  });
  const [run] = await recentRuns(history, { limit: 1 });
  const oneRun = await timeSeconds(() => statusOfRuns(history, [run?.runId ?? ''], settings));
  history.close();
  process.stdout.write(
    `${JSON.stringify({ firstOpen, open, latest, oneRun, statuses, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1000,10000,100000' }, measure: { type: 'string' }, scratch: { type: 'string' } },
});
if (values.measure) {
  await measure(values.measure);
} else {
  const scratch = values.scratch ?? path.join(tmpdir(), 'perfsite-scale');
  console.log(
    '| runs (synthetic) | metric rows | first open (no cache) | open history | baseline + status of every platform × metric | open + statuses | judge the latest run | statuses | peak memory |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const runs of values.runs.split(',').map(Number)) {
    // The suffix names the generator's version, so a history cached by an older one is never reused.
    const dir = path.join(scratch, `runs-${runs}-v2`);
    const generation = await timeSeconds(() => ensureHistory(dir, runs));
    if (generation > 1) process.stderr.write(`  (history of ${runs} runs generated in ${generation.toFixed(0)} s)\n`);
    const output = await $({ quiet: true })`${process.execPath} ${fileURLToPath(import.meta.url)} --measure ${dir}`;
    const result = JSON.parse(output.stdout.trim()) as {
      firstOpen: number;
      open: number;
      latest: number;
      oneRun: number;
      statuses: number;
      maxRssMb: number;
    };
    console.log(
      `| ${runs.toLocaleString('en')} | ${(runs * METRICS).toLocaleString('en')} | ${result.firstOpen.toFixed(2)} s | ${result.open.toFixed(2)} s | ${result.latest.toFixed(2)} s | ${(result.open + result.latest).toFixed(2)} s | ${result.oneRun.toFixed(2)} s | ${result.statuses} | ${result.maxRssMb.toFixed(0)} MB |`,
    );
  }
}
