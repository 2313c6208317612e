import { BLOCK } from './header.js';
import type { TarEntry, TarIndex } from './types.js';
import { TarWalker, type TarOptions } from './walker.js';

export interface TarStreamOptions extends TarOptions {
  /** Member data in order, in pieces as they arrive (valid only during the call). */
  onData?: (entry: TarEntry, chunk: Uint8Array) => void;
}

/** Indexes a tar that arrives in chunks of any size, e.g. out of a decompressor; same results as `indexTar`. */
export class TarStreamParser {
  private readonly walker: TarWalker;
  private readonly onData: TarStreamOptions['onData'];
  /** Bytes of the walker's current need received so far. */
  private received = 0;
  /** Collects a header or extension payload that spans chunks. */
  private buffer = new Uint8Array(BLOCK);

  constructor(options: TarStreamOptions = {}) {
    this.walker = new TarWalker(options);
    this.onData = options.onData;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      const need = this.walker.need;
      if (need.kind === 'done') return;
      if (need.kind === 'trailer') {
        this.walker.trailer(chunk.subarray(pos));
        return;
      }
      if (need.kind === 'data') pos += this.passData(need, chunk, pos);
      else pos += this.collect(need.kind === 'block' ? BLOCK : need.padded, chunk, pos);
    }
  }

  end(): TarIndex {
    const need = this.walker.need;
    const partial =
      need.kind === 'block' || need.kind === 'payload' ? this.buffer.subarray(0, this.received) : undefined;
    return this.walker.finish(this.received, partial);
  }

  private passData(need: { length: number; padded: number; entry?: TarEntry }, chunk: Uint8Array, pos: number): number {
    const take = Math.min(need.padded - this.received, chunk.length - pos);
    const dataLeft = need.length - this.received;
    if (need.entry && this.onData && dataLeft > 0)
      this.onData(need.entry, chunk.subarray(pos, pos + Math.min(take, dataLeft)));
    this.received += take;
    if (this.received === need.padded) {
      this.received = 0;
      this.walker.skipped();
    }
    return take;
  }

  /** Hands the walker `length` whole bytes, without copying when one chunk holds them all. */
  private collect(length: number, chunk: Uint8Array, pos: number): number {
    if (this.received === 0 && chunk.length - pos >= length) {
      this.deliver(chunk.subarray(pos, pos + length));
      return length;
    }
    if (this.received === 0 && this.buffer.length !== length) this.buffer = new Uint8Array(length);
    const take = Math.min(length - this.received, chunk.length - pos);
    this.buffer.set(chunk.subarray(pos, pos + take), this.received);
    this.received += take;
    if (this.received === length) {
      this.received = 0;
      this.deliver(this.buffer);
    }
    return take;
  }

  private deliver(bytes: Uint8Array): void {
    if (this.walker.need.kind === 'block') this.walker.block(bytes);
    else this.walker.payload(bytes);
  }
}
