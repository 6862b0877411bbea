/**
 * npm's prepare script. npm runs it when it packs perfsite (`npm pack`, `npm publish`) and when it installs
 * perfsite from git (`npm install OWNER/perfsite#COMMIT`): both get the site compiled and the commands
 * bundled into compiled/ (scripts/compile-site.ts), which an installed perfsite runs from. npm also runs it
 * after `npm install` or `npm ci` in this repository, which runs its commands from their sources: there it
 * does nothing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const packing = process.env.npm_command === 'pack' || process.env.npm_command === 'publish';
// npm prepares a git dependency in a clone of its own, while INIT_CWD stays the installing project's folder.
const installedFromGit = process.env.INIT_CWD !== undefined && path.resolve(process.env.INIT_CWD) !== process.cwd();
if (packing || installedFromGit) {
  const compiled = spawnSync(process.execPath, [path.join(import.meta.dirname, 'compile-site.ts')], { stdio: 'inherit' });
  process.exit(compiled.status ?? 1);
}
