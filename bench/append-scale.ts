/**
 * npm run bench:append-scale -- [--runs 1000,10000,100000] [--repeat 3]: what importing one run costs in a
 * fresh process as the history grows. hyperfine measures `true` once (its real output file); that file is
 * imported, under GNU time, into a copy of each generated history (bench/scale-analysis.ts; labelled
 * synthetic), the copy discarded after each import. Prints the median wall time and peak memory per size.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { $ } from 'zx';
import { ROOT, syntheticHistory } from './scale-histories.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1000,10000,100000' }, repeat: { type: 'string', default: '3' } },
});
const scratch = await mkdtemp(path.join(tmpdir(), 'perfsite-append-'));
const output = path.join(scratch, 'hyperfine.json');
const hyperfine = await $({ nothrow: true, quiet: true })`hyperfine --runs 3 --export-json ${output} true`;
if (hyperfine.exitCode !== 0)
  throw new Error('this benchmark imports a real hyperfine result: install hyperfine (Debian: apt install hyperfine)');

console.log('| history (synthetic runs) | import one hyperfine result, fresh process (median) | range | peak memory |');
console.log('|---|---|---|---|');
for (const runs of values.runs.split(',').map(Number)) {
  const source = await syntheticHistory(runs);
  const times: number[] = [];
  const peaks: number[] = [];
  for (let repeat = 0; repeat < Number(values.repeat); repeat++) {
    const data = path.join(scratch, `history-${runs}`);
    await cp(source, data, { recursive: true });
    const timed = await $({
      cwd: ROOT,
      quiet: true,
    })`/usr/bin/time -f ${'%e %M'} ${process.execPath} scripts/import.ts --format hyperfine --data ${data} ${output}`;
    const [seconds = 'NaN', peakKb = 'NaN'] = (timed.stderr.trim().split('\n').at(-1) ?? '').split(' ');
    times.push(Number(seconds));
    peaks.push(Number(peakKb) / 1024);
    await rm(data, { recursive: true, force: true });
  }
  console.log(
    `| ${runs.toLocaleString('en')} | ${median(times).toFixed(2)} s | ${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)} s | ${median(peaks).toFixed(0)} MB |`,
  );
}
await rm(scratch, { recursive: true, force: true });
