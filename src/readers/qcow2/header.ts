import { hex } from './bytes.js';
import { u32be, u64be } from '../shared/bytes.js';
import { pushAll } from '../../model/arrays.js';

const MIN_CLUSTER_BITS = 9;
const MAX_CLUSTER_BITS = 21;
const V2_HEADER_LENGTH = 72;
const V3_HEADER_LENGTH = 104;

/** Incompatible feature bits (docs/formats/containers.md, qcow2). */
export const INCOMPATIBLE = { dirty: 0n, corrupt: 1n, externalData: 2n, compressionType: 3n, extendedL2: 4n } as const;
const KNOWN_INCOMPATIBLE = 0b11111n;

/** The fixed part of a qcow2 header, every integer as stored (big-endian on disk). */
export interface Qcow2Header {
  version: number;
  backingFileOffset: bigint;
  backingFileSize: number;
  clusterBits: number;
  size: bigint;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: bigint;
  refcountTableOffset: bigint;
  refcountTableClusters: number;
  nbSnapshots: number;
  snapshotsOffset: bigint;
  incompatibleFeatures: bigint;
  compatibleFeatures: bigint;
  autoclearFeatures: bigint;
  refcountOrder: number;
  headerLength: number;
  compressionType: number;
}

export interface HeaderProblem {
  code: 'QCOW2_BAD_HEADER' | 'QCOW2_UNKNOWN_FEATURE';
  message: string;
}

export function hasQcow2Magic(head: Uint8Array): boolean {
  return head[0] === 0x51 && head[1] === 0x46 && head[2] === 0x49 && head[3] === 0xfb;
}

export function hasFeature(bits: bigint, bit: bigint): boolean {
  return ((bits >> bit) & 1n) === 1n;
}

/** Null when there is no magic or not even a v2 header; otherwise the header and everything odd about it. */
export function parseHeader(bytes: Uint8Array): { header: Qcow2Header; problems: HeaderProblem[] } | null {
  if (!hasQcow2Magic(bytes) || bytes.length < V2_HEADER_LENGTH) return null;
  const version = u32be(bytes, 4);
  const v3 = version >= 3;
  const headerLength = v3 ? u32be(bytes, 100) : V2_HEADER_LENGTH;
  const header: Qcow2Header = {
    version,
    backingFileOffset: u64be(bytes, 8),
    backingFileSize: u32be(bytes, 16),
    clusterBits: u32be(bytes, 20),
    size: u64be(bytes, 24),
    cryptMethod: u32be(bytes, 32),
    l1Size: u32be(bytes, 36),
    l1TableOffset: u64be(bytes, 40),
    refcountTableOffset: u64be(bytes, 48),
    refcountTableClusters: u32be(bytes, 56),
    nbSnapshots: u32be(bytes, 60),
    snapshotsOffset: u64be(bytes, 64),
    incompatibleFeatures: v3 ? u64be(bytes, 72) : 0n,
    compatibleFeatures: v3 ? u64be(bytes, 80) : 0n,
    autoclearFeatures: v3 ? u64be(bytes, 88) : 0n,
    refcountOrder: v3 ? u32be(bytes, 96) : 4,
    headerLength,
    compressionType: v3 && headerLength > V3_HEADER_LENGTH ? (bytes[104] ?? 0) : 0,
  };
  return { header, problems: headerProblems(header, bytes.length) };
}

/** Whether clusters can be mapped at all: an unknown version or cluster size leaves nothing to trust. */
export function isMappable(header: Qcow2Header): boolean {
  return (
    (header.version === 2 || header.version === 3) &&
    header.clusterBits >= MIN_CLUSTER_BITS &&
    header.clusterBits <= MAX_CLUSTER_BITS
  );
}

function headerProblems(header: Qcow2Header, available: number): HeaderProblem[] {
  const bad = (message: string): HeaderProblem => ({ code: 'QCOW2_BAD_HEADER', message });
  const problems: HeaderProblem[] = [];
  if (header.version !== 2 && header.version !== 3)
    problems.push(bad(`unsupported qcow2 version ${header.version} (2 and 3 exist)`));
  if (header.clusterBits < MIN_CLUSTER_BITS || header.clusterBits > MAX_CLUSTER_BITS) {
    problems.push(
      bad(
        `cluster_bits ${header.clusterBits} is outside ${MIN_CLUSTER_BITS}..${MAX_CLUSTER_BITS}; clusters cannot be mapped`,
      ),
    );
  }
  if (header.version >= 3) pushAll(problems, v3Problems(header, available).map(bad));
  if (header.backingFileSize > 1023) problems.push(bad(`backing_file_size ${header.backingFileSize} exceeds 1023`));
  if (header.cryptMethod > 2) problems.push(bad(`unknown crypt_method ${header.cryptMethod}`));
  if (isMappable(header)) pushAll(problems, alignmentProblems(header).map(bad));
  const unknown = header.incompatibleFeatures & ~KNOWN_INCOMPATIBLE;
  if (unknown !== 0n) {
    problems.push({
      code: 'QCOW2_UNKNOWN_FEATURE',
      message: `unknown incompatible feature bits ${hex(unknown)}: QEMU refuses to open this image and guest data may be misread`,
    });
  }
  return problems;
}

/** Tables start on cluster boundaries; QEMU refuses an image whose header says otherwise. */
function alignmentProblems(header: Qcow2Header): string[] {
  const clusterMask = (1n << BigInt(header.clusterBits)) - 1n;
  const aligned: [string, bigint][] = [
    ['l1_table_offset', header.l1TableOffset],
    ['refcount_table_offset', header.refcountTableOffset],
    ['snapshots_offset', header.snapshotsOffset],
  ];
  return aligned
    .filter(([, value]) => (value & clusterMask) !== 0n)
    .map(([field, value]) => `${field} ${hex(value)} is not cluster-aligned`);
}

function v3Problems(header: Qcow2Header, available: number): string[] {
  const problems: string[] = [];
  if (available < V3_HEADER_LENGTH)
    problems.push(`the file ends after ${available} bytes, inside the ${V3_HEADER_LENGTH}-byte v3 header`);
  if (header.headerLength < V3_HEADER_LENGTH)
    problems.push(`header_length ${header.headerLength} is below the v3 minimum of ${V3_HEADER_LENGTH}`);
  else if (header.headerLength % 8 !== 0) problems.push(`header_length ${header.headerLength} is not a multiple of 8`);
  if (header.refcountOrder > 6) problems.push(`refcount_order ${header.refcountOrder} exceeds 6 (64-bit refcounts)`);
  const flagged = hasFeature(header.incompatibleFeatures, INCOMPATIBLE.compressionType);
  if (header.compressionType > 1) problems.push(`unknown compression_type ${header.compressionType} (0 zlib, 1 zstd)`);
  else if (header.compressionType !== 0 && !flagged)
    problems.push('compression_type is zstd but the compression type feature bit is clear');
  else if (header.compressionType === 0 && flagged)
    problems.push('the compression type feature bit is set but compression_type is zlib');
  return problems;
}
