import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import { exactInteger } from '../../../../model/metadata.js';
import type { Partition } from '../types.js';

/** A partition as its table states it, in sectors, before it is checked against the disk. */
export interface Extent {
  number: number;
  firstLba: bigint;
  /** Sectors the table gives it (0 for an entry whose last sector lies before its first). */
  sectors: bigint;
  attrs: MetaRecord;
}

/**
 * Turns table extents into byte ranges on the disk: one reaching past the disk end is kept but
 * clipped (what is there is still readable), and partitions sharing sectors are reported.
 */
export function placePartitions(
  extents: readonly Extent[],
  sectorSize: number,
  diskSize: number,
  diagnostics: Diagnostic[],
  where?: string,
): Partition[] {
  const unit = BigInt(sectorSize);
  const limit = BigInt(diskSize);
  const partitions = extents.map((extent): Partition => {
    const start = extent.firstLba * unit;
    const end = start + extent.sectors * unit;
    if (end > limit) {
      const message = `p${extent.number} (sectors ${range(extent)}) ends past the disk end (${diskSize / sectorSize} sectors of ${sectorSize} bytes); only the part on the disk is read`;
      diagnostics.push(diagnostic('error', 'DISK_PARTITION_PAST_END', message, where));
    }
    const clippedStart = start < limit ? start : limit;
    const clippedEnd = end < limit ? end : limit;
    return {
      number: extent.number,
      start: Number(clippedStart),
      size: Number(clippedEnd - clippedStart),
      attrs: {
        ...extent.attrs,
        first_lba: exactInteger(extent.firstLba),
        last_lba: exactInteger(extent.firstLba + extent.sectors - 1n),
        start: exactInteger(start),
        size: exactInteger(extent.sectors * unit),
      },
    };
  });
  reportOverlaps(extents, diagnostics, where);
  return partitions;
}

function range(extent: Extent): string {
  return `${extent.firstLba}..${extent.firstLba + extent.sectors - 1n}`;
}

/** Sorted by start, each partition is compared with the one reaching furthest before it. */
function reportOverlaps(extents: readonly Extent[], diagnostics: Diagnostic[], where?: string): void {
  const sorted = extents.filter((extent) => extent.sectors > 0n).sort((a, b) => compare(a.firstLba, b.firstLba));
  let furthest: Extent | undefined;
  for (const extent of sorted) {
    if (furthest && extent.firstLba < furthest.firstLba + furthest.sectors) {
      const message = `p${extent.number} (sectors ${range(extent)}) overlaps p${furthest.number} (sectors ${range(furthest)})`;
      diagnostics.push(diagnostic('warning', 'DISK_PARTITIONS_OVERLAP', message, where));
    }
    if (!furthest || extent.firstLba + extent.sectors > furthest.firstLba + furthest.sectors) furthest = extent;
  }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
