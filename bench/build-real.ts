/**
 * npm run bench:build-real -- [--data ../shared/data] [--only gab|django]: the site build over the real
 * histories (PERFSITE_REAL_DATA or --data): github-action-benchmark's own `data.js` and django's asv results.
 *
 * For each: the import of the whole history (wall time and peak memory, GNU time); a cold build of the
 * history without its newest run (no cache); then that newest run appended, as a nightly run adds one,
 * and the site rebuilt with the cache the cold build left. Every figure is of real runs: nothing is made up.
 * Prints wall time, peak memory, pages, total size and the heaviest page of each build.
 *
 * With --asv DIR (a folder ../shared/peers/asv-publish-setup.sh prepared from the same django results), it
 * then times `asv publish` and perfsite side by side on them, alternating, --rounds times (default 5), and
 * prints the medians: asv publish against perfsite's cold build of the imported history (no build cache, no
 * earlier site), and against the import and build from the raw results. perfsite's pages are compiled before
 * the first round (once per version of perfsite: a packed perfsite ships them compiled).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { $ } from 'zx';
import type { RunRecord } from '../src/lib/store/record.ts';
import { appendRun, appendRuns, listRecordFiles, readRecordFile } from '../src/lib/store/store.ts';
import { buildSite, ROOT } from './scale-histories.ts';

const { values } = parseArgs({
  options: { data: { type: 'string' }, only: { type: 'string' }, asv: { type: 'string' }, rounds: { type: 'string', default: '5' } },
});
const shared = values.data ?? process.env.PERFSITE_REAL_DATA;
if (!shared) throw new Error('give the shared histories: --data ../shared/data (or PERFSITE_REAL_DATA)');

const HISTORIES = [
  { name: 'gab', label: 'github-action-benchmark data.js', format: 'github-action-benchmark', input: 'github-action-benchmark/data.js' },
  { name: 'django', label: 'django asv results', format: 'asv', input: 'django-asv/results' },
].filter((history) => !values.only || values.only === history.name);

interface Timed {
  seconds: number;
  peakMb: number;
}

function parseTime(stderr: string): Timed {
  const [seconds = 'NaN', peakKb = 'NaN'] = (stderr.trim().split('\n').at(-1) ?? '').split(' ');
  return { seconds: Number(seconds), peakMb: Number(peakKb) / 1024 };
}

async function siteSize(out: string): Promise<{ pages: number; totalMb: number; heaviest: { name: string; kb: number } }> {
  const files = await readdir(out, { recursive: true });
  let total = 0;
  let pages = 0;
  let heaviest = { name: '', kb: 0 };
  for (const name of files) {
    const info = await stat(path.join(out, name));
    if (!info.isFile()) continue;
    total += info.size;
    if (!name.endsWith('.html')) continue;
    pages++;
    if (info.size / 1024 > heaviest.kb) heaviest = { name, kb: info.size / 1024 };
  }
  return { pages, totalMb: total / 1024 ** 2, heaviest };
}

async function records(dir: string): Promise<RunRecord[]> {
  const all: RunRecord[] = [];
  for (const { file } of await listRecordFiles(dir)) {
    const read = await readRecordFile(file);
    if ('record' in read) all.push(read.record);
  }
  return all.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
}

const row = (cells: Array<string | number>) => console.log(`| ${cells.join(' | ')} |`);
row(['history', 'step', 'wall', 'peak memory', 'pages', 'site size', 'heaviest page']);
row(['---', '---', '---', '---', '---', '---', '---']);
for (const history of HISTORIES) {
  const work = await mkdtemp(path.join(tmpdir(), `perfsite-real-${history.name}-`));
  const full = path.join(work, 'full');
  const imported = await $({
    cwd: ROOT,
    quiet: true,
    nothrow: true,
  })`/usr/bin/time -f ${'%e %M'} ${process.execPath} scripts/import.ts --format ${history.format} --data ${full} ${path.join(shared, history.input)}`;
  if (![0, 1].includes(imported.exitCode ?? -1)) throw new Error(`import of ${history.input} failed:\n${imported.stderr}`);
  const all = await records(full);
  const importTime = parseTime(imported.stderr);
  row([
    `${history.label} (${all.length.toLocaleString('en')} runs)`,
    'import, whole history',
    `${importTime.seconds.toFixed(1)} s`,
    `${importTime.peakMb.toFixed(0)} MB`,
    '',
    '',
    '',
  ]);

  const data = path.join(work, 'data');
  const newest = all.at(-1) as RunRecord;
  await appendRuns(data, all.slice(0, -1));
  const cold = await buildSite(data, `real-${history.name}`);
  const coldTime = parseTime(cold.time);
  const coldSize = await siteSize(cold.out);
  row([
    '',
    `cold build, ${(all.length - 1).toLocaleString('en')} runs`,
    `${coldTime.seconds.toFixed(1)} s`,
    `${coldTime.peakMb.toFixed(0)} MB`,
    coldSize.pages.toLocaleString('en'),
    `${coldSize.totalMb.toFixed(1)} MB`,
    `${coldSize.heaviest.kb.toFixed(0)} KB (${coldSize.heaviest.name})`,
  ]);

  await appendRun(data, newest);
  const warm = await buildSite(data, `real-${history.name}`, '/', {}, { intoLastBuild: true });
  const warmTime = parseTime(warm.time);
  const warmSize = await siteSize(warm.out);
  row([
    '',
    'rebuild after the newest run',
    `${warmTime.seconds.toFixed(1)} s`,
    `${warmTime.peakMb.toFixed(0)} MB`,
    warmSize.pages.toLocaleString('en'),
    `${warmSize.totalMb.toFixed(1)} MB`,
    `${warmSize.heaviest.kb.toFixed(0)} KB (${warmSize.heaviest.name})`,
  ]);
  await rm(work, { recursive: true, force: true });
  await rm(warm.out, { recursive: true, force: true });
}

/** Runs `work` once per round for each contender, alternating, and gives each one's median time and peak. */
async function alternate(rounds: number, contenders: Record<string, () => Promise<Timed>>): Promise<Record<string, Timed>> {
  const times: Record<string, Timed[]> = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, work] of Object.entries(contenders)) times[name]?.push(await work());
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, list]) => [
      name,
      { seconds: median(list.map((time) => time.seconds)), peakMb: median(list.map((time) => time.peakMb)) },
    ]),
  );
}

if (values.asv) {
  const asvDir = path.resolve(values.asv);
  const project = path.join(asvDir, 'project');
  const rounds = Number(values.rounds);
  const work = await mkdtemp(path.join(tmpdir(), 'perfsite-vs-asv-'));
  const data = path.join(work, 'data');
  const raw = path.join(shared, 'django-asv', 'results');
  const importInto = (dir: string) =>
    $({
      cwd: ROOT,
      quiet: true,
      nothrow: true,
    })`/usr/bin/time -f ${'%e %M'} ${process.execPath} scripts/import.ts --format asv --data ${dir} ${raw}`;
  await importInto(data);
  // Compiles perfsite's pages if this version has not been compiled yet: not part of any round.
  await buildSite(data, 'vs-asv', '/', { PERFSITE_BUILD_CACHE: 'off' });
  const results = await alternate(rounds, {
    asv: async () => {
      await rm(path.join(project, 'html'), { recursive: true, force: true });
      const published = await $({ cwd: project, quiet: true })`/usr/bin/time -f ${'%e %M'} ${path.join(asvDir, 'asv')} publish`;
      return parseTime(published.stderr);
    },
    perfsite: async () => parseTime((await buildSite(data, 'vs-asv', '/', { PERFSITE_BUILD_CACHE: 'off' })).time),
    'perfsite from raw': async () => {
      const fresh = path.join(work, 'fresh');
      await rm(fresh, { recursive: true, force: true });
      const imported = parseTime((await importInto(fresh)).stderr);
      const built = parseTime((await buildSite(fresh, 'vs-asv-raw', '/', { PERFSITE_BUILD_CACHE: 'off' })).time);
      return { seconds: imported.seconds + built.seconds, peakMb: Math.max(imported.peakMb, built.peakMb) };
    },
  });
  const asv = results.asv as Timed;
  console.log(`\nSide by side with asv publish, django asv results, ${rounds} alternating rounds, medians:\n`);
  row(['work', 'asv publish', 'perfsite', 'perfsite ÷ asv']);
  row(['---', '---', '---', '---']);
  for (const [label, name] of [
    ['site from the imported history, cold (no build cache)', 'perfsite'],
    ['the same from the raw results (import + build)', 'perfsite from raw'],
  ] as const) {
    const ours = results[name] as Timed;
    row([
      label,
      `${asv.seconds.toFixed(2)} s, ${asv.peakMb.toFixed(0)} MB`,
      `${ours.seconds.toFixed(2)} s, ${ours.peakMb.toFixed(0)} MB`,
      `${(ours.seconds / asv.seconds).toFixed(2)}× the time, ${(ours.peakMb / asv.peakMb).toFixed(1)}× the memory`,
    ]);
  }
  await rm(work, { recursive: true, force: true });
}
