import type { Source } from '../../src/model/source.js';

/**
 * A Source that counts its read calls and the bytes it served: the measure of a reader's work
 * that a test can bound on any machine, where a stopwatch depends on the machine and its load.
 */
export class CountingSource implements Source {
  reads = 0;
  bytesRead = 0;
  constructor(private readonly base: Source) {}

  get size(): number {
    return this.base.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = await this.base.read(offset, length);
    this.reads++;
    this.bytesRead += bytes.length;
    return bytes;
  }
}
