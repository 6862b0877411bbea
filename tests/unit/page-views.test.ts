/**
 * A page of a viewed route is kept from the last build when its view's key is the same (kept-pages.ts): that
 * is sound only if the view is all the page reads of the history, and if two different views never print as
 * one key.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE_VIEWS, viewText } from '../../src/lib/site/page-views.ts';
import { PROJECT_ROOT } from '../helpers.ts';

/** Every value-level relative import of a module: its own code, its components' and their modules'. */
async function reachable(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  const code = file.endsWith('.astro') ? (text.split(/^---$/m)[1] ?? '') : text;
  for (const match of code.matchAll(/^import\s+(?!type\s)[^'"]*?['"](\.[^'"]+)['"]/gm)) {
    const target = path.resolve(path.dirname(file), match[1] as string);
    if (/\.(ts|astro)$/.test(target)) await reachable(target, seen);
  }
  return seen;
}

describe('page views', () => {
  it('are all a viewed page reads of the history: nothing it runs loads the site model', async () => {
    const routes = Object.keys(PAGE_VIEWS);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const page = path.join(PROJECT_ROOT, 'src', 'pages', `${route}.astro`);
      const modules = await reachable(page);
      const loading: string[] = [];
      for (const module of modules) {
        if (/\bloadSiteModel\s*\(|\bAstro\.params\b/.test(await readFile(module, 'utf8')))
          loading.push(path.relative(PROJECT_ROOT, module));
      }
      expect(loading, `${route}: reads the history besides its view`).toEqual([]);
    }
  });

  it('print two different views as two different texts', () => {
    const distinct = [
      { a: null },
      { a: Number.NaN },
      { a: Number.POSITIVE_INFINITY },
      { a: 0 },
      { a: -0 },
      { a: undefined },
      {},
      { a: [undefined] },
      { a: [null] },
    ];
    const texts = distinct.map((view) => viewText(view));
    expect(new Set(texts).size).toBe(distinct.length);
  });

  it('refuse what would print as less than it holds', () => {
    expect(() => viewText({ series: new Map([['a', 1]]) })).toThrow(/Map at "series": views are plain data/);
    expect(() => viewText({ when: new Date(0) })).toThrow(/Date/);
    expect(() => viewText({ format: () => 'x' })).toThrow(/function/);
    expect(viewText({ nested: [{ a: 1, b: 'two' }] })).toBe(JSON.stringify({ nested: [{ a: 1, b: 'two' }] }));
  });
});
