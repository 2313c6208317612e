import type { FatTable } from './table.js';

/** `count` consecutive clusters from `cluster`: most files are one or a few such runs. */
export interface Extent {
  cluster: number;
  count: number;
}

/** Why a chain walk stopped: `end` is the only clean ending, `enough` means the caller's bound was met. */
export type ChainEnd = 'end' | 'enough' | 'free' | 'bad' | 'range' | 'unreadable' | 'loop';

export interface Chain {
  extents: Extent[];
  /** Distinct clusters in `extents`; a loop is cut before its first repeated cluster. */
  clusters: number;
  end: ChainEnd;
  /** The cluster whose FAT entry stopped the walk (absent for `end` and `enough`). */
  at?: number;
}

/**
 * Follows a chain from `first` for at most `wanted` clusters. Loops are found with Brent's method,
 * which needs no memory per cluster (a FAT32 chain may be millions long), then cut where the
 * repetition starts, so content never reads a cluster twice.
 */
export async function walkChain(table: FatTable, first: number, wanted: number): Promise<Chain> {
  const extents: Extent[] = [];
  const last = table.geometry.clusterCount + 1;
  if (first < 2 || first > last) return { extents, clusters: 0, end: 'range', at: first };
  let clusters = 0;
  let current = first;
  let tortoise = first;
  let power = 1;
  let lambda = 0;
  for (;;) {
    append(extents, current);
    clusters++;
    if (clusters >= wanted) return { extents, clusters, end: 'enough' };
    const link = await table.link(current);
    if (link.kind === 'end') return { extents, clusters, end: 'end' };
    if (link.kind !== 'next') return { extents, clusters, end: link.kind, at: current };
    const previous = current;
    current = link.cluster;
    if (current === tortoise) {
      const distinct = loopStart(extents, lambda + 1) + lambda + 1;
      return { extents: truncate(extents, distinct), clusters: distinct, end: 'loop', at: previous };
    }
    lambda++;
    if (lambda === power) {
      tortoise = current;
      power *= 2;
      lambda = 0;
    }
  }
}

function append(extents: Extent[], cluster: number): void {
  const tail = extents[extents.length - 1];
  if (tail && tail.cluster + tail.count === cluster) tail.count++;
  else extents.push({ cluster, count: 1 });
}

function* clustersOf(extents: readonly Extent[]): Generator<number> {
  for (const { cluster, count } of extents) for (let i = 0; i < count; i++) yield cluster + i;
}

/** The first position whose cluster recurs `period` places later: where the loop begins. */
function loopStart(extents: readonly Extent[], period: number): number {
  const behind = clustersOf(extents);
  const ahead = clustersOf(extents);
  for (let i = 0; i < period; i++) ahead.next();
  for (let position = 0; ; position++) {
    const a = behind.next();
    const b = ahead.next();
    if (a.done || b.done || a.value === b.value) return position;
  }
}

function truncate(extents: readonly Extent[], clusters: number): Extent[] {
  const kept: Extent[] = [];
  let left = clusters;
  for (const extent of extents) {
    if (left <= 0) break;
    kept.push({ cluster: extent.cluster, count: Math.min(extent.count, left) });
    left -= extent.count;
  }
  return kept;
}
