import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWriter } from '../../src/lib/site/file-writer.ts';

describe('FileWriter (run pages written by a worker thread)', () => {
  it('writes every file queued, in folders it makes, with the text unchanged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-writer-'));
    const writer = new FileWriter();
    // More than a batch's worth and more than the batches in flight, so that write must wait for the worker.
    const pages = Array.from({ length: 700 }, (_, index) => [`r${index}`, `<p>run ${index} · 10 µs — ✓ \u202e</p>`] as const);
    for (const [id, html] of pages) await writer.write(path.join(dir, 'runs', id, 'index.html'), html);
    await writer.close();
    expect((await readdir(path.join(dir, 'runs'))).length).toBe(700);
    for (const [id, html] of [pages[0], pages[699]].filter((page) => page !== undefined)) {
      expect(await readFile(path.join(dir, 'runs', id, 'index.html'), 'utf8')).toBe(html);
    }
  });

  it('fails with the file it could not write, and stops', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-writer-'));
    // A file where a folder should be: the page beneath it cannot be written.
    await writeFile(path.join(dir, 'runs'), 'not a folder');
    const writer = new FileWriter();
    const failing = path.join(dir, 'runs', 'r1', 'index.html');
    const failure = (async () => {
      for (let index = 0; index < 200; index++) await writer.write(failing, 'page');
      await writer.close();
    })();
    await expect(failure).rejects.toThrow(`could not write ${failing}`);
    await writer.stop();
  });

  it('writes fewer files than a batch, or fails naming the one it could not write, without a thread', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'perfsite-writer-'));
    const writer = new FileWriter();
    await writer.write(path.join(dir, 'index.html'), '<p>overview</p>');
    await writer.write(path.join(dir, 'about', 'index.html'), '<p>about \u202e</p>');
    await writer.close();
    expect(await readFile(path.join(dir, 'about', 'index.html'), 'utf8')).toBe('<p>about \u202e</p>');
    expect(await readFile(path.join(dir, 'index.html'), 'utf8')).toBe('<p>overview</p>');

    await writeFile(path.join(dir, 'runs'), 'not a folder');
    const failing = path.join(dir, 'runs', 'r1', 'index.html');
    const small = new FileWriter();
    await small.write(failing, 'page');
    await expect(small.close()).rejects.toThrow(`could not write ${failing}`);
  });
});
