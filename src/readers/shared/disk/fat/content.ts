import type { Source } from '../../../../model/source.js';
import type { Chain, Extent } from './chain.js';
import type { FatGeometry } from './boot.js';

/** One contiguous piece of a range: where it sits in the volume and how long it is. */
interface Piece {
  at: number;
  length: number;
}

/**
 * A file's bytes over its cluster chain, walked once on first use. When the chain is shorter than the
 * size the directory entry claims, reads stop where the chain stops (a short read, as at the end of
 * a source), so `cat` ends instead of waiting for bytes that are not there.
 */
export class ChainSource implements Source {
  private chain: Promise<MappedChain> | undefined;

  constructor(
    private readonly volume: Source,
    private readonly geometry: FatGeometry,
    readonly size: number,
    private readonly resolve: () => Promise<Chain>,
    private readonly failed: (why: string) => void,
  ) {}

  /** A volume read that throws ends the read there (reported once per failure), never the caller. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    try {
      return await this.readPieces(offset, length);
    } catch (error) {
      this.failed(error instanceof Error ? error.message : String(error));
      return new Uint8Array(0);
    }
  }

  private async readPieces(offset: number, length: number): Promise<Uint8Array> {
    const pieces = await this.pieces(offset, length);
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const out = new Uint8Array(total);
    let filled = 0;
    for (const piece of pieces) {
      const bytes = await this.volume.read(piece.at, piece.length);
      out.set(bytes, filled);
      filled += bytes.length;
      if (bytes.length < piece.length) break;
    }
    return out.subarray(0, filled);
  }

  /** The volume's keys for the pieces backing the range, joined; null when any is unknown. */
  async identity(offset: number, length: number): Promise<string | null> {
    const volumeIdentity = this.volume.identity?.bind(this.volume);
    if (!volumeIdentity) return null;
    const keys: string[] = [];
    for (const piece of await this.pieces(offset, length)) {
      const key = await volumeIdentity(piece.at, piece.length);
      if (key === null) return null;
      keys.push(key);
    }
    return keys.join('+');
  }

  private async pieces(offset: number, length: number): Promise<Piece[]> {
    const end = Math.min(this.size, offset + Math.max(0, length));
    if (offset < 0 || offset >= end) return [];
    const { clusterSize, dataOffset } = this.geometry;
    const { extents, starts } = await (this.chain ??= this.mapped());
    const pieces: Piece[] = [];
    for (let i = lastStartingAtOrBefore(starts, offset); i < extents.length; i++) {
      const extent = extents[i];
      const extentStart = starts[i] ?? 0;
      if (!extent || extentStart >= end) break;
      const from = Math.max(offset, extentStart);
      const to = Math.min(end, extentStart + extent.count * clusterSize);
      pieces.push({ at: dataOffset + (extent.cluster - 2) * clusterSize + (from - extentStart), length: to - from });
    }
    return pieces;
  }

  /** The chain with each extent's byte offset in the file, so a read finds its first extent by bisection. */
  private async mapped(): Promise<MappedChain> {
    const chain = await this.resolve();
    const starts: number[] = [];
    let total = 0;
    for (const extent of chain.extents) {
      starts.push(total);
      total += extent.count * this.geometry.clusterSize;
    }
    starts.push(total);
    return { extents: chain.extents, starts };
  }
}

interface MappedChain {
  extents: Extent[];
  /** Byte offset of each extent, then the total. */
  starts: number[];
}

/** The index of the last extent starting at or before `offset` (a fragmented file has many). */
function lastStartingAtOrBefore(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = Math.max(0, starts.length - 2);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
