/**
 * What a site build can take from the last one instead of making it again: each entry is the output of a
 * pure function of the history (a chart drawn from its series and options), filed under the SHA-256 of
 * that input and of the compiled site's key (its sources and dependencies, src/render/compile-site.ts). So a warm cache gives the site a cold
 * build gives, byte for byte (tests/e2e/site-build.test.ts), and a changed perfsite never reuses what an older
 * one made; an entry is used only when its content passes the caller's check. Entries a build did not use are removed at its end: the folder holds one site's worth, and
 * deleting it loses nothing. It lives in data/.cache/build (PERFSITE_BUILD_CACHE moves it, `off` turns it
 * off), where the nightly workflow's actions/cache step keeps it between runs.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { temporaryPath } from '../store/atomic-file.ts';
import { dataLayout } from '../store/paths.ts';

export function buildCacheDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.PERFSITE_BUILD_CACHE?.trim();
  if (given === 'off') return null;
  return given ? path.resolve(given) : path.join(dataLayout(dataDir).cacheDir, 'build');
}

export interface BuildCacheUse {
  reused: number;
  made: number;
}

export class BuildCache {
  private readonly used = new Set<string>();
  private readonly counts: BuildCacheUse = { reused: 0, made: 0 };
  private readonly dir: string | null;
  private readonly kind: string;
  private readonly version: string;

  private constructor(dir: string | null, kind: string, version: string) {
    this.dir = dir;
    this.kind = kind;
    this.version = version;
  }

  /**
   * The cache of one kind of output (a folder name: `charts`) under `dir`, for the code whose key is
   * `codeVersion`; none when `dir` is null.
   */
  static open(dir: string | null, kind: string, codeVersion: string): BuildCache {
    return new BuildCache(dir, kind, codeVersion);
  }

  /**
   * What `make` returns for `input` (every part of it, in order): from the cache when an earlier build
   * made it and `accept` takes what is kept there, else made and kept. An entry is checked, not trusted:
   * anyone who can write the cache folder can file anything under a key they can compute.
   */
  async reuse(
    input: ReadonlyArray<string | NodeJS.ArrayBufferView>,
    make: () => string | Promise<string>,
    accept: (kept: string) => boolean,
  ): Promise<string> {
    if (!this.dir) {
      this.counts.made++;
      return make();
    }
    const hash = createHash('sha256').update(this.version);
    for (const part of input) hash.update('\u0000').update(part);
    const key = hash.digest('hex');
    this.used.add(key);
    const file = path.join(this.dir, this.kind, key);
    const kept = await readFile(file, 'utf8').catch(() => undefined);
    if (kept !== undefined && accept(kept)) {
      this.counts.reused++;
      return kept;
    }
    const made = await make();
    this.counts.made++;
    // Written whole and then renamed: a build that dies midway leaves no half entry for the next to reuse.
    const tmpDir = path.join(this.dir, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = temporaryPath(tmpDir, file);
    await writeFile(tmp, made);
    await rename(tmp, file);
    return made;
  }

  /** Removes the entries this build did not use, and says how many it reused and made. */
  async close(): Promise<BuildCacheUse> {
    if (this.dir) {
      const folder = path.join(this.dir, this.kind);
      const entries: string[] = await readdir(folder).catch((): string[] => []);
      await Promise.all(entries.filter((name) => !this.used.has(name)).map((name) => rm(path.join(folder, name), { force: true })));
    }
    return { ...this.counts };
  }
}
