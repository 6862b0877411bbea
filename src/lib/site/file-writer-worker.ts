/**
 * The worker thread of FileWriter (file-writer.ts): writes the files it is sent, a batch at a time, and
 * says when each batch is on disk or which file failed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { WriterReply, WriterRequest } from './file-writer.ts';

if (!parentPort) throw new Error('file-writer-worker.ts runs as a worker thread of file-writer.ts, not on its own.');
const port = parentPort;

async function writeOne(file: string, content: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  } catch (error) {
    throw new Error(`could not write ${file}: ${(error as Error).message}`);
  }
}

port.on('message', ({ batch, files }: WriterRequest) => {
  Promise.all(files.map(([file, content]) => writeOne(file, content))).then(
    () => port.postMessage({ batch } satisfies WriterReply),
    (error: Error) => port.postMessage({ batch, error: error.message } satisfies WriterReply),
  );
});
