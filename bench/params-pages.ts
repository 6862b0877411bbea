/**
 * npm run bench:params-pages -- [--sizes 37] [--orders 6] [--machines 3] [--commits 30]: page weight and build
 * cost of a parameterised history at the scale of the issue that asked for it (222 combinations a benchmark,
 * 3 machines). The history is generated in asv's own format (bench/synthetic-asv.ts, labelled synthetic: no
 * machine measured it), imported, and built; prints the build's wall time and peak memory and the heaviest
 * page of each kind, against the 300 KB page target.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { buildSite, ROOT } from './scale-histories.ts';
import { writeParameterisedAsv } from './synthetic-asv.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '37' },
    orders: { type: 'string', default: '6' },
    machines: { type: 'string', default: '3' },
    commits: { type: 'string', default: '30' },
  },
});
const count = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number, 1 or more`);
  return value;
};
const shape = {
  sizes: Array.from({ length: count('sizes') }, (_, index) => String(2 ** ((index % 20) + 3) + index)),
  orders: Array.from({ length: count('orders') }, (_, index) => `'${String.fromCharCode(97 + (index % 26))}${index >= 26 ? index : ''}'`),
  machines: Array.from({ length: count('machines') }, (_, index) => `synthetic-asv-${index + 1}`),
  commits: count('commits'),
};

const work = await mkdtemp(path.join(tmpdir(), 'perfsite-params-bench-'));
await writeParameterisedAsv(path.join(work, 'results'), shape);
await $({
  cwd: ROOT,
  quiet: true,
})`${process.execPath} scripts/import.ts --format asv --data ${path.join(work, 'data')} ${path.join(work, 'results')}`;
const built = await buildSite(path.join(work, 'data'), 'params-pages');
const [seconds = 'NaN', peakKb = 'NaN'] = built.time.split(' ');

const heaviest = new Map<string, { name: string; kb: number }>();
for (const name of await readdir(built.out, { recursive: true })) {
  if (!name.endsWith('.html')) continue;
  const kind = name.includes(path.sep) ? (name.split(path.sep)[0] as string) : 'overview';
  const kb = (await stat(path.join(built.out, name))).size / 1024;
  if (kb > (heaviest.get(kind)?.kb ?? 0)) heaviest.set(kind, { name, kb });
}
const combinations = shape.sizes.length * shape.orders.length;
console.log(
  `${combinations} combinations × 2 benchmarks × ${shape.machines.length} machines × ${shape.commits} commits: build ${Number(seconds).toFixed(1)} s, ${(Number(peakKb) / 1024).toFixed(0)} MB peak`,
);
console.log('| page kind | heaviest | KB | within 300 KB |');
console.log('| --- | --- | --- | --- |');
for (const [kind, page] of [...heaviest].sort((a, b) => b[1].kb - a[1].kb))
  console.log(`| ${kind} | ${page.name} | ${page.kb.toFixed(0)} | ${page.kb <= 300 ? 'yes' : 'no'} |`);
await rm(work, { recursive: true, force: true });
await rm(built.out, { recursive: true, force: true });
