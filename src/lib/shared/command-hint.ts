/**
 * A perfsite command as the person reading a message can type it: `npm run import -- --help` in perfsite's
 * own repository, `npx perfsite import --help` in a project that installed it (bin/perfsite.mjs sets
 * PERFSITE_PROGRAM), where `npm run import` is no script. Every hint in a message is worded here.
 * Runs in the browser too, where there is no process and the repository's wording stands.
 */
export function commandHint(name: string, args = ''): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env?.PERFSITE_PROGRAM === 'perfsite') return `npx perfsite ${name}${args ? ` ${args}` : ''}`;
  return `npm run ${name}${args ? ` -- ${args}` : ''}`;
}
