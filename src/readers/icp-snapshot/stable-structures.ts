import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { ConcatSource, SliceSource, type Source } from '../../model/source.js';
import { LittleEndian } from './structure-headers.js';

export { detectStructure, type StructureInfo, type StructureKind } from './structure-headers.js';

/** One ic-stable-structures virtual memory rebuilt from the buckets its MemoryManager gave it. */
export interface VirtualMemory {
  id: number;
  sizePages: bigint;
  /** Ascending bucket indexes, which is also the order of the memory's bytes. */
  buckets: number[];
  /** The buckets end to end, cut to `sizePages` × 64 KiB or to what the buckets hold, whichever is less. */
  source: Source;
}

export interface MemoryManagerInfo {
  version: number;
  allocatedBuckets: number;
  bucketSizePages: number;
  /** Memories that have a size or own a bucket, by ascending id. */
  memories: VirtualMemory[];
  diagnostics: Diagnostic[];
}

export interface MotokoPersistence {
  fingerprint: string;
  version: bigint;
}

export interface MotokoRegions {
  version: number;
  blockPages: number;
  blockBase: bigint;
  totalAllocatedBlocks: number;
  totalAllocatedRegions: bigint;
}

/** The IC's 64 KiB wasm page: the unit of stable memory, buckets and Motoko region blocks. */
export const WASM_PAGE = 65536;
const HEADER_PAGE = 65536;
const LAYOUT_VERSION = 1;
const SIZES_OFFSET = 40;
const MAX_MEMORIES = 255;
const OWNERS_OFFSET = 2080;
const MAX_BUCKETS = 32768;
const UNALLOCATED = 255;

/**
 * The MemoryManager at byte 0 of stable memory, or null when there is none ("MGR" missing).
 * Reads only the header page; bucket bytes are reached lazily through each memory's source.
 */
export async function readMemoryManager(stable: Source): Promise<MemoryManagerInfo | null> {
  const header = new LittleEndian(await stable.read(0, HEADER_PAGE));
  if (header.ascii(0, 3) !== 'MGR') return null;
  const info: MemoryManagerInfo = {
    version: header.u8(3),
    allocatedBuckets: header.u16(4),
    bucketSizePages: header.u16(6),
    memories: [],
    diagnostics: [],
  };
  if (header.length < HEADER_PAGE) {
    const message =
      `Stable memory is ${header.length} bytes long, shorter than the ${HEADER_PAGE}-byte MemoryManager header page, ` +
      'so no memory can be rebuilt.';
    info.diagnostics.push(diagnostic('error', 'MGR_TRUNCATED', message));
    return info;
  }
  if (info.version !== LAYOUT_VERSION) {
    const message =
      `The MemoryManager layout version is ${info.version}, not ${LAYOUT_VERSION}; ` +
      `the header is decoded as version ${LAYOUT_VERSION} anyway.`;
    info.diagnostics.push(diagnostic('error', 'MGR_BAD_VERSION', message));
  }
  if (info.bucketSizePages === 0) {
    const message = 'The MemoryManager bucket size is 0 pages, so no memory can be rebuilt.';
    info.diagnostics.push(diagnostic('error', 'MGR_ZERO_BUCKET_SIZE', message));
    return info;
  }
  const owned = bucketsByMemory(header, info);
  for (let id = 0; id < MAX_MEMORIES; id++) {
    const sizePages = header.u64(SIZES_OFFSET + 8 * id);
    const buckets = owned[id] ?? [];
    if (sizePages > 0n || buckets.length > 0) info.memories.push(assemble(stable, info, { id, sizePages, buckets }));
  }
  return info;
}

/**
 * Bucket indexes per memory id, read from the whole owner table as the crate does when loading,
 * so owner bytes beyond `num_allocated_buckets` still count (and are reported).
 */
function bucketsByMemory(header: LittleEndian, info: MemoryManagerInfo): number[][] {
  const owned: number[][] = Array.from({ length: MAX_MEMORIES }, () => []);
  const beyond: number[] = [];
  for (let bucket = 0; bucket < MAX_BUCKETS; bucket++) {
    const owner = header.u8(OWNERS_OFFSET + bucket);
    if (owner === UNALLOCATED) continue;
    owned[owner]?.push(bucket);
    if (bucket >= info.allocatedBuckets) beyond.push(bucket);
  }
  if (beyond.length > 0) {
    const message =
      `${beyond.length} bucket(s) from index ${beyond[0]} on have an owner although only ${info.allocatedBuckets} bucket(s) ` +
      'are allocated; they are included in their memories.';
    info.diagnostics.push(diagnostic('warning', 'MGR_BUCKET_OWNER_BEYOND_ALLOCATED', message));
  }
  return owned;
}

type MemoryLayout = Omit<VirtualMemory, 'source'>;

function assemble(stable: Source, info: MemoryManagerInfo, memory: MemoryLayout): VirtualMemory {
  const bucketBytes = info.bucketSizePages * WASM_PAGE;
  const slices = memory.buckets.map((bucket) => new SliceSource(stable, bucketStart(bucket, bucketBytes), bucketBytes));
  const held = BigInt(slices.reduce((sum, slice) => sum + slice.size, 0));
  const capacity = BigInt(memory.buckets.length * bucketBytes);
  const declared = memory.sizePages * BigInt(WASM_PAGE);
  if (declared > capacity) {
    const message =
      `Memory ${memory.id} declares ${memory.sizePages} page(s) ` +
      `but its ${memory.buckets.length} bucket(s) hold only ${capacity / BigInt(WASM_PAGE)}.`;
    info.diagnostics.push(diagnostic('warning', 'MGR_MEMORY_SHORT', message));
  }
  if (held < capacity) reportPastEnd(stable.size, info, memory, min(declared, capacity) - min(declared, held));
  const size = Number(min(declared, held));
  return { ...memory, source: new SliceSource(new ConcatSource(slices), 0, size) };
}

function reportPastEnd(stableSize: number, info: MemoryManagerInfo, memory: MemoryLayout, cut: bigint): void {
  const bucketBytes = info.bucketSizePages * WASM_PAGE;
  const first = memory.buckets.find((bucket) => bucketStart(bucket, bucketBytes) + bucketBytes > stableSize);
  const effect =
    cut > 0n ? `the memory is cut by ${cut} bytes` : 'its declared size does not reach that far, so no bytes are lost';
  const message = `Memory ${memory.id}'s bucket ${first} ends beyond the ${stableSize} bytes of stable memory; ${effect}.`;
  info.diagnostics.push(diagnostic(cut > 0n ? 'error' : 'warning', 'MGR_BUCKET_PAST_END', message));
}

/** At most 65536 + 32767 × 65535 × 65536 bytes, well inside the exact range of a double. */
function bucketStart(bucket: number, bucketBytes: number): number {
  return HEADER_PAGE + bucket * bucketBytes;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

const EOP_OFFSET = 0x480000;
const EOP_FINGERPRINT = 'MOTOKO ORTHOGONAL PERSISTENCE 64';
const EOP_VERSION_OFFSET = 4 * EOP_FINGERPRINT.length;

/** Motoko enhanced orthogonal persistence metadata in the wasm heap, or null when the fingerprint is absent. */
export async function detectMotokoEop(wasmMemory: Source): Promise<MotokoPersistence | null> {
  const fields = new LittleEndian(await wasmMemory.read(EOP_OFFSET, EOP_VERSION_OFFSET + 8));
  if (fields.length < EOP_VERSION_OFFSET + 8) return null;
  for (let i = 0; i < EOP_FINGERPRINT.length; i++) {
    if (fields.u32(4 * i) !== EOP_FINGERPRINT.charCodeAt(i)) return null;
  }
  return { fingerprint: EOP_FINGERPRINT, version: fields.u64(EOP_VERSION_OFFSET) };
}

const REGIONS_HEADER_SIZE = 34;

/** The Motoko stable regions header at byte 0 of stable memory, or null when "MOREGION" is absent. */
export async function detectMotokoRegions(stable: Source): Promise<MotokoRegions | null> {
  const fields = new LittleEndian(await stable.read(0, REGIONS_HEADER_SIZE));
  if (fields.length < REGIONS_HEADER_SIZE || fields.ascii(0, 8) !== 'MOREGION') return null;
  return {
    version: fields.u32(8),
    blockPages: fields.u16(12),
    blockBase: fields.u64(14),
    totalAllocatedBlocks: fields.u32(22),
    totalAllocatedRegions: fields.u64(26),
  };
}
