import type { Source } from '../../model/source.js';
import { decompress, type DecompressLimits, type StreamCodec } from './compression.js';

/**
 * Random access to decompressed bytes without holding them: a read at or after the current position inflates forward,
 * a read before it starts over from the beginning. Readers that walk forward (a tar index, member after member)
 * therefore cost one pass in total, and memory stays at one output chunk.
 */
export class InflatedSource implements Source {
  private chunks: AsyncIterator<Uint8Array> | undefined;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;
  // Reads share one position in the stream, so they take turns.
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly compressed: Source,
    private readonly codec: Exclude<StreamCodec, 'xz' | 'bzip2'>,
    private readonly limits: DecompressLimits | undefined,
    readonly size: number,
  ) {}

  /** Measures the size with one full pass, unless the caller already counted it while reading the stream. */
  static async open(
    compressed: Source,
    codec: Exclude<StreamCodec, 'xz' | 'bzip2'>,
    limits?: DecompressLimits,
    size?: number,
  ): Promise<InflatedSource> {
    let measured = size ?? 0;
    if (size === undefined) for await (const chunk of decompress(compressed, codec, limits)) measured += chunk.length;
    return new InflatedSource(compressed, codec, limits, measured);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + Math.max(0, length));
    if (offset < 0 || offset >= end) return Promise.resolve(new Uint8Array(0));
    const result = this.turn
      .then(() => this.copy(offset, end))
      .catch((error: unknown) => {
        // A failed stream cannot continue; the next read starts over and meets the same error.
        this.chunks = undefined;
        throw error;
      });
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async copy(offset: number, end: number): Promise<Uint8Array> {
    if (this.chunks === undefined || offset < this.chunkStart) await this.restart();
    while (offset >= this.chunkStart + this.chunk.length) if (!(await this.advance())) return new Uint8Array(0);
    const chunkEnd = this.chunkStart + this.chunk.length;
    if (end <= chunkEnd) return this.chunk.subarray(offset - this.chunkStart, end - this.chunkStart);
    const out = new Uint8Array(end - offset);
    let filled = 0;
    do {
      const from = offset + filled - this.chunkStart;
      const piece = this.chunk.subarray(from, Math.min(this.chunk.length, from + out.length - filled));
      out.set(piece, filled);
      filled += piece.length;
    } while (filled < out.length && (await this.advance()));
    return out.subarray(0, filled);
  }

  private async advance(): Promise<boolean> {
    const next = await this.chunks?.next();
    if (!next || next.done) return false;
    this.chunkStart += this.chunk.length;
    this.chunk = next.value;
    return true;
  }

  private async restart(): Promise<void> {
    await this.chunks?.return?.();
    this.chunks = decompress(this.compressed, this.codec, this.limits)[Symbol.asyncIterator]();
    this.chunk = new Uint8Array(0);
    this.chunkStart = 0;
  }
}
