import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { errorMessage } from '../../model/errors.js';

const gunzipAsync = promisify(gunzip);

export function looksLikeGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

export type Gunzip = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** Inflates in memory with a hard output cap, so a gzip bomb fails fast instead of filling memory. */
export async function gunzipBounded(bytes: Uint8Array, maxOutput: number): Promise<Gunzip> {
  try {
    return { ok: true, bytes: await gunzipAsync(bytes, { maxOutputLength: maxOutput }) };
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return { ok: false, error: tooLarge ? `decompresses to more than ${maxOutput} bytes` : errorMessage(error) };
  }
}
