import { LruMap } from '../../../../model/lru.js';
import type { Source } from '../../../../model/source.js';
import { u32le } from '../../bytes.js';
import { INCOMPAT_META_BG } from './features.js';
import { groupCount, type Superblock } from './superblock.js';

const CACHED_BLOCKS = 256;
const RO_COMPAT_SPARSE_SUPER = 0x1;

/**
 * The volume as numbered blocks, with a small least-recently-used cache for metadata (group
 * descriptors, inode tables, extent and directory blocks). File content bypasses the cache.
 */
export class ExtVolume {
  readonly blockSize: number;
  readonly groups: number;
  private readonly cache = new LruMap<number, Promise<Uint8Array | null>>(CACHED_BLOCKS);

  constructor(
    readonly source: Source,
    readonly sb: Superblock,
  ) {
    this.blockSize = sb.blockSize;
    this.groups = groupCount(sb);
  }

  /** Whether `block` is inside the filesystem and fully present in the volume. */
  holds(block: number): boolean {
    return (
      Number.isSafeInteger(block) &&
      block >= 0 &&
      block < this.sb.blocksCount &&
      (block + 1) * this.blockSize <= this.source.size
    );
  }

  /** One block, or null when it lies past the filesystem or the (possibly truncated) volume. */
  block(block: number): Promise<Uint8Array | null> {
    const cached = this.cache.get(block);
    if (cached) return cached;
    const loading = this.holds(block)
      ? this.source
          .read(block * this.blockSize, this.blockSize)
          .then((bytes) => (bytes.length === this.blockSize ? bytes : null))
      : Promise.resolve(null);
    this.cache.set(block, loading);
    return loading;
  }

  /** The block holding group `group`'s descriptor, with meta_bg's placement next to each meta group. */
  descriptorBlock(group: number): number {
    const perBlock = this.blockSize / this.sb.descSize;
    const metaGroup = Math.floor(group / perBlock);
    if ((this.sb.incompat & INCOMPAT_META_BG) === 0 || metaGroup < this.sb.firstMetaBg)
      return this.sb.firstDataBlock + 1 + metaGroup;
    const first = metaGroup * perBlock;
    return this.sb.firstDataBlock + first * this.sb.blocksPerGroup + (this.hasSuperblock(first) ? 1 : 0);
  }

  private hasSuperblock(group: number): boolean {
    if (group <= 1 || (this.sb.roCompat & RO_COMPAT_SPARSE_SUPER) === 0) return true;
    return [3, 5, 7].some((base) => isPowerOf(group, base));
  }

  /** The raw descriptor of `group`, `descSize` bytes, or null when its block cannot be read. */
  async descriptor(group: number): Promise<{ bytes: Uint8Array; block: number } | null> {
    if (group < 0 || group >= this.groups) return null;
    const block = this.descriptorBlock(group);
    const bytes = await this.block(block);
    if (!bytes) return null;
    const at = (group % (this.blockSize / this.sb.descSize)) * this.sb.descSize;
    return { bytes: bytes.subarray(at, at + this.sb.descSize), block };
  }

  /** First block of the inode table of `group`. */
  async inodeTable(group: number): Promise<number | null> {
    const found = await this.descriptor(group);
    if (!found) return null;
    const high = this.sb.descSize >= 64 ? u32le(found.bytes, 0x28) * 2 ** 32 : 0;
    return u32le(found.bytes, 0x8) + high;
  }

  /** The on-disk bytes of inode `number` (1-based), or null when it cannot be located or read. */
  async inode(number: number): Promise<Uint8Array | null> {
    if (!Number.isSafeInteger(number) || number < 1 || number > this.sb.inodesCount) return null;
    const group = Math.floor((number - 1) / this.sb.inodesPerGroup);
    const table = await this.inodeTable(group);
    if (table === null) return null;
    const offset = ((number - 1) % this.sb.inodesPerGroup) * this.sb.inodeSize;
    const bytes = await this.block(table + Math.floor(offset / this.blockSize));
    if (!bytes) return null;
    const inBlock = offset % this.blockSize;
    return bytes.subarray(inBlock, inBlock + this.sb.inodeSize);
  }
}

function isPowerOf(value: number, base: number): boolean {
  let power = base;
  while (power < value) power *= base;
  return power === value;
}
