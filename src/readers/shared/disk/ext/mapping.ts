import { u32le } from '../../bytes.js';
import type { ExtVolume } from './volume.js';

/** A stretch of a file's blocks: `count` logical blocks from `logical`, stored from `physical` or a hole. */
export interface Run {
  logical: number;
  count: number;
  /** First block on the volume, or null for a hole or an uninitialised extent (both read as zeros). */
  physical: number | null;
}

/** Where a file's logical blocks live on the volume. */
export interface BlockMapping {
  /** Runs covering exactly `first..first+count-1`, in order. */
  runs(first: number, count: number): Promise<Run[]>;
}

/** Appends a run, joining it to the previous one when both are holes or physically contiguous. */
export function appendRun(runs: Run[], run: Run): void {
  const last = runs[runs.length - 1];
  if (last && last.logical + last.count === run.logical) {
    const bothHoles = last.physical === null && run.physical === null;
    const contiguous = last.physical !== null && run.physical === last.physical + last.count;
    if (bothHoles || contiguous) {
      last.count += run.count;
      return;
    }
  }
  runs.push({ ...run });
}

/** Nothing stored: an empty file, or a file whose data is inline. */
export const NO_BLOCKS: BlockMapping = {
  runs: (first, count) => Promise.resolve(count > 0 ? [{ logical: first, count, physical: null }] : []),
};

const DIRECT_POINTERS = 12;

/**
 * The ext2/ext3 block map: 12 direct pointers, then single, double and triple indirect blocks. A zero
 * pointer is a hole covering its whole subtree, so a sparse multi-gigabyte file is walked in few steps.
 * Pointers past the volume read as holes and are counted in `outOfRange`.
 */
export class IndirectMapping implements BlockMapping {
  outOfRange = 0;
  private readonly perBlock: number;

  constructor(
    private readonly volume: ExtVolume,
    private readonly pointers: Uint8Array,
  ) {
    this.perBlock = volume.blockSize / 4;
  }

  /** How many logical blocks the 12 direct pointers and three indirect levels can address. */
  get addressable(): number {
    return DIRECT_POINTERS + this.perBlock + this.perBlock ** 2 + this.perBlock ** 3;
  }

  async runs(first: number, count: number): Promise<Run[]> {
    const runs: Run[] = [];
    const end = first + count;
    for (let logical = first; logical < end;) {
      const found = await this.resolve(logical);
      const span = Math.min(found.count, end - logical);
      appendRun(runs, { logical, count: span, physical: found.physical });
      logical += span;
    }
    return runs;
  }

  /** The block behind `logical`, or a hole and how many blocks from `logical` it covers. */
  private async resolve(logical: number): Promise<{ physical: number | null; count: number }> {
    if (logical < DIRECT_POINTERS) return this.checked(u32le(this.pointers, logical * 4), 1);
    let index = logical - DIRECT_POINTERS;
    let span = this.perBlock;
    for (let level = 1; level <= 3; level++) {
      if (index < span) return this.walk(u32le(this.pointers, (DIRECT_POINTERS + level - 1) * 4), level, index);
      index -= span;
      span *= this.perBlock;
    }
    return { physical: null, count: Number.MAX_SAFE_INTEGER };
  }

  private async walk(
    pointer: number,
    levels: number,
    index: number,
  ): Promise<{ physical: number | null; count: number }> {
    let block = pointer;
    let span = this.perBlock ** levels;
    let inner = index;
    for (let level = levels; level > 0; level--) {
      if (block === 0) return { physical: null, count: span - inner };
      const bytes = this.volume.holds(block) ? await this.volume.block(block) : null;
      if (!bytes) {
        this.outOfRange++;
        return { physical: null, count: span - inner };
      }
      span /= this.perBlock;
      const slot = Math.floor(inner / span);
      inner %= span;
      block = u32le(bytes, slot * 4);
    }
    return this.checked(block, 1);
  }

  private checked(block: number, count: number): { physical: number | null; count: number } {
    if (block === 0) return { physical: null, count };
    if (this.volume.holds(block)) return { physical: block, count };
    this.outOfRange++;
    return { physical: null, count };
  }
}
