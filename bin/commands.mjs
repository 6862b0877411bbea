import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * perfsite's commands and the source file each runs. bin/perfsite.mjs dispatches on it, and a packed
 * perfsite bundles each source into compiled/commands/ (src/packaging/bundle-commands.ts).
 */
export const COMMANDS = {
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
  bisect: 'scripts/bisect.ts',
  backfill: 'scripts/backfill.ts',
  build: 'scripts/build.ts',
  dev: 'scripts/dev.ts',
  preview: 'scripts/preview.ts',
  compact: 'scripts/compact.ts',
  github: 'scripts/github.ts',
  action: 'scripts/action.ts',
};

/** What a project's suites import as `perfsite/suite` (package.json's exports), bundled beside the commands. */
export const SUITE_API = 'bench/suite.ts';

/** Where a packed perfsite keeps its bundled commands, relative to its folder. */
export const BUNDLED_DIR = 'compiled/commands';

/** The bundled file of a source (`scripts/check.ts` → `compiled/commands/check.mjs`). */
export function bundledFile(source) {
  return `${BUNDLED_DIR}/${path.basename(source, '.ts')}.mjs`;
}

/**
 * The file that runs `source` in perfsite's folder `root`: its source in a checkout (a .git folder), where
 * bundles that `npm pack` left may be older than the sources; its bundle anywhere else, since an installed
 * perfsite has its commands' sources but not the packages they import.
 */
export function commandFile(root, source) {
  if (existsSync(path.join(root, '.git'))) return path.join(root, source);
  const bundled = path.join(root, bundledFile(source));
  if (existsSync(bundled)) return bundled;
  throw new Error(
    `perfsite's commands are not compiled in ${root} (${BUNDLED_DIR} is missing), as they are when npm packs or installs it from git: ` +
      'reinstall it without --ignore-scripts, or from a packed perfsite (npm pack)',
  );
}

/** perfsite's folder, from any folder inside it: its sources' or its bundles'. */
export function perfsiteRootAbove(dir) {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'bin', 'commands.mjs'))) return at;
    if (path.dirname(at) === at) throw new Error(`perfsite's files are not above ${dir}: reinstall perfsite`);
  }
}
