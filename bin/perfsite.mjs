#!/usr/bin/env node
/**
 * perfsite COMMAND [options]: the commands of `npm run …`, for any repository. Run from a project's folder, a
 * command reads that project's perfsite.config.json, data/ and bench/, and writes its site to dist/; perfsite's
 * own pages and dependencies stay where it is installed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPTS = {
  init: 'scripts/init.ts',
  bench: 'bench/run.ts',
  import: 'scripts/import.ts',
  record: 'scripts/record.ts',
  check: 'scripts/check.ts',
  report: 'scripts/report.ts',
  compare: 'scripts/compare.ts',
  baselines: 'scripts/baselines.ts',
  regressions: 'scripts/regressions.ts',
  export: 'scripts/export.ts',
  validate: 'scripts/validate.ts',
  history: 'scripts/history.ts',
  triage: 'scripts/triage.ts',
};
const SITE = { build: 'build', dev: 'dev', preview: 'preview' };

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `perfsite needs Node 22.18 or newer (this is ${process.version}): actions/setup-node with node-version 24, or nvm install 24.\n`,
  );
  process.exit(2);
}

/** Astro's command, where Node would resolve the package from perfsite's folder (npm may hoist it above). */
function astroBin() {
  for (let dir = ROOT; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', 'astro', 'bin', 'astro.mjs');
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) throw new Error(`astro is not installed beside perfsite (${ROOT}): reinstall perfsite`);
  }
}

/** Where a link points, or undefined when there is none. */
function linkTarget(file) {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

const [command, ...args] = process.argv.slice(2);
const usage = `Usage: perfsite COMMAND [options]   (perfsite COMMAND --help for a command's options)\n\nCommands: ${[...Object.keys(SCRIPTS), ...Object.keys(SITE)].join(', ')}\n`;
if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write(usage);
  process.exit(command === undefined ? 2 : 0);
}

const project = process.cwd();
const env = {
  ...process.env,
  // Every process perfsite starts (Astro, the action's steps) runs perfsite's TypeScript the same way.
  NODE_OPTIONS: [
    process.env.NODE_OPTIONS ?? '',
    `--import=${path.join(ROOT, 'bin', 'strip-types.mjs')}`,
    '--disable-warning=ExperimentalWarning',
  ]
    .join(' ')
    .trim(),
  ...(process.env.PERFORMANCE_DB_PATH ? { PERFORMANCE_DB_PATH: path.resolve(project, process.env.PERFORMANCE_DB_PATH) } : {}),
  // A command's --help then shows `perfsite bench`, not `npm run bench`, which is not a script of this project.
  PERFSITE_PROGRAM: 'perfsite',
};

let argv;
if (Object.hasOwn(SCRIPTS, command)) {
  // The project's own suites (bench/*.suite.ts), never perfsite's demo suites.
  const suites = command === 'bench' && !args.includes('--dir') ? ['--dir', path.join(project, 'bench')] : [];
  argv = [path.join(ROOT, SCRIPTS[command]), ...suites, ...args];
} else if (Object.hasOwn(SITE, command)) {
  // Astro's pages are perfsite's (its config points srcDir and publicDir at them), but Astro writes into its
  // root (.astro/, Vite's cache): that root is a folder of this project's own under the system's temporary
  // folder, never perfsite's, which may be read-only (a pnpm store, Nix, a cached node_modules). The site
  // goes to the project's dist/.
  const astroRoot = path.join(tmpdir(), `perfsite-astro-${createHash('sha256').update(project).digest('hex').slice(0, 16)}`);
  mkdirSync(astroRoot, { recursive: true });
  // Vite resolves the server build's external packages (DuckDB's native binding) from its root: the root sees
  // the node_modules perfsite's dependencies were installed in. Astro's cache is moved out of it (the config
  // reads PERFSITE_ASTRO_ROOT), so nothing is written there.
  const dependencies = path.basename(path.dirname(ROOT)) === 'node_modules' ? path.dirname(ROOT) : path.join(ROOT, 'node_modules');
  const link = path.join(astroRoot, 'node_modules');
  // Kept when it already points there: a dev server and a build of the same project may start together.
  if (linkTarget(link) !== dependencies) {
    rmSync(link, { force: true });
    // A junction on Windows, which needs no administrator; elsewhere the type is ignored.
    symlinkSync(dependencies, link, 'junction');
  }
  env.PERFSITE_ASTRO_ROOT = astroRoot;
  const outDir = command !== 'dev' && !args.includes('--outDir') ? ['--outDir', path.join(project, 'dist')] : [];
  argv = [
    `--env-file=${path.join(ROOT, 'scripts', 'build.env')}`,
    astroBin(),
    SITE[command],
    '--root',
    astroRoot,
    '--config', // Astro joins it to the root
    path.relative(astroRoot, path.join(ROOT, 'astro.config.mjs')),
    ...outDir,
    ...args,
  ];
} else {
  process.stderr.write(`perfsite: no command ${JSON.stringify(command)}.\n${usage}`);
  process.exit(2);
}

const child = spawn(process.execPath, argv, { cwd: project, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
