/**
 * npm run bench:import-limits: what refusing oversized input costs. Imports, each in a fresh process under GNU
 * time, a generated Bencher Metric Format file of one run with 1,000,000 metrics (labelled synthetic, in a
 * temporary folder) and a sparse 300 MB file, and prints wall time, peak memory and the exit code: each must be
 * a refusal (exit 2) that costs little, nothing written.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const METRICS = 1_000_000;

async function writeWideBmf(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('{');
  for (let index = 0; index < METRICS; index++) out.write(`${index ? ',' : ''}"synthetic_bench_${index}":{"latency":{"value":1}}`);
  await new Promise<void>((resolve, reject) => out.end('}', (error?: Error | null) => (error ? reject(error) : resolve())));
}

async function timedImport(file: string, format: string, data: string): Promise<string> {
  const run = await $({
    quiet: true,
    nothrow: true,
  })`/usr/bin/time -f ${'%e %M'} ${process.execPath} ${path.join(ROOT, 'scripts', 'import.ts')} --format ${format} --data ${data} ${file}`;
  const [seconds = '?', kilobytes = '0'] = run.stderr.trim().split('\n').at(-1)?.split(' ') ?? [];
  return `${seconds} s, ${(Number(kilobytes) / 1024).toFixed(0)} MB peak, exit ${run.exitCode}`;
}

const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-import-limits-'));
try {
  const wide = path.join(dir, 'synthetic-1000000-metrics.json');
  await writeWideBmf(wide);
  const huge = path.join(dir, 'synthetic-300MB.json');
  await writeFile(huge, '');
  await truncate(huge, 300 * 1024 ** 2);
  const data = path.join(dir, 'data');
  console.log(`one run of ${METRICS.toLocaleString('en')} metrics (BMF), --format bmf: ${await timedImport(wide, 'bmf', data)}`);
  console.log(`the same, --format auto: ${await timedImport(wide, 'auto', data)}`);
  console.log(`a 300 MB file, --format hyperfine: ${await timedImport(huge, 'hyperfine', data)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
