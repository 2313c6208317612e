import { limits } from './limits.js';

export type DecompressErrorCode =
  'DECOMPRESS_CORRUPT' | 'DECOMPRESS_TRUNCATED' | 'DECOMPRESS_LIMIT' | 'DECOMPRESS_UNSUPPORTED';

/** The only error decompression throws for bad input bytes; the message is one line. */
export class DecompressionError extends Error {
  constructor(
    readonly code: DecompressErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecompressionError';
  }
}

export interface DecompressLimits {
  maxOutputBytes: number;
  /** Output bytes per input byte consumed so far. */
  maxRatio: number;
}

// Deflate tops out near 1032:1 and zstd near 32768:1 (all-RLE blocks); real data, even sparse disk images, stays far below.
// zstd turns a run of zeros into ~1/32000 of its size, so the ratio cap only stops absurd bombs.
export const decompressLimits = (): DecompressLimits => ({
  maxOutputBytes: limits.decompressedBytes,
  maxRatio: limits.decompressRatio,
});

export const MiB = 1024 * 1024;

/** Checks limits as output appears, so a bomb stops after its first MiB instead of at the end. */
export class OutputGuard {
  private output = 0;

  constructor(private readonly limits: DecompressLimits) {}

  count(length: number, consumed: number): void {
    this.output += length;
    const { maxOutputBytes, maxRatio } = this.limits;
    if (this.output > maxOutputBytes) {
      throw new DecompressionError('DECOMPRESS_LIMIT', `decompresses to more than ${maxOutputBytes} bytes`);
    }
    if (this.output >= MiB && this.output > consumed * maxRatio) {
      const message = `expands more than ${maxRatio}:1 (${this.output} bytes from the first ${consumed}); likely a decompression bomb`;
      throw new DecompressionError('DECOMPRESS_LIMIT', message);
    }
  }
}
