import { openSync } from 'node:fs';

/** A local file opened for reading by its path, which crosses the thread boundary as bytes when it is not valid UTF-8. */
export function openLocalFile(path: string | Uint8Array): number {
  return openSync(typeof path === 'string' ? path : Buffer.from(path), 'r');
}
