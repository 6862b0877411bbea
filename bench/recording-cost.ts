/**
 * npm run bench:recording-cost: what recording costs, for BENCHMARKS.md. Times a whole quick bench
 * run and a single append, each in fresh processes under GNU time (wall time and peak resident
 * memory of the process and its children), into scratch folders that are removed afterwards.
 *
 *   npm run bench:recording-cost [-- --repeat N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { $ } from 'zx';
import { appendRun } from '../src/lib/store/store.ts';
import { generateSyntheticRecords } from '../src/lib/store/synthetic.ts';
import { timeSeconds } from './suite.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Timed {
  wallSeconds: number;
  peakMb: number;
  stdout: string;
}

async function underGnuTime(args: readonly string[]): Promise<Timed> {
  const output = await $({ quiet: true })`/usr/bin/time -f ${'%e %M'} ${process.execPath} ${args}`;
  const [wall = 'NaN', peakKb = 'NaN'] = output.stderr.trim().split('\n').at(-1)?.split(' ') ?? [];
  return { wallSeconds: Number(wall), peakMb: Number(peakKb) / 1024, stdout: output.stdout };
}

/** Child mode: append one run of ten metrics (the shape `npm run bench` writes) and print how long the call took. */
async function appendOnce(dataDir: string): Promise<void> {
  const [record] = generateSyntheticRecords({ runs: 1, platforms: 1, metrics: 10, seed: Date.now() % 1000 });
  if (!record) throw new Error('no record generated');
  const seconds = await timeSeconds(() => appendRun(dataDir, { ...record, id: `append-${process.pid}` }));
  process.stdout.write(`${seconds}\n`);
}

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' }, 'append-once': { type: 'string' } } });
if (values['append-once']) {
  await appendOnce(values['append-once']);
} else {
  const repeat = Number.parseInt(values.repeat, 10);
  const scratch = await mkdtemp(path.join(tmpdir(), 'perfsite-cost-'));
  try {
    const benchRuns: Timed[] = [];
    for (let i = 0; i < repeat; i++) {
      benchRuns.push(await underGnuTime([path.join(HERE, 'run.ts'), '--mode', 'quick', '--data', path.join(scratch, `bench-${i}`)]));
      process.stderr.write(`quick bench run ${i + 1}/${repeat}: ${benchRuns.at(-1)?.wallSeconds} s\n`);
    }
    const appends: Timed[] = [];
    for (let i = 0; i < repeat * 4; i++) {
      appends.push(await underGnuTime([fileURLToPath(import.meta.url), '--append-once', path.join(scratch, 'append')]));
    }
    const appendCallMs = appends.map((run) => Number(run.stdout.trim()) * 1000);
    console.log(`| what | median | range | peak memory (median) |`);
    console.log(`|---|---|---|---|`);
    const wall = benchRuns.map((run) => run.wallSeconds);
    console.log(
      `| \`npm run bench -- --mode quick\` (whole process, ${repeat} runs) | ${median(wall).toFixed(1)} s | ${Math.min(...wall).toFixed(1)}–${Math.max(...wall).toFixed(1)} s | ${median(benchRuns.map((run) => run.peakMb)).toFixed(0)} MB |`,
    );
    console.log(
      `| one append, the call (${appends.length} fresh processes) | ${median(appendCallMs).toFixed(1)} ms | ${Math.min(...appendCallMs).toFixed(1)}–${Math.max(...appendCallMs).toFixed(1)} ms | — |`,
    );
    console.log(
      `| one append, whole process (Node start, DuckDB load, append) | ${median(appends.map((run) => run.wallSeconds * 1000)).toFixed(0)} ms | — | ${median(appends.map((run) => run.peakMb)).toFixed(0)} MB |`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
