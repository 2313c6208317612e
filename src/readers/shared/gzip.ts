import { constants, gunzipSync } from 'node:zlib';

export function looksLikeGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

/**
 * The first bytes a gzip stream inflates to, from the few kilobytes of it detection has read: enough
 * to tell what is inside (a wasm module, say) without inflating the file. Empty when it is not gzip.
 */
export function gzipPeek(head: Uint8Array, length: number): Uint8Array {
  if (!looksLikeGzip(head)) return new Uint8Array(0);
  try {
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, length);
  } catch {
    return new Uint8Array(0);
  }
}
