/**
 * The site is compiled once for every base a build may give it (`/`, a GitHub project's `/<repo>/`): compiled
 * under this placeholder, and each rendered file has it replaced by the build's own base.
 */
export const COMPILED_BASE = '/__perfsite_base__/';

/** The base a build's pages link under: PERFSITE_BASE, with a slash at each end. */
export function renderBase(given: string | undefined): string {
  const trimmed = (given ?? '').trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/** A compiled file's text with the placeholder replaced by `base`. */
export function withBase(text: string, base: string): string {
  return text.includes(COMPILED_BASE) ? text.replaceAll(COMPILED_BASE, base) : text;
}
