import { availableParallelism } from 'node:os';
import type { HashResult, Progress } from '../model/snapshot.js';
import { FileSource, sha256Of, type Source } from '../model/source.js';
import { errorCode, HASH_READ_BLOCK, sha256OfFile, type FileHashAnswer } from '../workers/file-sha256.js';
import { startWorker } from '../workers/launch.js';

/** Below this much data a worker costs more to start than it saves. */
const PARALLEL_THRESHOLD = 16 * 1024 * 1024;

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
  const workers = Array.from({ length: workerCount }, () => runWorker(sources, fileQueue, finish));
  const largest = sources.reduce((max, source) => Math.max(max, source.size), 0);
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(HASH_READ_BLOCK, largest)));
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
    const digest =
      source instanceof FileSource ? sha256OfFile(source.path, source.size, buffer) : await sha256Of(source);
    return { digest };
  } catch (error) {
    return { error: errorCode(error) };
  }
}

function runWorker(
  sources: readonly Source[],
  fileQueue: number[],
  finish: (index: number, result: HashResult) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const worker = startWorker('sha256-worker');
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
    worker.on('message', (answer: FileHashAnswer) => {
      finish(answer.index, 'digest' in answer ? { digest: answer.digest } : { error: answer.error });
      next();
    });
    // A worker that dies (or cannot start) hands its file back; the main thread hashes whatever is left.
    worker.on('error', () => {
      if (inFlight !== undefined) fileQueue.unshift(inFlight);
      resolve();
    });
    worker.on('online', next);
  });
}
