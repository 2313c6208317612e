import { limits } from './limits.js';
import type { Source } from '../../model/source.js';
import { decompressLimits, DecompressionError, OutputGuard } from './decompress-guard.js';
import { looksLikeGzip } from './gzip.js';
import { inflate } from './inflate.js';
import { isSkippableFrame, isZstdFrame, startsWith, unzstd } from './unzstd.js';

// The decompression errors and limits are part of this module's face; they live apart so the codecs can share them.
export { DecompressionError, type DecompressErrorCode, type DecompressLimits } from './decompress-guard.js';

export type Codec = 'gzip' | 'zstd' | 'xz' | 'bzip2';

export function sniffCodec(head: Uint8Array): Codec | null {
  if (looksLikeGzip(head)) return 'gzip';
  if (isZstdFrame(head) || isSkippableFrame(head)) return 'zstd';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  // "BZh" alone is plausible text; bzip2 always follows it with the block size digit.
  const level = head[3] ?? 0;
  if (startsWith(head, [0x42, 0x5a, 0x68]) && level >= 0x31 && level <= 0x39) return 'bzip2';
  return null;
}

/** A bare deflate stream without gzip framing, as zip members store it. */
export type StreamCodec = Codec | 'deflate-raw';

/** Decompressed bytes as a stream of chunks; multi-member gzip and multi-frame zstd are concatenated. */
export async function* decompress(
  source: Source,
  codec: StreamCodec,
  bounds = decompressLimits(),
): AsyncGenerator<Uint8Array> {
  if (codec === 'xz' || codec === 'bzip2') {
    throw new DecompressionError(
      'DECOMPRESS_UNSUPPORTED',
      `${codec} compression is not supported; decompress it first: ${codec} -dk FILE`,
    );
  }
  if (codec === 'zstd') yield* unzstd(source, new OutputGuard(bounds));
  else yield* inflate(source, bounds, codec);
}

export type Inflated = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/**
 * Inflates a small stream whole, in memory, under the same guard as every stream (ratio and total output),
 * with `maxOutput` as a tighter output cap; a bomb comes back as an error message, never as an allocation.
 */
export async function inflateBounded(source: Source, codec: StreamCodec, maxOutput: number): Promise<Inflated> {
  const bounds = { maxOutputBytes: Math.min(maxOutput, limits.decompressedBytes), maxRatio: limits.decompressRatio };
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of decompress(source, codec, bounds)) {
      chunks.push(chunk);
      length += chunk.length;
    }
  } catch (error) {
    if (error instanceof DecompressionError) return { ok: false, error: error.message };
    throw error;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes };
}
