/**
 * npm run bench:file-creation -- [--files 100000] [--dir <folder on the disk to measure>]: how fast this
 * machine's file system creates a run page's worth of folders and files (one folder and one 4 KB file each),
 * written the two ways a build could: one after another from one thread (what the run pages' writer worker,
 * src/lib/site/file-writer.ts, does) and 64 at a time through fs.promises (libuv's thread pool). Each
 * way runs on a quiet folder and then right after as many files were deleted, which is how one build follows
 * another. Prints wall time and the kernel's CPU time (the process's system time). Wait a few minutes after
 * deleting anything large before a run: the quiet column is only quiet on a file system at rest.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { files: { type: 'string', default: '100000' }, dir: { type: 'string' } } });
const files = Number(values.files);
const content = 'x'.repeat(4096);
const folderOf = (root: string, index: number) => path.join(root, `run-${String(index).padStart(8, '0')}`);

function oneAfterAnother(root: string): Promise<void> {
  for (let index = 0; index < files; index++) {
    const folder = folderOf(root, index);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'index.html'), content);
  }
  return Promise.resolve();
}

async function manyAtOnce(root: string): Promise<void> {
  let pending: Array<Promise<void>> = [];
  for (let index = 0; index < files; index++) {
    const folder = folderOf(root, index);
    pending.push(mkdir(folder, { recursive: true }).then(() => writeFile(path.join(folder, 'index.html'), content)));
    if (pending.length === 64) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
}

async function timed(write: (root: string) => Promise<void>, root: string): Promise<string> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await write(root);
  const wall = (performance.now() - started) / 1000;
  const system = process.cpuUsage(cpu).system / 1e6;
  return `${wall.toFixed(1)} s (${system.toFixed(1)} s in the kernel)`;
}

const ways = [
  ['one after another, one thread', oneAfterAnother],
  ['64 at a time, fs.promises', manyAtOnce],
] as const;
const base = await mkdtemp(path.join(values.dir ?? tmpdir(), 'perfsite-files-'));
// Both ways first on the quiet folder, each into a tree of its own; then each again right after one of
// those trees is deleted, so that each follows the deletion of the same number of files.
const quiet: string[] = [];
for (const [index, [, write]] of ways.entries()) quiet.push(await timed(write, path.join(base, `quiet-${index}`)));
const afterDelete: string[] = [];
for (const [index, [, write]] of ways.entries()) {
  await rm(path.join(base, `quiet-${index}`), { recursive: true, force: true });
  afterDelete.push(await timed(write, path.join(base, `again-${index}`)));
}
console.log(`| ${files.toLocaleString('en')} folders with a file, in ${base} | quiet folder | right after as many were deleted |`);
console.log('|---|---|---|');
for (const [index, [label]] of ways.entries()) console.log(`| ${label} | ${quiet[index]} | ${afterDelete[index]} |`);
await rm(base, { recursive: true, force: true });
