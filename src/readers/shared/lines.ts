import { limits } from './limits.js';
import { blocks, SCAN_BLOCK, type Source } from '../../model/source.js';

/** A line of a text dump, or the fact that one was too long to keep (its bytes are skipped). */
export type DumpLine = { text: string; number: number } | { tooLong: true; number: number };

/**
 * The lines of a source, read front to back in blocks so multi-GB dumps never sit in memory;
 * a line longer than `limits.dumpLineBytes` is reported instead of kept.
 */
export async function* sourceLines(source: Source, blockSize = SCAN_BLOCK): AsyncGenerator<DumpLine> {
  const line = new LineBuffer();
  for await (const block of blocks(source, blockSize)) {
    let start = 0;
    for (let end = block.indexOf(0x0a, start); end >= 0; end = block.indexOf(0x0a, start)) {
      line.add(block.subarray(start, end));
      yield line.take();
      start = end + 1;
    }
    line.add(block.subarray(start));
  }
  if (!line.empty) yield line.take();
}

class LineBuffer {
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private overflow = false;
  private number = 0;

  get empty(): boolean {
    return this.bytes === 0 && !this.overflow;
  }

  add(piece: Uint8Array): void {
    this.bytes += piece.length;
    if (this.bytes > limits.dumpLineBytes) {
      this.overflow = true;
      this.parts = [];
    } else if (piece.length > 0) {
      // Copied: the block it came from is reused by the source for the next read.
      this.parts.push(piece.slice());
    }
  }

  take(): DumpLine {
    this.number++;
    const line: DumpLine = this.overflow
      ? { tooLong: true, number: this.number }
      : { text: Buffer.concat(this.parts).toString('utf8'), number: this.number };
    this.parts = [];
    this.bytes = 0;
    this.overflow = false;
    return line;
  }
}
