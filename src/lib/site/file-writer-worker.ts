/**
 * The worker thread of FileWriter (file-writer.ts): writes the files it is sent, a batch at a time, and
 * says when each batch is on disk or which file failed. One file after another, synchronously: this thread
 * does nothing else, and 100,000 folders and files made from libuv's four threads at once cost the kernel
 * 1.4–2 times the CPU for no less time, as they contend for one directory (`npm run bench:file-creation`,
 * BENCHMARKS.md), CPU the page rendering needs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { WriterReply, WriterRequest } from './file-writer.ts';

if (!parentPort) throw new Error('file-writer-worker.ts runs as a worker thread of file-writer.ts, not on its own.');
const port = parentPort;

function writeOne(file: string, content: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  } catch (error) {
    throw new Error(`could not write ${file}: ${(error as Error).message}`);
  }
}

port.on('message', ({ batch, files }: WriterRequest) => {
  try {
    for (const [file, content] of files) writeOne(file, content);
    port.postMessage({ batch } satisfies WriterReply);
  } catch (error) {
    port.postMessage({ batch, error: (error as Error).message } satisfies WriterReply);
  }
});
