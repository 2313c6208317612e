import { createHash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { openLocalFile } from './local-file.js';

/** Large enough to keep a core busy, small enough to stay in cache-friendly memory. */
export const HASH_READ_BLOCK = 4 * 1024 * 1024;

/** A job for the sha256 worker: the `index`th file of a batch. */
export interface FileHashJob {
  index: number;
  path: string | Uint8Array;
  size: number;
}

/** What the sha256 worker answers for a job: the digest, or the error code that stopped it. */
export type FileHashAnswer = { index: number } & ({ digest: string } | { error: string });

/**
 * sha256 of the first `size` bytes of a local file, read with synchronous positioned reads into the caller's
 * reused `buffer` (fresh buffers would fault in new pages on every block). Shared by the main thread and the
 * worker, so both hash a file the same way.
 */
export function sha256OfFile(path: string | Uint8Array, size: number, buffer: Buffer): string {
  const hash = createHash('sha256');
  const fd = openLocalFile(path);
  try {
    for (let offset = 0; offset < size;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function errorCode(error: unknown): string {
  return String((error as NodeJS.ErrnoException | undefined)?.code ?? error);
}
