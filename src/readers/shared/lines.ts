import { limits } from '../../model/limits.js';
import { blocks, type Source } from '../../model/source.js';

/** A line of a text dump, or the fact that one was too long to keep (its bytes are skipped). */
export type DumpLine = { text: string; number: number } | { tooLong: true; number: number };

/**
 * The lines of a source, read front to back in blocks so multi-GB dumps never sit in memory;
 * a line longer than `limits.dumpLineBytes` is reported instead of kept.
 */
export async function* sourceLines(source: Source): AsyncGenerator<DumpLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let number = 0;
  const finish = (tail: Buffer): DumpLine => {
    number++;
    const line: DumpLine = overflow ? { tooLong: true, number } : { text: Buffer.concat([...pending, tail]).toString('utf8'), number };
    pending = [];
    pendingBytes = 0;
    overflow = false;
    return line;
  };
  for await (const block of blocks(source)) {
    const buffer = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    let start = 0;
    for (let end = buffer.indexOf(0x0a, start); end >= 0; end = buffer.indexOf(0x0a, start)) {
      yield finish(overflow ? Buffer.alloc(0) : buffer.subarray(start, end));
      start = end + 1;
    }
    const rest = buffer.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > limits.dumpLineBytes) {
      overflow = true;
      pending = [];
    } else if (!overflow) {
      pending.push(Buffer.from(rest));
    }
  }
  if (pendingBytes > 0 || pending.length > 0) yield finish(Buffer.alloc(0));
}
