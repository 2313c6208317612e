import { ALL_SUBCLUSTERS, type Cluster, type ClusterMap } from './cluster-map.js';

export type CompressedCluster = Extract<Cluster, { type: 'compressed' }>;

/**
 * A stretch of guest bytes that all come from one place: contiguous host bytes of the image, zeros,
 * the backing file at the same guest offset, or part of one compressed cluster.
 */
export type Run =
  | { kind: 'file'; guest: number; length: number; host: number }
  | { kind: 'zero'; guest: number; length: number }
  | { kind: 'backing'; guest: number; length: number }
  | { kind: 'compressed'; guest: number; length: number; cluster: CompressedCluster; within: number };

/**
 * The runs covering guest bytes `offset..end`, in order, neighbours of one kind merged (host-contiguous
 * data, zeros, backing bytes), so that a read makes one call per stretch and an identity names it once.
 */
export async function* guestRuns(map: ClusterMap, offset: number, end: number): AsyncGenerator<Run> {
  const { clusterSize } = map.geometry;
  let pending: Run | null = null;
  for (let position = offset; position < end;) {
    const guestCluster = Math.floor(position / clusterSize);
    const start = guestCluster * clusterSize;
    const stop = Math.min(end, start + clusterSize);
    for (const run of clusterRuns(await map.cluster(guestCluster), clusterSize, start, position, stop)) {
      const merged: Run | null = pending && merge(pending, run);
      if (merged) pending = merged;
      else {
        if (pending) yield pending;
        pending = run;
      }
    }
    position = stop;
  }
  if (pending) yield pending;
}

function merge(first: Run, next: Run): Run | null {
  if (first.kind !== next.kind || first.guest + first.length !== next.guest) return null;
  if (first.kind === 'compressed') return null;
  if (first.kind === 'file' && next.kind === 'file' && first.host + first.length !== next.host) return null;
  return { ...first, length: first.length + next.length };
}

/** The runs of one cluster between guest offsets `from` and `to` (the cluster starts at guest offset `start`). */
function clusterRuns(cluster: Cluster, clusterSize: number, start: number, from: number, to: number): Run[] {
  const length = to - from;
  switch (cluster.type) {
    case 'unallocated':
      return [{ kind: 'backing', guest: from, length }];
    case 'compressed':
      return [{ kind: 'compressed', guest: from, length, cluster, within: from - start }];
    case 'zero':
      if (cluster.mask === ALL_SUBCLUSTERS) return [{ kind: 'zero', guest: from, length }];
      return subclusterRuns(clusterSize, start, from, to, (sub) => (bit(cluster.mask, sub) ? 'zero' : 'backing'));
    case 'data':
      if (cluster.alloc === ALL_SUBCLUSTERS && cluster.zero === 0)
        return [{ kind: 'file', guest: from, length, host: cluster.offset + (from - start) }];
      return subclusterRuns(clusterSize, start, from, to, (sub) => {
        if (bit(cluster.zero, sub)) return 'zero';
        return bit(cluster.alloc, sub) ? 'file' : 'backing';
      }).map((run) => (run.kind === 'file' ? { ...run, host: cluster.offset + (run.guest - start) } : run));
  }
}

function bit(mask: number, index: number): boolean {
  return ((mask >>> index) & 1) === 1;
}

type SubclusterKind = 'file' | 'zero' | 'backing';

/** Extended L2: each of the 32 subclusters on its own, neighbours of one kind joined. */
function subclusterRuns(
  clusterSize: number,
  start: number,
  from: number,
  to: number,
  kindOf: (sub: number) => SubclusterKind,
): Run[] {
  const subSize = clusterSize / 32;
  const runs: Run[] = [];
  for (let sub = Math.floor((from - start) / subSize); start + sub * subSize < to; sub++) {
    const low = Math.max(from, start + sub * subSize);
    const high = Math.min(to, start + (sub + 1) * subSize);
    const kind = kindOf(sub);
    const last = runs[runs.length - 1];
    if (last && last.kind === kind) last.length += high - low;
    else
      runs.push(
        kind === 'file' ? { kind, guest: low, length: high - low, host: 0 } : { kind, guest: low, length: high - low },
      );
  }
  return runs;
}
