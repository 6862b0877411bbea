/**
 * How perfsite runs Astro (`astro dev`, and compiling the site): its pages are perfsite's (astro.config.mjs
 * points srcDir and publicDir at them), but Astro writes into its root (.astro/, Vite's cache). Installed
 * as a package, that root is a folder under the system's temporary folder, never perfsite's own, which may
 * be read-only (a pnpm store, Nix, a cached node_modules).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { perfsiteRootAbove } from '../../bin/commands.mjs';

/** perfsite's own folder. */
export const PERFSITE_ROOT = perfsiteRootAbove(import.meta.dirname);

/** Installed as a package: inside a node_modules folder. */
export function isInstalled(): boolean {
  return path.basename(path.dirname(PERFSITE_ROOT)) === 'node_modules';
}

/** The node_modules folder perfsite's dependencies were installed in. */
export function dependenciesDir(): string {
  return isInstalled() ? path.dirname(PERFSITE_ROOT) : path.join(PERFSITE_ROOT, 'node_modules');
}

/** Astro's command, where Node would resolve the package from perfsite's folder (npm may hoist it above). */
export function astroBin(): string {
  for (let dir = PERFSITE_ROOT; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', 'astro', 'bin', 'astro.mjs');
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) throw new Error(`astro is not installed beside perfsite (${PERFSITE_ROOT}): reinstall perfsite`);
  }
}

/**
 * Astro compiles import.meta.env.BASE_URL and its kin from variables of these names when they are set (a CI
 * job's own BASE_URL, a test runner's), over the config's base.
 */
const VITE_ENV_NAMES = ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'SITE', 'ASSETS_PREFIX'];

function linkTarget(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

/**
 * The arguments that run Astro's `command` on perfsite's config, and the environment to run it in (this
 * process's, less what Astro would take for its own). `key` names whose root it is (a project's folder), so
 * that two projects never share one.
 */
export function astroCommand(command: 'dev' | 'build', key: string, args: readonly string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
  const config = path.join(PERFSITE_ROOT, 'astro.config.mjs');
  const run = [`--env-file=${path.join(PERFSITE_ROOT, 'scripts', 'build.env')}`, astroBin(), command];
  const env = { ...process.env };
  for (const name of VITE_ENV_NAMES) delete env[name];
  if (!isInstalled()) return { argv: [...run, '--root', PERFSITE_ROOT, ...args], env };
  const astroRoot = path.join(tmpdir(), `perfsite-astro-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`);
  mkdirSync(astroRoot, { recursive: true });
  // Vite resolves external packages (DuckDB's native binding) from its root: the root sees the node_modules
  // perfsite's dependencies were installed in. Astro's cache is moved out of it (the config reads
  // PERFSITE_ASTRO_ROOT), so nothing is written there.
  const link = path.join(astroRoot, 'node_modules');
  // Kept when it already points there: a dev server and a compile may start together.
  if (linkTarget(link) !== dependenciesDir()) {
    rmSync(link, { force: true });
    // A junction on Windows, which needs no administrator; elsewhere the type is ignored.
    symlinkSync(dependenciesDir(), link, 'junction');
  }
  return {
    // Astro joins the config's path to the root.
    argv: [...run, '--root', astroRoot, '--config', path.relative(astroRoot, config), ...args],
    env: { ...env, PERFSITE_ASTRO_ROOT: astroRoot },
  };
}
