/**
 * The generated histories the scale benchmarks share (labelled synthetic: 6 platforms × 50 metrics), kept
 * in $TMPDIR/perfsite-scale by bench/scale-analysis.ts, and a site build over one of them.
 */
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The folder of the generated history of this many runs, generated first when it is not there. */
export async function syntheticHistory(runs: number): Promise<string> {
  const data = path.join(tmpdir(), 'perfsite-scale', `runs-${runs}-v2`);
  // bench/scale-analysis.ts marks a history it finished generating; anything else is generated (again).
  if (!(await readdir(data).catch((): string[] => [])).includes('.generated')) {
    await $({ cwd: ROOT, stdio: 'inherit' })`${process.execPath} bench/scale-analysis.ts --runs ${runs}`;
  }
  return data;
}

/** `npm run build` of a history into .site-builds/<name>, under GNU time; returns the folder and time's last line. */
export async function buildSite(
  data: string,
  name: string,
  base = '/',
  env: NodeJS.ProcessEnv = {},
  { intoLastBuild = false } = {},
): Promise<{ out: string; time: string }> {
  const out = path.join(ROOT, '.site-builds', name);
  // Into the last build's folder, a build keeps the pages that did not change (src/lib/site/kept-pages.ts).
  if (!intoLastBuild) await rm(out, { recursive: true, force: true });
  const build = await $({
    cwd: ROOT,
    quiet: true,
    env: { ...process.env, PERFORMANCE_DB_PATH: data, PERFSITE_BASE: base, ...env },
  })`/usr/bin/time -f ${'%e %M'} ${process.execPath} scripts/build.ts --outDir ${out}`;
  return { out, time: build.stderr.trim().split('\n').at(-1) ?? '' };
}
