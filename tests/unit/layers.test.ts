/**
 * The code's flow, kept by a test over the imports: src/lib is grouped as the data moves (store, importers →
 * analysis → reports, site, github: bisect imports the tool's output of each run it makes), and no folder
 * imports one downstream of it. Code that
 * also runs in the browser (src/lib/shared, src/scripts) imports no Node module and no value from outside
 * shared: it may name the types of what it draws.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers.ts';

const LIB = path.join(PROJECT_ROOT, 'src', 'lib');
/** What each folder may import; cli.ts, which every command shares, may import them all. */
const ALLOWED: Record<string, readonly string[]> = {
  shared: ['shared'],
  store: ['shared', 'store'],
  importers: ['shared', 'store', 'importers'],
  analysis: ['shared', 'store', 'importers', 'analysis'],
  reports: ['shared', 'store', 'importers', 'analysis', 'reports'],
  site: ['shared', 'store', 'importers', 'analysis', 'reports', 'site'],
  github: ['shared', 'store', 'importers', 'analysis', 'reports', 'github'],
};
const BROWSER_FORBIDDEN = /^(node:|@duckdb\/node-api$|simple-git$|zx$|systeminformation$)/;

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

async function importsOf(dir: string): Promise<Import[]> {
  const files = (await readdir(dir, { recursive: true })).filter((name) => name.endsWith('.ts'));
  const found: Import[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(
      /^(?:import|export)(\s+type)?[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
    )) {
      found.push({ file, specifier: (match[2] ?? match[3] ?? match[4]) as string, typeOnly: Boolean(match[1]) });
    }
  }
  return found;
}

/** The src/lib folder an import lands in, or null for a package or a file elsewhere. */
function layerOf(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const relative = path.relative(LIB, path.resolve(path.dirname(from), specifier));
  if (relative.startsWith('..')) return null;
  return relative.includes(path.sep) ? (relative.split(path.sep)[0] as string) : 'root';
}

/** Every src/lib file and the src/lib files it imports. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const { file, specifier } of await importsOf(LIB)) {
    const targets = graph.get(path.relative(LIB, file)) ?? [];
    graph.set(path.relative(LIB, file), targets);
    if (specifier.startsWith('.')) targets.push(path.relative(LIB, path.resolve(path.dirname(file), specifier)));
  }
  return graph;
}

/** The cycles of a graph, each once, from its first file in name order (a depth-first search). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, trail: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      const loop = trail.slice(trail.indexOf(node));
      const start = loop.indexOf([...loop].sort()[0] as string);
      const rotated = [...loop.slice(start), ...loop.slice(0, start)];
      cycles.set(rotated.join(' → '), [...rotated, rotated[0] as string]);
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) visit(node, []);
  return [...cycles.values()];
}

describe('the code map', () => {
  it('groups src/lib by the flow, each folder importing only what comes before it', async () => {
    const folders = (await readdir(LIB, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
    const wrong: string[] = [];
    for (const [folder, allowed] of Object.entries(ALLOWED)) {
      for (const { file, specifier } of await importsOf(path.join(LIB, folder))) {
        const target = layerOf(file, specifier);
        if (target === null || allowed.includes(target)) continue;
        wrong.push(`${path.relative(PROJECT_ROOT, file)} imports ${specifier} (${target})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps browser code free of Node modules and of values from outside shared', async () => {
    const wrong: string[] = [];
    for (const dir of [path.join(LIB, 'shared'), path.join(PROJECT_ROOT, 'src', 'scripts')]) {
      for (const { file, specifier, typeOnly } of await importsOf(dir)) {
        const target = layerOf(file, specifier);
        if (BROWSER_FORBIDDEN.test(specifier) || (target !== null && target !== 'shared' && !typeOnly))
          wrong.push(`${path.relative(PROJECT_ROOT, file)} imports ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no cycle of imports, inside a folder or across folders, type-only imports included', async () => {
    const graph = await importGraph();
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('would catch a cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('would catch a backward import', async () => {
    // It reads real imports, multi-line and type-only ones included.
    const analysis = await importsOf(path.join(LIB, 'analysis'));
    expect(analysis).toContainEqual(
      expect.objectContaining({ file: path.join(LIB, 'analysis', 'status.ts'), specifier: '../store/history.ts' }),
    );
    expect(analysis.filter((each) => each.typeOnly).length).toBeGreaterThan(0);
    expect(layerOf(path.join(LIB, 'analysis', 'status.ts'), '../site/site-model.ts')).toBe('site');
    expect(ALLOWED.analysis).not.toContain('site');
    expect(BROWSER_FORBIDDEN.test('node:fs')).toBe(true);
  });
});
