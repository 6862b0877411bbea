/**
 * Whether an SVG is what the build draws for a chart, and nothing more: the elements and attributes Observable
 * Plot writes, no script, no event handler, no link, no style that reaches outside the file. The build cache
 * checks an entry with it before use, since a restored cache is only as trustworthy as the job that saved it
 * (actions/cache's restore-keys take an entry a pull request's job may have written).
 */

const ELEMENTS = new Set(['svg', 'g', 'path', 'line', 'rect', 'circle', 'text', 'tspan', 'style', 'title', 'desc', 'defs', 'clippath']);

/**
 * An attribute as HTML reads one: its name after a space or a slash (`<svg/onload=…>`), then its value, quoted
 * or not, taken whole. Each match consumes its value, so a long path's data is read once, not once per offset.
 */
const ATTRIBUTE = /(?:^|[\s/])([^\s/="'>]+)\s*(?:=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?/g;

/** What no part of a chart's text, CSS included, may hold. */
const FORBIDDEN = /<!|<\?|javascript:|url\s*\(|@import|expression\s*\(|&#|\\[0-9a-f]/i;

export function isPlainChartSvg(svg: string): boolean {
  if (FORBIDDEN.test(svg)) return false;
  for (const tag of svg.matchAll(/<\/?\s*([^\s/>]+)([^>]*)>/g)) {
    const name = (tag[1] ?? '').toLowerCase();
    if (!ELEMENTS.has(name)) return false;
    for (const attribute of (tag[2] ?? '').matchAll(ATTRIBUTE)) {
      const attributeName = (attribute[1] ?? '').toLowerCase();
      if (attributeName.startsWith('on') || attributeName.includes('href')) return false;
    }
  }
  return true;
}
