import type { Source } from '../../../model/source.js';
import { limits } from '../limits.js';
import type { SparseLayout, SparseSegment } from './types.js';

interface Placed extends SparseSegment {
  /** Where the segment's bytes start in the member's stored data. */
  stored: number;
}

/**
 * A sparse member as the file it stands for: `realSize` bytes, its data segments read from the
 * member's stored bytes one after another, every hole zeros. A PAX 1.0 map is read from the start of
 * the data on first use (decimal lines, padded to a block) and bounded like any extension record.
 */
export class SparseSource implements Source {
  readonly size: number;
  private layout: Promise<Placed[]> | undefined;

  constructor(
    private readonly stored: Source,
    private readonly sparse: SparseLayout,
  ) {
    this.size = sparse.realSize;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + Math.max(0, length));
    if (offset < 0 || offset >= end) return new Uint8Array(0);
    const out = new Uint8Array(end - offset);
    const segments = await (this.layout ??= this.place());
    for (let i = firstEnding(segments, offset); i < segments.length; i++) {
      const segment = segments[i];
      if (!segment || segment.offset >= end) break;
      const from = Math.max(offset, segment.offset);
      const to = Math.min(end, segment.offset + segment.length);
      if (to <= from) continue;
      out.set(await this.stored.read(segment.stored + from - segment.offset, to - from), from - offset);
    }
    return out;
  }

  private async place(): Promise<Placed[]> {
    const { map, dataStart } = 'map' in this.sparse ? { map: this.sparse.map, dataStart: 0 } : await this.mapInData();
    let stored = dataStart;
    const placed: Placed[] = [];
    // Segments come in file order; an out-of-order one would overlap and is dropped rather than trusted.
    for (const segment of map) {
      const last = placed[placed.length - 1];
      if (last && segment.offset < last.offset + last.length) continue;
      placed.push({ ...segment, stored });
      stored += segment.length;
    }
    return placed;
  }

  private async mapInData(): Promise<{ map: SparseSegment[]; dataStart: number }> {
    const head = await this.stored.read(0, Math.min(this.stored.size, limits.pathBytes));
    const lines = Buffer.from(head).toString('latin1').split('\n');
    const count = Number(lines[0]);
    const map: SparseSegment[] = [];
    if (!Number.isSafeInteger(count) || count < 0 || lines.length < 1 + 2 * count) return { map, dataStart: 0 };
    for (let i = 0; i < count; i++) map.push({ offset: Number(lines[1 + 2 * i]), length: Number(lines[2 + 2 * i]) });
    const text = lines.slice(0, 1 + 2 * count).join('\n').length + 1;
    return { map, dataStart: Math.ceil(text / 512) * 512 };
  }
}

/** Index of the first segment that ends after `offset` (segments are sorted and disjoint). */
function firstEnding(segments: readonly Placed[], offset: number): number {
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const segment = segments[middle];
    if (segment && segment.offset + segment.length <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}
