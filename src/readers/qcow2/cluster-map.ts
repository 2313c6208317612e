import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { Source } from '../../model/source.js';
import { hex } from './bytes.js';

/** The numbers every cluster lookup needs, fixed per view (a snapshot may have its own disk size). */
export interface Geometry {
  clusterBits: number;
  clusterSize: number;
  /** Extended L2 entries are 16 bytes: the standard entry plus a bitmap of 32 subclusters. */
  extendedL2: boolean;
  l2Entries: number;
  virtualSize: number;
  guestClusters: number;
  fileSize: number;
  /** Size of the file data clusters live in: this one, or unknown (Infinity) with an external data file. */
  dataFileSize: number;
}

/** Every subcluster allocated: what a standard L2 entry means. */
export const ALL_SUBCLUSTERS = 0xffffffff;

export type Cluster =
  | { type: 'unallocated' }
  /** `mask`: which subclusters read as zeros; the others come from the backing file (all of them without extended L2). */
  | { type: 'zero'; mask: number }
  /** `alloc` and `zero` are subcluster bitmaps (bit i = subcluster i); without extended L2 always all / none. */
  | { type: 'data'; offset: number; alloc: number; zero: number }
  | { type: 'compressed'; offset: number; length: number };

const UNALLOCATED: Cluster = { type: 'unallocated' };
const ZERO: Cluster = { type: 'zero', mask: ALL_SUBCLUSTERS };
const TWO_32 = 2 ** 32;

export function geometryOf(
  clusterBits: number,
  extendedL2: boolean,
  virtualSize: number,
  fileSize: number,
  dataFileSize = fileSize,
): Geometry {
  const clusterSize = 2 ** clusterBits;
  return {
    clusterBits,
    clusterSize,
    extendedL2,
    l2Entries: clusterSize / (extendedL2 ? 16 : 8),
    virtualSize,
    guestClusters: Math.ceil(virtualSize / clusterSize),
    fileSize,
    dataFileSize,
  };
}

/** Bits 9–55 of an L1 or standard L2 entry, split in two 32-bit halves to stay clear of BigInt in hot loops. */
function standardOffset(hi: number, lo: number): number {
  return (hi & 0x00ffffff) * TWO_32 + ((lo & 0xfffffe00) >>> 0);
}

function classify(geometry: Geometry, table: DataView, at: number): Cluster {
  const hi = table.getUint32(at);
  const lo = table.getUint32(at + 4);
  if (hi & 0x40000000) return compressed(geometry, hi, lo);
  const offset = standardOffset(hi, lo);
  if (!geometry.extendedL2) {
    if (lo & 1) return ZERO;
    return offset === 0 ? UNALLOCATED : { type: 'data', offset, alloc: ALL_SUBCLUSTERS, zero: 0 };
  }
  const zero = table.getUint32(at + 8);
  const alloc = table.getUint32(at + 12);
  if (zero === ALL_SUBCLUSTERS) return ZERO;
  if (offset === 0 || (alloc & ~zero) === 0) return zero === 0 ? UNALLOCATED : { type: 'zero', mask: zero };
  return { type: 'data', offset, alloc, zero };
}

/** `x = 62 − (cluster_bits − 8)`: bits below x are the byte offset, bits x..61 the extra 512-byte sectors. */
function compressed(geometry: Geometry, hi: number, lo: number): Cluster {
  const raw = (BigInt(hi & 0x3fffffff) << 32n) | BigInt(lo);
  const shift = BigInt(62 - (geometry.clusterBits - 8));
  const offset = Number(raw & ((1n << shift) - 1n));
  const sectors = Number(raw >> shift) + 1;
  return { type: 'compressed', offset, length: sectors * 512 - (offset % 512) };
}

/** What an unallocated cluster of an image with a backing file reads: the backing file's bytes, never a host offset (those are 512-aligned). */
const FROM_BACKING = 1n;

/**
 * Identity of a cluster's bytes for comparing snapshots of one image: the host offset, since
 * copy-on-write always moves a written cluster. 0 reads as zeros; compressed clusters and
 * partly allocated subclusters get tagged values that cannot equal a plain offset. With a backing
 * file, what the image leaves unallocated reads the same backing bytes in every view.
 */
function clusterToken(cluster: Cluster, backed: boolean): bigint {
  if (cluster.type === 'compressed') return (1n << 63n) | BigInt(cluster.offset);
  if (cluster.type === 'unallocated') return backed ? FROM_BACKING : 0n;
  if (cluster.type === 'zero')
    return backed && cluster.mask !== ALL_SUBCLUSTERS ? (3n << 62n) | BigInt(cluster.mask) : 0n;
  if (cluster.alloc === ALL_SUBCLUSTERS && cluster.zero === 0) return BigInt(cluster.offset);
  // Same host cluster, different subcluster bitmap: different bytes, so mix the bitmap in.
  const mixed =
    (BigInt(cluster.offset) * 0x9e3779b97f4a7c15n) ^ ((BigInt(cluster.alloc) << 32n) | BigInt(cluster.zero));
  return (1n << 62n) | (mixed & ((1n << 62n) - 1n));
}

export interface MapScan {
  allocated: number;
  zero: number;
  compressed: number;
  l2Tables: number;
  findings: Diagnostic[];
}

type Visit = (guestCluster: number, cluster: Cluster) => void;
type Walk = Pick<MapScan, 'l2Tables' | 'findings'>;

/** Guest-to-host mapping through one L1 table (the active one or a snapshot's). */
export class ClusterMap {
  private readonly cache = new Map<number, Promise<DataView>>();
  private readonly cacheLimit: number;

  constructor(
    private readonly file: Source,
    readonly geometry: Geometry,
    private readonly l1: DataView,
  ) {
    // Enough L2 tables for sequential reads of any block size, bounded in bytes whatever the cluster size.
    this.cacheLimit = Math.max(4, Math.floor((32 * 1024 * 1024) / geometry.clusterSize));
  }

  get l1Entries(): number {
    return this.l1.byteLength / 8;
  }

  l2Offset(l1Index: number): number {
    if (l1Index >= this.l1Entries) return 0;
    return standardOffset(this.l1.getUint32(l1Index * 8), this.l1.getUint32(l1Index * 8 + 4));
  }

  async cluster(guestCluster: number): Promise<Cluster> {
    const l1Index = Math.floor(guestCluster / this.geometry.l2Entries);
    const offset = this.l2Offset(l1Index);
    if (offset === 0 || offset >= this.geometry.fileSize) return UNALLOCATED;
    const table = await this.l2Table(offset);
    const stride = this.geometry.extendedL2 ? 16 : 8;
    const at = (guestCluster % this.geometry.l2Entries) * stride;
    // An L2 table cut short by the end of the file maps nothing beyond its last whole entry.
    return at + stride <= table.byteLength ? classify(this.geometry, table, at) : UNALLOCATED;
  }

  private l2Table(offset: number): Promise<DataView> {
    let table = this.cache.get(offset);
    if (table) {
      this.cache.delete(offset);
    } else {
      table = this.file
        .read(offset, this.geometry.clusterSize)
        .then((bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.length));
      if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value ?? offset);
    }
    this.cache.set(offset, table);
    return table;
  }

  /**
   * Counts clusters by type and reports broken tables; every L2 table is read once, so the cost is bounded by the file.
   * Tables in `skip` (scanned through another L1 table already) are not read again, and are added to it.
   */
  scan(where?: string, skip?: Set<number>): Promise<MapScan> {
    const counts = { allocated: 0, zero: 0, compressed: 0 };
    return this.walk(
      (_, cluster) => {
        if (cluster.type === 'zero') counts.zero++;
        else if (cluster.type === 'compressed') counts.compressed++;
        if (cluster.type === 'data' || cluster.type === 'compressed') counts.allocated++;
      },
      where,
      skip,
    ).then((scan) => ({ ...scan, ...counts }));
  }

  /** Every mapped cluster by guest index, for checks that must look at each one (tables read as `scan` reads them). */
  async eachCluster(visit: Visit): Promise<void> {
    await this.walk(visit);
  }

  /** `backed`: whether the image has a backing file, so that unallocated clusters are not zeros. */
  async tokens(backed: boolean): Promise<BigUint64Array> {
    const tokens = new BigUint64Array(this.geometry.guestClusters);
    if (backed) tokens.fill(FROM_BACKING);
    await this.walk((guestCluster, cluster) => {
      tokens[guestCluster] = clusterToken(cluster, backed);
    });
    return tokens;
  }

  private async walk(visit: Visit, where?: string, skip?: Set<number>): Promise<Walk> {
    const problems = new Problems(where);
    const { l2Entries, guestClusters, fileSize, clusterSize } = this.geometry;
    const seen = new Set<number>();
    const tables = Math.min(this.l1Entries, Math.ceil(guestClusters / l2Entries));
    for (let l1Index = 0; l1Index < tables; l1Index++) {
      const offset = this.l2Offset(l1Index);
      if (offset === 0) continue;
      const first = l1Index * l2Entries;
      if (offset >= fileSize)
        problems.add(
          'QCOW2_TABLE_PAST_END',
          `L2 table at ${hex(offset)} (guest offset ${hex(first * clusterSize)}) is past the end of the file`,
        );
      else if (offset % clusterSize !== 0)
        problems.add('QCOW2_UNALIGNED', `L2 table offset ${hex(offset)} is not cluster-aligned`);
      // Two L1 entries sharing an L2 table is corruption; reading it again would let a hostile L1 cost far more than the file.
      else if (seen.has(offset))
        problems.add('QCOW2_SHARED_L2', `L2 table at ${hex(offset)} is referenced by more than one L1 entry`);
      if (offset >= fileSize || seen.has(offset) || skip?.has(offset)) continue;
      seen.add(offset);
      skip?.add(offset);
      const table = await this.l2Table(offset);
      this.walkTable(table, first, Math.min(l2Entries, guestClusters - first), visit, problems);
    }
    return { l2Tables: seen.size, findings: problems.list() };
  }

  private walkTable(table: DataView, first: number, count: number, visit: Visit, problems: Problems): void {
    const stride = this.geometry.extendedL2 ? 16 : 8;
    const entries = Math.min(count, Math.floor(table.byteLength / stride));
    for (let index = 0; index < entries; index++) {
      const at = index * stride;
      if (table.getUint32(at) === 0 && table.getUint32(at + 4) === 0 && (stride === 8 || table.getUint32(at + 8) === 0))
        continue;
      const cluster = classify(this.geometry, table, at);
      if (cluster.type === 'unallocated') continue;
      const limit = cluster.type === 'data' ? this.geometry.dataFileSize : this.geometry.fileSize;
      if ((cluster.type === 'data' || cluster.type === 'compressed') && cluster.offset >= limit) {
        problems.add(
          'QCOW2_CLUSTER_PAST_END',
          `guest offset ${hex((first + index) * this.geometry.clusterSize)} maps to ${hex(cluster.offset)}, past the end of the file`,
        );
      } else if (cluster.type === 'data' && cluster.offset % this.geometry.clusterSize !== 0) {
        problems.add(
          'QCOW2_UNALIGNED',
          `guest offset ${hex((first + index) * this.geometry.clusterSize)} maps to unaligned host offset ${hex(cluster.offset)}`,
        );
      }
      visit(first + index, cluster);
    }
  }
}

/** One diagnostic per kind of damage, with a count: a broken table can hold millions of bad entries. */
class Problems {
  private readonly byCode = new Map<string, { first: string; count: number }>();

  constructor(private readonly where?: string) {}

  add(code: string, message: string): void {
    const known = this.byCode.get(code);
    if (known) known.count++;
    else this.byCode.set(code, { first: message, count: 1 });
  }

  list(): Diagnostic[] {
    return [...this.byCode].map(([code, { first, count }]) =>
      diagnostic('error', code, count > 1 ? `${first} (and ${count - 1} more like it)` : first, this.where),
    );
  }
}
