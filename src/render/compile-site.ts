/**
 * The site compiled once per version of perfsite's code, not once per build: Astro builds its pages into a
 * server bundle and client files (astro.config.mjs), and every build renders pages by calling that bundle
 * (render-site.ts). A packed perfsite ships it in compiled/; otherwise (this repository, a git install) it
 * is compiled on first use into node_modules/.cache/perfsite/, keyed by the sources it was compiled from.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { astroCommand, dependenciesDir, PERFSITE_ROOT } from './astro-root.ts';

export interface CompiledSite {
  /** The key of the sources it was compiled from (and, compiled here, the locked dependencies). */
  key: string;
  entry: string;
  clientDir: string;
}

const STAMP = 'compiled-site.json';
/** What a packed perfsite ships, compiled when it is packed (`npm run compile`). */
export const SHIPPED_DIR = path.join(PERFSITE_ROOT, 'compiled');
/** Every input of the compiled site that a packed perfsite ships. */
const SOURCES = ['src', 'public', 'astro.config.mjs', 'package.json', 'tsconfig.json'];

async function hashFiles(hash: ReturnType<typeof createHash>, files: readonly string[]): Promise<void> {
  for (const file of files) {
    hash.update(path.relative(PERFSITE_ROOT, file)).update('\u0000');
    hash.update(await readFile(file).catch(() => Buffer.alloc(0))).update('\u0000');
  }
}

/** The sources' key: what a shipped compiled site must have been compiled from. */
export async function sourcesKey(): Promise<string> {
  const files: string[] = [];
  for (const source of SOURCES) {
    const full = path.join(PERFSITE_ROOT, source);
    const entries = await readdir(full, { recursive: true, withFileTypes: true }).catch(() => undefined);
    if (!entries) files.push(full);
    else for (const entry of entries) if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
  }
  const hash = createHash('sha256');
  await hashFiles(hash, files.sort());
  return hash.digest('hex');
}

/** Compiled here, the key also covers the locked dependencies, which a shipped site carries compiled in. */
async function localKey(sources: string): Promise<string> {
  const hash = createHash('sha256').update(sources);
  await hashFiles(hash, [path.join(PERFSITE_ROOT, 'package-lock.json')]);
  return hash.digest('hex');
}

async function stampOf(dir: string): Promise<string | undefined> {
  const text = await readFile(path.join(dir, STAMP), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as { key?: string }).key;
}

function siteIn(dir: string, key: string): CompiledSite {
  return { key, entry: path.join(dir, 'server', 'entry.mjs'), clientDir: path.join(dir, 'client') };
}

/** Runs Astro's compile into `dir` (a fresh folder), failing with Astro's output when it fails. */
async function runCompile(dir: string): Promise<void> {
  const { argv, env } = astroCommand('build', PERFSITE_ROOT, ['--outDir', dir]);
  const child = spawn(process.execPath, argv, {
    cwd: PERFSITE_ROOT,
    env: { ...env, PERFSITE_COMPILE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`compiling perfsite's site failed (exit code ${code}):\n${output}`);
}

/** Compiles the site into `dir`, whole or not at all: a build that stops midway leaves nothing to reuse. */
export async function compileSiteInto(dir: string, key: string): Promise<CompiledSite> {
  const staging = `${dir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await runCompile(staging);
    await writeFile(path.join(staging, STAMP), `${JSON.stringify({ key })}\n`);
    // Another build may have compiled the same sources meanwhile: its site is as good, and may be in use.
    if ((await stampOf(dir)) !== key) {
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return siteIn(dir, key);
}

/**
 * Where V8 keeps its code cache of the compiled site between builds: PERFSITE_COMPILE_CACHE (the action points it
 * into the folder its actions/cache step keeps), else beside compiled sites, in node_modules/.cache/perfsite.
 * Without one that lasts, each build parses the site's 3 MB of JavaScript anew: 0.15–0.2 s of a one-run build.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PERFSITE_COMPILE_CACHE?.trim() || path.join(dependenciesDir(), '.cache', 'perfsite', 'v8');
}

/** The compiled site for perfsite's code as it is: shipped, compiled earlier, or compiled now (`compiling` is said first). */
export async function compiledSite(compiling: () => void): Promise<CompiledSite> {
  // Installed, perfsite ships its site compiled from the sources it ships (its stamp is their key): hashing
  // them again was 60 ms of every build.
  const shipped = existsSync(path.join(PERFSITE_ROOT, '.git')) ? undefined : await stampOf(SHIPPED_DIR);
  if (shipped) return siteIn(SHIPPED_DIR, shipped);
  const sources = await sourcesKey();
  if ((await stampOf(SHIPPED_DIR)) === sources) return siteIn(SHIPPED_DIR, sources);
  const key = await localKey(sources);
  const cache = path.join(dependenciesDir(), '.cache', 'perfsite');
  const name = `site-${key.slice(0, 16)}`;
  const dir = path.join(cache, name);
  if ((await stampOf(dir)) === key) return siteIn(dir, key);
  compiling();
  const site = await compileSiteInto(dir, key);
  // Sites compiled from older sources are never used again; each holds the browser's DuckDB (35 MB).
  const older = (await readdir(cache)).filter((entry) => entry.startsWith('site-') && entry !== name && !entry.endsWith('.tmp'));
  await Promise.all(older.map((entry) => rm(path.join(cache, entry), { recursive: true, force: true })));
  return site;
}
