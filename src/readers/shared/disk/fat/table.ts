import { LruMap } from '../../../../model/lru.js';
import type { Source } from '../../../../model/source.js';
import { u32le } from '../../bytes.js';
import type { FatGeometry } from './boot.js';
import { u16le } from '../../bytes.js';

/** What one FAT entry says about the cluster after it. */
export type FatLink =
  | { kind: 'next'; cluster: number }
  | { kind: 'end' }
  | { kind: 'free' }
  | { kind: 'bad' }
  /** A number outside 2..clusterCount+1 that is no marker. */
  | { kind: 'range'; cluster: number }
  /** The FAT copy is cut short (truncated volume). */
  | { kind: 'unreadable' };

const BLOCK = 64 * 1024;
/** What stays cached of one FAT: older blocks are read again when a chain comes back to them. */
const CACHE_BYTES = 16 * 1024 * 1024;

/**
 * One FAT copy, read in 64 KiB blocks as chains need them and kept in a bounded cache: a FAT32 FAT
 * can reach hundreds of megabytes, so it is never read whole. A FAT12 FAT is at most 6 KiB, so its
 * 1.5-byte entries never straddle two blocks.
 */
export class FatTable {
  private readonly blocks = new LruMap<number, Uint8Array>(Math.max(1, Math.floor(CACHE_BYTES / BLOCK)));

  constructor(
    private readonly volume: Source,
    readonly geometry: FatGeometry,
    readonly copy: number,
  ) {}

  /** Bytes of the entries of every cluster, clipped to the FAT's declared size. */
  get usedBytes(): number {
    const entries = this.geometry.clusterCount + 2;
    const bytes = this.geometry.type === 'fat12' ? Math.ceil(entries * 1.5) : entries * this.entryBytes;
    return Math.min(bytes, this.geometry.fatBytes);
  }

  private get entryBytes(): number {
    return this.geometry.type === 'fat16' ? 2 : 4;
  }

  /** The raw entry of `cluster`, or undefined when the FAT ends before it. */
  async raw(cluster: number): Promise<number | undefined> {
    const at = this.entryOffset(cluster);
    if (at + this.width > this.usedBytes) return undefined;
    const block = await this.block(Math.floor(at / BLOCK));
    const offset = at % BLOCK;
    return offset + this.width > block.length ? undefined : this.decode(block, offset, cluster);
  }

  /**
   * Visits the entry of every data cluster in order, block by block without a promise per entry
   * (a FAT32 FAT may hold 268 million). Returns false when the FAT is cut off before its end.
   */
  async scan(visit: (cluster: number, value: number) => void): Promise<boolean> {
    const last = this.geometry.clusterCount + 1;
    let cluster = 2;
    for (let start = 0; start < this.usedBytes && cluster <= last; start += BLOCK) {
      const length = Math.min(BLOCK, this.usedBytes - start);
      const block = await this.volume.read(this.copyOffset + start, length);
      for (; cluster <= last; cluster++) {
        const offset = this.entryOffset(cluster) - start;
        if (offset + this.width > block.length) break;
        visit(cluster, this.decode(block, offset, cluster));
      }
      if (block.length < length) break;
    }
    return cluster > last;
  }

  private get width(): number {
    return this.geometry.type === 'fat32' ? 4 : 2;
  }

  private get copyOffset(): number {
    return this.geometry.fatOffset + this.copy * this.geometry.fatBytes;
  }

  private entryOffset(cluster: number): number {
    return this.geometry.type === 'fat12' ? Math.floor(cluster * 1.5) : cluster * this.entryBytes;
  }

  private decode(block: Uint8Array, offset: number, cluster: number): number {
    const type = this.geometry.type;
    if (type === 'fat32') return u32le(block, offset) & 0x0fffffff;
    const value = u16le(block, offset);
    if (type === 'fat16') return value;
    return cluster % 2 === 0 ? value & 0x0fff : value >> 4;
  }

  async link(cluster: number): Promise<FatLink> {
    const value = await this.raw(cluster);
    if (value === undefined) return { kind: 'unreadable' };
    return classify(value, this.geometry);
  }

  private async block(index: number): Promise<Uint8Array> {
    const cached = this.blocks.get(index);
    if (cached) return cached;
    const start = index * BLOCK;
    const bytes = await this.volume.read(this.copyOffset + start, Math.min(BLOCK, this.usedBytes - start));
    this.blocks.set(index, bytes);
    return bytes;
  }
}

const MARKERS = {
  fat12: { bad: 0xff7, end: 0xff8 },
  fat16: { bad: 0xfff7, end: 0xfff8 },
  fat32: { bad: 0x0ffffff7, end: 0x0ffffff8 },
};

export function classify(value: number, geometry: FatGeometry): FatLink {
  const markers = MARKERS[geometry.type];
  if (value === 0) return { kind: 'free' };
  if (value >= markers.end) return { kind: 'end' };
  if (value === markers.bad) return { kind: 'bad' };
  if (value < 2 || value > geometry.clusterCount + 1) return { kind: 'range', cluster: value };
  return { kind: 'next', cluster: value };
}
