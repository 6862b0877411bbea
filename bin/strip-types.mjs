/**
 * Loaded with `--import` into every process the perfsite command starts: Node runs TypeScript by stripping
 * its types, but refuses to under node_modules, which is where an installed perfsite lives. This strips the
 * types of perfsite's own files itself (module.stripTypeScriptTypes), so the package ships its sources as
 * they are, without a build step.
 */
import { readFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = pathToFileURL(`${path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')}${path.sep}`).href;
const OWN_DEPENDENCIES = `${ROOT}node_modules/`;

registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith(ROOT) && !url.startsWith(OWN_DEPENDENCIES) && url.endsWith('.ts')) {
      return { format: 'module', source: stripTypeScriptTypes(readFileSync(fileURLToPath(url), 'utf8')), shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});
