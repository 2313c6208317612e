import { LruMap } from '../../../model/lru.js';
import type { Source } from '../../../model/source.js';
import { readFully } from '../../shared/byte-cursor.js';

const BLOCK = 64 * 1024;
const MAX_BLOCKS = 64;

/**
 * A source that serves small reads from the last 64 blocks of 64 KiB it read. A B-tree walk makes
 * one small read per node header, and nodes that are near in the tree are near in memory, so most
 * of them hit a block already read; larger reads go straight to the base.
 */
export class BlockCache implements Source {
  private readonly blocks = new LruMap<number, Uint8Array>(MAX_BLOCKS);

  constructor(private readonly base: Source) {}

  get size(): number {
    return this.base.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / BLOCK);
    if (last !== first || length > BLOCK || offset < 0) return this.base.read(offset, length);
    const block = await this.block(first);
    const start = offset - first * BLOCK;
    return block.subarray(start, start + length);
  }

  private async block(index: number): Promise<Uint8Array> {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const bytes = await readFully(this.base, index * BLOCK, BLOCK);
    this.blocks.set(index, bytes);
    return bytes;
  }
}
