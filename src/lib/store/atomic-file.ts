/**
 * Files under data/ appear whole or not at all: contents go to a temporary file in data/.tmp/
 * (same file system, never matched by a reader's glob), are flushed, then linked or renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

export function temporaryPath(tmpDir: string, finalPath: string): string {
  return path.join(tmpDir, `${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function flushToDisk(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves a finished temporary file into place. With `exclusive`, an existing file is never replaced
 * (hard link, which fails when the target exists) and the error says so.
 */
export async function publishFile(tmp: string, finalPath: string, options: { exclusive: boolean }): Promise<void> {
  await flushToDisk(tmp);
  await mkdir(path.dirname(finalPath), { recursive: true });
  if (!options.exclusive) {
    await rename(tmp, finalPath);
    return;
  }
  try {
    await link(tmp, finalPath);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

export async function writeFileAtomic(tmpDir: string, finalPath: string, contents: string, options: { exclusive: boolean }): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  const tmp = temporaryPath(tmpDir, finalPath);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(contents);
  } finally {
    await handle.close();
  }
  await publishFile(tmp, finalPath, options);
}
