/**
 * npm run bench:scale-site -- [--runs 1000,10000]: the site build over generated histories (labelled
 * synthetic; 6 platforms × 50 metrics, the ones bench/scale-analysis.ts generates and keeps in
 * $TMPDIR/perfsite-scale). Reports build time and peak memory (GNU time), pages, total and heaviest page.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { buildSite, syntheticHistory } from './scale-histories.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000,10000' } } });
console.log('| runs (synthetic) | pages | build | peak memory | pages size | whole site | chart data files | heaviest page |');
console.log('|---|---|---|---|---|---|---|---|');
for (const runs of values.runs.split(',').map(Number)) {
  const { out, time } = await buildSite(await syntheticHistory(runs), `synthetic-${runs}`);
  const [seconds = 'NaN', peakKb = 'NaN'] = time.split(' ');
  const files = await readdir(out, { recursive: true });
  const pages = files.filter((name) => name.endsWith('.html'));
  const dataFiles = files.filter((name) => name.startsWith(path.join('data', 'series')) && name.endsWith('.json'));
  let dataSize = 0;
  for (const name of dataFiles) dataSize += (await stat(path.join(out, name))).size;
  let total = 0;
  let heaviest = { name: '', size: 0 };
  for (const name of pages) {
    const { size } = await stat(path.join(out, name));
    total += size;
    if (size > heaviest.size) heaviest = { name, size };
  }
  // What GitHub Pages would publish (at most 1 GB): the bytes of every file of the site (`du` would add
  // 4 KB for each of the 100,000 run folders, which no host stores as content).
  const site = Number(
    (await $({ quiet: true })`find ${out} -type f -printf ${'%s\n'}`).stdout
      .trim()
      .split('\n')
      .reduce((sum, size) => sum + Number(size), 0),
  );
  console.log(
    `| ${runs.toLocaleString('en')} | ${pages.length.toLocaleString('en')} | ${Number(seconds).toFixed(0)} s | ${(Number(peakKb) / 1024 ** 2).toFixed(2)} GB | ${(total / 1024 ** 2).toFixed(0)} MB | ${(site / 1024 ** 2).toFixed(0)} MB | ${dataFiles.length} files, ${(dataSize / 1024 ** 2).toFixed(0)} MB | ${(heaviest.size / 1024 ** 2).toFixed(2)} MB (${heaviest.name}) |`,
  );
  await rm(out, { recursive: true, force: true });
}
