/**
 * Pages a build takes from the last build into the same output folder instead of rendering them again
 * (issue #31): a page of a viewed route (page-views.ts) is keyed by its view, its address and what every page
 * depends on besides (the compiled site's key, the base, the repository commits link to). The last build's
 * keys are kept in the build cache, one file per output folder, with the SHA-256 of each page as written; a page
 * is kept only when its key is the same and the file the last build left has those bytes. So nothing reaches
 * the site that this output folder did not already hold, whoever wrote the cache, and a kept page is the
 * page a cold build renders (tests/e2e/site-build.test.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { temporaryPath } from '../store/atomic-file.ts';
import { viewText } from './page-views.ts';

/** Where the last build's files wait, inside the output folder, until this build has taken its pages from them. */
export const PREVIOUS_PAGES = '.perfsite-previous-pages';

const KeysFile = z.object({
  pages: z.record(z.string(), z.object({ key: z.string(), sha256: z.string() })),
});
type Keys = z.infer<typeof KeysFile>['pages'];

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Where a page of `address` is written under `dir`: a folder's index.html for a page, else the file it names. */
export function pageFile(dir: string, address: string): string {
  return path.join(dir, ...address.split('/'), ...(address === '' || address.endsWith('/') ? ['index.html'] : []));
}

export interface KeptPagesUse {
  kept: number;
  rendered: number;
}

export class KeptPages {
  readonly #keysFile: string | null;
  readonly #previous: Keys;
  readonly #written: Keys = {};
  readonly #previousDir: string;
  readonly #everyPage: string;
  readonly #use: KeptPagesUse = { kept: 0, rendered: 0 };

  private constructor(keysFile: string | null, previous: Keys, previousDir: string, everyPage: string) {
    this.#keysFile = keysFile;
    this.#previous = previous;
    this.#previousDir = previousDir;
    this.#everyPage = everyPage;
  }

  /**
   * The pages the last build wrote into `outDir` and keyed in `cacheDir` (null: none are kept). `everyPage`:
   * what every page depends on besides its view.
   */
  static async open(cacheDir: string | null, outDir: string, everyPage: ReadonlyArray<string>): Promise<KeptPages> {
    const previousDir = path.join(outDir, PREVIOUS_PAGES);
    const everyPageText = JSON.stringify(everyPage);
    if (!cacheDir) return new KeptPages(null, {}, previousDir, everyPageText);
    const keysFile = path.join(cacheDir, 'pages', `${sha256(path.resolve(outDir)).slice(0, 32)}.json`);
    const text = await readFile(keysFile, 'utf8').catch(() => undefined);
    let previous: Keys = {};
    if (text !== undefined) {
      // A file this version cannot read only costs its pages a rendering.
      const parsed = KeysFile.safeParse(parsedJson(text));
      if (parsed.success) previous = parsed.data.pages;
    }
    return new KeptPages(keysFile, previous, previousDir, everyPageText);
  }

  /** A page's key: its address, its view and what every page depends on; none when no page is kept. */
  key(address: string, view: unknown): string | undefined {
    if (!this.#keysFile) return undefined;
    return sha256(`${this.#everyPage}\u0000${address}\u0000${viewText(view)}`);
  }

  /** The page the last build wrote for `address`, when it had this key and its file is as written; else undefined. */
  async kept(address: string, key: string): Promise<string | undefined> {
    const previous = this.#previous[address];
    if (previous?.key !== key) return undefined;
    const text = await readFile(pageFile(this.#previousDir, address), 'utf8').catch(() => undefined);
    if (text === undefined || sha256(text) !== previous.sha256) return undefined;
    this.#use.kept++;
    this.#written[address] = previous;
    return text;
  }

  /** A page rendered by this build, with its key: the next build may keep it. */
  rendered(address: string, key: string, text: string): void {
    this.#use.rendered++;
    this.#written[address] = { key, sha256: sha256(text) };
  }

  /** Every page is written: keeps their keys for the next build and removes what was left of the last one. */
  async close(): Promise<KeptPagesUse> {
    if (this.#keysFile) {
      const tmpDir = path.join(path.dirname(this.#keysFile), '.tmp');
      await mkdir(tmpDir, { recursive: true });
      const tmp = temporaryPath(tmpDir, this.#keysFile);
      await writeFile(tmp, JSON.stringify({ pages: this.#written } satisfies z.infer<typeof KeysFile>));
      await rename(tmp, this.#keysFile);
    }
    await rm(this.#previousDir, { recursive: true, force: true });
    return { ...this.#use };
  }
}
