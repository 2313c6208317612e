import { deflateRawSync } from 'node:zlib';

/**
 * Byte-built qcow2 images (docs/formats/containers.md, qcow2) with valid refcounts and COPIED flags, so
 * `qemu-img check` accepts them. Guest clusters are given per view (the active state and each
 * snapshot); the same Uint8Array object in two views is one host cluster, as after a snapshot.
 */
export type ClusterSpec =
  | Uint8Array
  | 'zero'
  | { compressed: Uint8Array }
  /** Extended L2 only: `alloc` and `zero` are the subcluster bitmaps. */
  | { data: Uint8Array; alloc: number; zero: number };

export interface SnapshotSpec {
  name: string;
  clusters: Record<number, ClusterSpec>;
  /** 24 (QEMU 7.2), 16, or 0 (very old images); default 24. */
  extraSize?: 0 | 16 | 24;
  dateSec?: number;
  dateNsec?: number;
  vmClockNsec?: bigint;
  vmStateSize?: bigint;
  /** -1n (the default for none recorded) prints as an empty ICOUNT column. */
  icount?: bigint;
}

export interface Qcow2Spec {
  version?: 2 | 3;
  clusterBits?: number;
  virtualSize: number;
  clusters?: Record<number, ClusterSpec>;
  snapshots?: SnapshotSpec[];
  incompatible?: bigint;
  compatible?: bigint;
  extendedL2?: boolean;
  backingFile?: string;
  backingFormat?: string;
  cryptMethod?: number;
  /** End the file right after the last snapshot name, without its padding (as `qemu-img snapshot -c` can leave it). */
  unpaddedTable?: boolean;
}

export interface Qcow2Build {
  bytes: Uint8Array;
  l1TableOffset: number;
  snapshotsOffset: number;
  /** Byte offset of each snapshot table entry. */
  entryOffsets: number[];
}

/** What QEMU 7.2 writes into the feature name table: [type, bit, name]. */
const FEATURE_NAMES: [number, number, string][] = [
  [0, 0, 'dirty bit'],
  [0, 1, 'corrupt bit'],
  [0, 2, 'external data file'],
  [0, 3, 'compression type'],
  [0, 4, 'extended L2 entries'],
  [1, 0, 'lazy refcounts'],
  [2, 0, 'bitmaps'],
  [2, 1, 'raw external data'],
];
const COPIED = 1n << 63n;
const COMPRESSED = 1n << 62n;

interface View {
  clusters: Record<number, ClusterSpec>;
  l1Offset: number;
  l2Offsets: Map<number, number>;
}

/** Host placement of everything, decided before any byte is written. */
class Layout {
  /** The first free byte: where the next cluster goes, and the file size in the end. */
  end: number;
  readonly refs = new Map<number, number>();
  readonly hostOf = new Map<Uint8Array, number>();
  readonly compressedAt = new Map<object, { offset: number; bytes: Uint8Array }>();

  constructor(readonly clusterSize: number) {
    this.end = 3 * clusterSize; // header, refcount table, one refcount block
    for (let cluster = 0; cluster < 3; cluster++) this.refs.set(cluster, 1);
  }

  allocate(clusters: number): number {
    const offset = this.end;
    for (let i = 0; i < clusters; i++) this.refs.set(offset / this.clusterSize + i, 1);
    this.end += clusters * this.clusterSize;
    return offset;
  }

  /** Byte-granular packing of compressed clusters, as QEMU does; each touched host cluster gains a reference. */
  placeCompressed(spec: object, data: Uint8Array, cursor: { at: number; end: number }): void {
    const cluster = new Uint8Array(this.clusterSize);
    cluster.set(data.subarray(0, this.clusterSize));
    const bytes = deflateRawSync(cluster, { windowBits: 12 });
    if (cursor.at + bytes.length > cursor.end) {
      cursor.at = this.allocate(1);
      cursor.end = cursor.at + this.clusterSize;
      this.refs.set(cursor.at / this.clusterSize, 0);
    }
    this.compressedAt.set(spec, { offset: cursor.at, bytes });
    cursor.at += bytes.length;
  }

  addRef(offset: number, length = 1): void {
    const first = Math.floor(offset / this.clusterSize);
    const last = Math.floor((offset + length - 1) / this.clusterSize);
    for (let cluster = first; cluster <= last; cluster++) this.refs.set(cluster, (this.refs.get(cluster) ?? 0) + 1);
  }
}

export function buildQcow2(spec: Qcow2Spec): Qcow2Build {
  const version = spec.version ?? 3;
  const clusterBits = spec.clusterBits ?? 16;
  const clusterSize = 2 ** clusterBits;
  const entryBytes = spec.extendedL2 ? 16 : 8;
  const l2Entries = clusterSize / entryBytes;
  const l1Size = Math.max(1, Math.ceil(Math.ceil(spec.virtualSize / clusterSize) / l2Entries));
  const layout = new Layout(clusterSize);
  const views: View[] = [...(spec.snapshots ?? []).map((snapshot) => snapshot.clusters), spec.clusters ?? {}].map(
    (clusters) => ({ clusters, l1Offset: 0, l2Offsets: new Map() }),
  );
  placeData(layout, views);
  for (const view of views) {
    view.l1Offset = layout.allocate(Math.ceil((l1Size * 8) / clusterSize));
    for (const guest of Object.keys(view.clusters).map(Number)) {
      const l1Index = Math.floor(guest / l2Entries);
      if (!view.l2Offsets.has(l1Index)) view.l2Offsets.set(l1Index, layout.allocate(1));
    }
  }
  const entries = (spec.snapshots ?? []).map((snapshot, index) =>
    snapshotEntry(snapshot, index, views[index]?.l1Offset ?? 0, l1Size, spec.virtualSize),
  );
  const tableSize = entries.reduce((sum, entry) => sum + entry.bytes.length, 0);
  const snapshotsOffset = entries.length ? layout.allocate(Math.ceil(tableSize / clusterSize)) : 0;
  for (const view of views) countViewRefs(layout, view);
  const bytes = new Uint8Array(layout.end);
  const l1TableOffset = views[views.length - 1]?.l1Offset ?? 0;
  const header = { version, clusterBits, l1Size, l1TableOffset, snapshotsOffset, nbSnapshots: entries.length };
  writeHeader(bytes, spec, header);
  writeRefcounts(bytes, layout);
  for (const [index, view] of views.entries()) writeView(bytes, layout, view, spec, index === views.length - 1);
  const entryOffsets: number[] = [];
  let at = snapshotsOffset;
  for (const entry of entries) {
    entryOffsets.push(at);
    bytes.set(entry.bytes, at);
    at += entry.bytes.length;
  }
  const last = entries[entries.length - 1];
  const end = spec.unpaddedTable && last ? at - last.bytes.length + last.used : bytes.length;
  return { bytes: bytes.subarray(0, end), l1TableOffset, snapshotsOffset, entryOffsets };
}

/** The uncompressed bytes a cluster stores on the host, if any. */
function hostData(cluster: ClusterSpec): Uint8Array | null {
  if (cluster instanceof Uint8Array) return cluster;
  return cluster !== 'zero' && 'data' in cluster ? cluster.data : null;
}

function compressedSpec(cluster: ClusterSpec): { compressed: Uint8Array } | null {
  return cluster !== 'zero' && !(cluster instanceof Uint8Array) && 'compressed' in cluster ? cluster : null;
}

function placeData(layout: Layout, views: View[]): void {
  const cursor = { at: 0, end: 0 };
  for (const cluster of views.flatMap((view) => Object.values(view.clusters))) {
    const data = hostData(cluster);
    const compressed = compressedSpec(cluster);
    if (data && !layout.hostOf.has(data)) {
      const offset = layout.allocate(1);
      layout.hostOf.set(data, offset);
      layout.refs.set(offset / layout.clusterSize, 0);
    } else if (compressed && !layout.compressedAt.has(compressed)) {
      layout.placeCompressed(compressed, compressed.compressed, cursor);
    }
  }
}

function countViewRefs(layout: Layout, view: View): void {
  for (const cluster of Object.values(view.clusters)) {
    const data = hostData(cluster);
    const compressed = compressedSpec(cluster);
    if (data) layout.addRef(layout.hostOf.get(data) ?? 0);
    const placed = compressed ? layout.compressedAt.get(compressed) : undefined;
    if (placed) layout.addRef(placed.offset, placed.bytes.length);
  }
}

function writeHeader(
  bytes: Uint8Array,
  spec: Qcow2Spec,
  header: {
    version: number;
    clusterBits: number;
    l1Size: number;
    l1TableOffset: number;
    snapshotsOffset: number;
    nbSnapshots: number;
  },
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const clusterSize = 2 ** header.clusterBits;
  bytes.set([0x51, 0x46, 0x49, 0xfb], 0);
  view.setUint32(4, header.version);
  view.setUint32(20, header.clusterBits);
  view.setBigUint64(24, BigInt(spec.virtualSize));
  view.setUint32(32, spec.cryptMethod ?? 0);
  view.setUint32(36, header.l1Size);
  view.setBigUint64(40, BigInt(header.l1TableOffset));
  view.setBigUint64(48, BigInt(clusterSize));
  view.setUint32(56, 1);
  view.setUint32(60, header.nbSnapshots);
  view.setBigUint64(64, BigInt(header.snapshotsOffset));
  let at = 72;
  if (header.version === 3) {
    const incompatible = (spec.incompatible ?? 0n) | (spec.extendedL2 ? 1n << 4n : 0n);
    view.setBigUint64(72, incompatible);
    view.setBigUint64(80, spec.compatible ?? 0n);
    view.setUint32(96, 4);
    view.setUint32(100, 112);
    at = 112;
  }
  at = writeExtensions(bytes, view, at, spec, header.version);
  if (spec.backingFile !== undefined) {
    const name = new TextEncoder().encode(spec.backingFile);
    view.setBigUint64(8, BigInt(at));
    view.setUint32(16, name.length);
    bytes.set(name, at);
  }
}

function writeExtensions(bytes: Uint8Array, view: DataView, start: number, spec: Qcow2Spec, version: number): number {
  let at = start;
  const extension = (type: number, data: Uint8Array): void => {
    view.setUint32(at, type);
    view.setUint32(at + 4, data.length);
    bytes.set(data, at + 8);
    at += 8 + Math.ceil(data.length / 8) * 8;
  };
  if (spec.backingFormat !== undefined) extension(0xe2792aca, new TextEncoder().encode(spec.backingFormat));
  if (version === 3) {
    const table = new Uint8Array(FEATURE_NAMES.length * 48);
    FEATURE_NAMES.forEach(([type, bit, name], index) => {
      table.set([type, bit], index * 48);
      table.set(new TextEncoder().encode(name), index * 48 + 2);
    });
    extension(0x6803f857, table);
  }
  return at + 8; // the end extension: type 0, length 0 (already zero)
}

function writeRefcounts(bytes: Uint8Array, layout: Layout): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const block = 2 * layout.clusterSize;
  view.setBigUint64(layout.clusterSize, BigInt(block));
  for (const [cluster, count] of layout.refs) {
    if (cluster >= layout.clusterSize / 2) throw new Error('image too large for one refcount block');
    view.setUint16(block + cluster * 2, count);
  }
}

function writeView(bytes: Uint8Array, layout: Layout, view: View, spec: Qcow2Spec, active: boolean): void {
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const clusterSize = layout.clusterSize;
  const entryBytes = spec.extendedL2 ? 16 : 8;
  const l2Entries = clusterSize / entryBytes;
  for (const [l1Index, l2Offset] of view.l2Offsets)
    data.setBigUint64(view.l1Offset + l1Index * 8, BigInt(l2Offset) | COPIED);
  for (const [key, cluster] of Object.entries(view.clusters)) {
    const guest = Number(key);
    const at = (view.l2Offsets.get(Math.floor(guest / l2Entries)) ?? 0) + (guest % l2Entries) * entryBytes;
    const { entry, bitmap } = l2Entry(layout, cluster, spec, active);
    data.setBigUint64(at, entry);
    if (spec.extendedL2) data.setBigUint64(at + 8, bitmap);
    const host = hostData(cluster);
    if (host) bytes.set(host.subarray(0, clusterSize), layout.hostOf.get(host) ?? 0);
    const compressed = compressedSpec(cluster);
    const placed = compressed ? layout.compressedAt.get(compressed) : undefined;
    if (placed) bytes.set(placed.bytes, placed.offset);
  }
}

/** COPIED is set where the refcount is exactly 1 (qemu-img check requires it in the active tables). */
function l2Entry(
  layout: Layout,
  cluster: ClusterSpec,
  spec: Qcow2Spec,
  active: boolean,
): { entry: bigint; bitmap: bigint } {
  const copied = (offset: number): bigint =>
    active && layout.refs.get(offset / layout.clusterSize) === 1 ? COPIED : 0n;
  if (cluster === 'zero')
    return spec.extendedL2 ? { entry: 0n, bitmap: 0xffffffffn << 32n } : { entry: 1n, bitmap: 0n };
  const placed = layout.compressedAt.get(compressedSpec(cluster) ?? {});
  if (placed) {
    const clusterBits = Math.log2(layout.clusterSize);
    const sectors = Math.ceil(((placed.offset % 512) + placed.bytes.length) / 512) - 1;
    return {
      entry: COMPRESSED | (BigInt(sectors) << BigInt(62 - (clusterBits - 8))) | BigInt(placed.offset),
      bitmap: 0n,
    };
  }
  const offset = layout.hostOf.get(hostData(cluster) ?? new Uint8Array(0)) ?? 0;
  const bitmap =
    cluster instanceof Uint8Array || !('alloc' in cluster)
      ? 0xffffffffn
      : (BigInt(cluster.zero >>> 0) << 32n) | BigInt(cluster.alloc >>> 0);
  return { entry: BigInt(offset) | copied(offset), bitmap };
}

/** One table entry, padded to 8 bytes; `used` is its length before the padding. */
function snapshotEntry(
  snapshot: SnapshotSpec,
  index: number,
  l1Offset: number,
  l1Size: number,
  virtualSize: number,
): { bytes: Uint8Array; used: number } {
  const id = new TextEncoder().encode(String(index + 1));
  const name = new TextEncoder().encode(snapshot.name);
  const extra = snapshot.extraSize ?? 24;
  const used = 40 + extra + id.length + name.length;
  const entry = new Uint8Array(Math.ceil(used / 8) * 8);
  const view = new DataView(entry.buffer);
  view.setBigUint64(0, BigInt(l1Offset));
  view.setUint32(8, l1Size);
  view.setUint16(12, id.length);
  view.setUint16(14, name.length);
  view.setUint32(16, snapshot.dateSec ?? 1_700_000_000 + index);
  view.setUint32(20, snapshot.dateNsec ?? 0);
  view.setBigUint64(24, snapshot.vmClockNsec ?? 0n);
  const vmState = snapshot.vmStateSize ?? 0n;
  view.setUint32(32, Number(vmState & 0xffffffffn));
  view.setUint32(36, extra);
  if (extra >= 8) view.setBigUint64(40, vmState);
  if (extra >= 16) view.setBigUint64(48, BigInt(virtualSize));
  if (extra >= 24) view.setBigUint64(56, BigInt.asUintN(64, snapshot.icount ?? -1n));
  entry.set(id, 40 + extra);
  entry.set(name, 40 + extra + id.length);
  return { bytes: entry, used };
}

/** A cluster of one repeated byte, as `qemu-io -c 'write -P'` writes. */
export function filled(byte: number, size: number): Uint8Array {
  return new Uint8Array(size).fill(byte);
}
