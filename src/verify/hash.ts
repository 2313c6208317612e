import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashResult, Progress } from '../model/snapshot.js';
import { blocks, FileSource, type Source } from '../model/source.js';

/** Below this much data a worker costs more to start than it saves. */
const PARALLEL_THRESHOLD = 16 * 1024 * 1024;
const READ_BLOCK = 4 * 1024 * 1024;

// An eval'd worker needs no compiled file beside it, so it runs the same from dist/ and from tests.
const workerCode = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const buffer = Buffer.allocUnsafe(${READ_BLOCK});
parentPort.on('message', ({ index, path, size }) => {
  try {
    const hash = createHash('sha256');
    const fd = fs.openSync(typeof path === 'string' ? path : Buffer.from(path), 'r');
    try {
      for (let offset = 0; offset < size; ) {
        const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
        if (n === 0) break;
        hash.update(buffer.subarray(0, n));
        offset += n;
      }
    } finally { fs.closeSync(fd); }
    parentPort.postMessage({ index, digest: hash.digest('hex') });
  } catch (error) {
    parentPort.postMessage({ index, error: String(error && error.code || error) });
  }
});`;

/**
 * sha256 of many sources. File-backed sources are shared between the main thread and workers
 * (one per spare core), so a chunk store of 100 MiB hashes at several times sha256sum's speed.
 */
export async function sha256All(sources: readonly Source[], progress?: Progress): Promise<HashResult[]> {
  const results: HashResult[] = new Array(sources.length);
  const total = sources.reduce((sum, source) => sum + source.size, 0);
  let done = 0;
  const finish = (index: number, result: HashResult): void => {
    results[index] = result;
    done += sources[index]?.size ?? 0;
    progress?.(done, total);
  };
  const fileQueue = sources.flatMap((source, index) => (source instanceof FileSource ? [index] : []));
  const mainOnly = sources.flatMap((source, index) => (source instanceof FileSource ? [] : [index]));
  const spareCores = Math.min(availableParallelism() - 1, 3, fileQueue.length - 1);
  const workerCount = total >= PARALLEL_THRESHOLD ? Math.max(0, spareCores) : 0;
  const workers = Array.from({ length: workerCount }, () => runWorker(sources as Source[], fileQueue, finish));
  const largest = sources.reduce((max, source) => Math.max(max, source.size), 0);
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(READ_BLOCK, largest)));
  const drain = async (): Promise<void> => {
    for (
      let index = mainOnly.shift() ?? fileQueue.shift();
      index !== undefined;
      index = mainOnly.shift() ?? fileQueue.shift()
    ) {
      const source = sources[index];
      if (source) finish(index, await hashOnMainThread(source, buffer));
      // Let worker messages in between files, so the queue keeps the workers busy.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await drain();
  await Promise.all(workers);
  // Files handed back by a worker that died.
  await drain();
  return results;
}

async function hashOnMainThread(source: Source, buffer: Buffer): Promise<HashResult> {
  try {
    const hash = createHash('sha256');
    if (source instanceof FileSource) {
      hashFileSync(source, hash, buffer);
    } else {
      for await (const block of blocks(source)) hash.update(block);
    }
    return { digest: hash.digest('hex') };
  } catch (error) {
    return { error: String((error as NodeJS.ErrnoException).code ?? error) };
  }
}

function hashFileSync(source: FileSource, hash: ReturnType<typeof createHash>, buffer: Buffer): void {
  const fd = openSync(source.path, 'r');
  try {
    for (let offset = 0; offset < source.size;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, source.size - offset), offset);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
}

function runWorker(
  sources: Source[],
  fileQueue: number[],
  finish: (index: number, result: HashResult) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(workerCode, { eval: true });
    let inFlight: number | undefined;
    const next = (): void => {
      inFlight = fileQueue.shift();
      const source = inFlight === undefined ? undefined : sources[inFlight];
      if (inFlight === undefined || !(source instanceof FileSource)) {
        void worker.terminate().then(() => resolve());
        return;
      }
      worker.postMessage({ index: inFlight, path: source.path, size: source.size });
    };
    worker.on('message', (message: { index: number } & HashResult) => {
      finish(message.index, 'digest' in message ? { digest: message.digest } : { error: message.error });
      next();
    });
    // A worker that dies hands its file back; the main thread hashes whatever is left.
    worker.on('error', () => {
      if (inFlight !== undefined) fileQueue.unshift(inFlight);
      resolve();
    });
    worker.on('online', next);
  });
}
