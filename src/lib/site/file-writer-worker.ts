/**
 * The worker thread of FileWriter (file-writer.ts): writes the files it is sent, a batch at a time, and
 * says when each batch is on disk or which file failed. One file after another, synchronously: this thread
 * does nothing else, and creating 100,000 folders and files from libuv's four threads at once cost the kernel
 * twice the CPU for no less time (they contend for the same directory; 9 s against 4 s of system time on a
 * quiet ext4, 73–115 s against 30–63 s just after a site was deleted).
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
