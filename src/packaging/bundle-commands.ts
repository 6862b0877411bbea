/**
 * A packed perfsite's commands, each bundled with the npm packages it uses into compiled/commands/, so that
 * installing perfsite (or running its action) installs DuckDB's native binding and nothing else: no site
 * toolchain, no statistics or GitHub libraries, each a file tree of its own. Modules shared by commands go
 * into shared chunks, so a project's suites import the same `perfsite/suite` module that `bench` runs them with.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { rolldown } from 'rolldown';
import { BUNDLED_DIR, bundledFile, COMMANDS, SUITE_API } from '../../bin/commands.mjs';
import { PERFSITE_ROOT } from '../render/astro-root.ts';

/** Loaded from the project's node_modules at run time: a native binding cannot be bundled. */
const RUNTIME_PACKAGES = /^@duckdb\/node-(api|bindings)/;

export async function bundleCommands(): Promise<string> {
  const outDir = path.join(PERFSITE_ROOT, BUNDLED_DIR);
  await rm(outDir, { recursive: true, force: true });
  const sources = [...new Set([...Object.values(COMMANDS), SUITE_API])];
  // Each entry named as bin/commands.mjs will look for it.
  const input = Object.fromEntries(sources.map((source) => [path.basename(bundledFile(source), '.mjs'), path.join(PERFSITE_ROOT, source)]));
  const bundle = await rolldown({
    input,
    platform: 'node',
    cwd: PERFSITE_ROOT,
    tsconfig: path.join(PERFSITE_ROOT, 'tsconfig.json'),
    external: (id) => RUNTIME_PACKAGES.test(id) || id.startsWith('node:'),
    logLevel: 'warn',
  });
  try {
    await bundle.write({ dir: outDir, format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: 'shared-[hash].mjs' });
  } finally {
    await bundle.close();
  }
  return outDir;
}
