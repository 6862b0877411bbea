/**
 * npm run bench:build-real -- [--data ../shared/data] [--only gab|django]: the site build over the real
 * histories (PERFSITE_REAL_DATA or --data): github-action-benchmark's own `data.js` and django's asv results.
 *
 * For each: the import of the whole history (wall time and peak memory, GNU time); a cold build of the
 * history without its newest run (no cache); then that newest run appended, as a nightly run adds one,
 * and the site rebuilt with the cache the cold build left. Every figure is of real runs: nothing is made up.
 * Prints wall time, peak memory, pages, total size and the heaviest page of each build.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import type { RunRecord } from '../src/lib/store/record.ts';
import { appendRun, appendRuns, listRecordFiles, readRecordFile } from '../src/lib/store/store.ts';
import { buildSite, ROOT } from './scale-histories.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, only: { type: 'string' } } });
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
  const warm = await buildSite(data, `real-${history.name}`);
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
