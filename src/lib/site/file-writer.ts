/**
 * Writes many small files from a worker thread (a few, from this one). At 100,000 run pages the build's main thread, which also
 * renders every page, spent about 6 s creating 200,000 folders and files through promises and then
 * collecting their garbage; the worker does that beside it, on the machine's other core.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The worker thread: writes the files it is sent, a batch at a time, and says when each batch is on disk or
 * which file failed. One file after another, synchronously: this thread does nothing else, and 100,000
 * folders and files made from libuv's four threads at once cost the kernel 1.4–2 times the CPU for no less
 * time, as they contend for one directory (`npm run bench:file-creation`, BENCHMARKS.md), CPU the page
 * rendering needs. It is started from its source text, as the compiled site has no file of it to start,
 * so it takes what it needs from Node itself.
 */
function writerThread(): void {
  const { mkdirSync, writeFileSync } = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  const port = process.getBuiltinModule('node:worker_threads').parentPort;
  if (!port) throw new Error('the file writer runs as a worker thread');
  const writeOne = (file: string, content: string): void => {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    } catch (error) {
      throw new Error(`could not write ${file}: ${(error as Error).message}`);
    }
  };
  port.on('message', ({ batch, files }: WriterRequest) => {
    try {
      for (const [file, content] of files) writeOne(file, content);
      port.postMessage({ batch } satisfies WriterReply);
    } catch (error) {
      port.postMessage({ batch, error: (error as Error).message } satisfies WriterReply);
    }
  });
}

export interface WriterRequest {
  batch: number;
  files: Array<[file: string, content: string]>;
}

export interface WriterReply {
  batch: number;
  error?: string;
}

const BATCH_FILES = 64;
/** A batch is sent sooner when its pages are large (a run of thousands of metrics), in characters. */
const BATCH_CHARACTERS = 2 ** 22;
/** Batches sent and not yet written: enough to keep the disk busy, few enough to bound the pages held in memory. */
const BATCHES_IN_FLIGHT = 4;

/**
 * Files written here, on this thread, when fewer than a batch were ever queued (a small history's few pages):
 * the thread is only started for a first full batch, as starting it costs more than writing a few files.
 */
async function writeHere(files: WriterRequest['files']): Promise<void> {
  for (const [file, content] of files) {
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    } catch (error) {
      throw new Error(`could not write ${file}: ${(error as Error).message}`);
    }
  }
}

export class FileWriter {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, PromiseWithResolvers<void>>();
  #files: WriterRequest['files'] = [];
  #characters = 0;
  #batches = 0;
  #failure: Error | undefined;

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(`(${writerThread.toString()})()`, { eval: true });
    worker.on('message', ({ batch, error }: WriterReply) => {
      const waiting = this.#waiting.get(batch);
      this.#waiting.delete(batch);
      if (error !== undefined) this.#fail(new Error(error));
      else waiting?.resolve();
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`the file writer's worker thread stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  /** Queues a file (its folder is made as needed); resolves once the writer can take more. */
  async write(file: string, content: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#files.push([file, content]);
    this.#characters += content.length;
    if (this.#files.length < BATCH_FILES && this.#characters < BATCH_CHARACTERS) return;
    this.#send();
    while (this.#waiting.size > BATCHES_IN_FLIGHT) await Promise.race([...this.#waiting.values()].map((waiting) => waiting.promise));
  }

  /** Writes what is queued, waits for every file to be on disk, and stops the worker. */
  async close(): Promise<void> {
    try {
      if (!this.#worker) {
        await writeHere(this.#files);
        this.#files = [];
        return;
      }
      if (this.#files.length > 0) this.#send();
      await Promise.all([...this.#waiting.values()].map((waiting) => waiting.promise));
      if (this.#failure) throw this.#failure;
    } finally {
      await this.stop();
    }
  }

  /** Stops the worker, written or not: for a build that has already failed. */
  async stop(): Promise<void> {
    this.#worker?.removeAllListeners('exit');
    await this.#worker?.terminate();
  }

  #send(): void {
    const batch = this.#batches++;
    const waiting = Promise.withResolvers<void>();
    // Awaited in write or close: a failure surfaces there, not as an unhandled rejection.
    waiting.promise.catch(() => {});
    this.#waiting.set(batch, waiting);
    this.#thread().postMessage({ batch, files: this.#files } satisfies WriterRequest);
    this.#files = [];
    this.#characters = 0;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(this.#failure);
    this.#waiting.clear();
  }
}
