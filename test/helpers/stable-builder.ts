/**
 * Byte images in the ic-stable-structures v0.7.2 layouts (docs/formats/icp.md#stable-structures) and
 * Motoko's persistence layouts (docs/formats/icp.md#motoko), for tests and fixture generators.
 */

const PAGE = 65536;

export interface MemorySpec {
  id: number;
  /** Placed in the virtual memory from offset 0. */
  data: Uint8Array;
}

export class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  ascii(offset: number, text: string): this {
    for (let i = 0; i < text.length; i++) this.bytes[offset + i] = text.charCodeAt(i);
    return this;
  }

  u8(offset: number, value: number): this {
    this.view.setUint8(offset, value);
    return this;
  }

  u16(offset: number, value: number): this {
    this.view.setUint16(offset, value, true);
    return this;
  }

  u32(offset: number, value: number): this {
    this.view.setUint32(offset, value, true);
    return this;
  }

  u64(offset: number, value: bigint): this {
    this.view.setBigUint64(offset, value, true);
    return this;
  }
}

/**
 * A stable memory image: header page, then the buckets. Buckets go to the memories in spec order,
 * all of one memory's buckets before the next, or one bucket per memory in turn when `interleave`.
 */
export function buildMemoryManager(opts: {
  bucketSizePages: number;
  memories: MemorySpec[];
  interleave?: boolean;
}): Uint8Array {
  const bucketBytes = opts.bucketSizePages * PAGE;
  if (bucketBytes <= 0) throw new Error('bucketSizePages must be positive');
  const needs = opts.memories.map((memory) => Math.ceil(Math.ceil(memory.data.length / PAGE) / opts.bucketSizePages));
  const owners = opts.interleave
    ? roundRobin(needs)
    : needs.flatMap((count, index) => Array<number>(count).fill(index));
  const image = new Writer(PAGE + owners.length * bucketBytes).ascii(0, 'MGR').u8(3, 1);
  image.u16(4, owners.length).u16(6, opts.bucketSizePages);
  image.bytes.fill(255, 2080, 2080 + 32768);
  opts.memories.forEach((memory, index) => {
    image.u64(40 + 8 * memory.id, BigInt(Math.ceil(memory.data.length / PAGE)));
    const buckets = owners.flatMap((owner, bucket) => (owner === index ? [bucket] : []));
    buckets.forEach((bucket, k) => {
      image.u8(2080 + bucket, memory.id);
      image.bytes.set(memory.data.subarray(k * bucketBytes, (k + 1) * bucketBytes), PAGE + bucket * bucketBytes);
    });
  });
  return image.bytes;
}

/** Spec indexes in allocation order, taking one bucket for each memory that still needs one per round. */
function roundRobin(needs: number[]): number[] {
  const left = [...needs];
  const order: number[] = [];
  while (left.some((count) => count > 0)) {
    left.forEach((count, index) => {
      if (count === 0) return;
      order.push(index);
      left[index] = count - 1;
    });
  }
  return order;
}

/** The crate's V1 node size: header, 11 padded entries with two u32 lengths, 12 child addresses. */
export function btreeV1NodeSize(maxKeySize: number, maxValueSize: number): number {
  return 7 + 11 * (8 + maxKeySize + maxValueSize) + 12 * 8;
}

export function btreeMapHeaderV1(opts: {
  maxKeySize: number;
  maxValueSize: number;
  rootAddr?: bigint;
  length?: bigint;
}): Uint8Array {
  const image = btreeMapImage(
    1,
    BigInt(btreeV1NodeSize(opts.maxKeySize, opts.maxValueSize)),
    opts.rootAddr,
    opts.length,
  );
  return image.u32(4, opts.maxKeySize).u32(8, opts.maxValueSize).bytes;
}

export function btreeMapHeaderV2(opts: { pageSize: number; rootAddr?: bigint; length?: bigint }): Uint8Array {
  const image = btreeMapImage(2, BigInt(opts.pageSize), opts.rootAddr, opts.length);
  return image.u32(4, opts.pageSize).u32(8, 0xffffffff).bytes;
}

/** Map header (52 bytes) and a fresh allocator (48 bytes) whose free list starts right after it. */
function btreeMapImage(version: number, allocationSize: bigint, rootAddr = 0n, length = 0n): Writer {
  const image = new Writer(100).ascii(0, 'BTR').u8(3, version).u64(12, rootAddr).u64(20, length);
  return image.ascii(52, 'BTA').u8(55, 1).u64(60, allocationSize).u64(68, 0n).u64(76, 100n);
}

export function cellImage(value: Uint8Array): Uint8Array {
  const image = new Writer(8 + value.length).ascii(0, 'SCL').u8(3, 1).u32(4, value.length);
  image.bytes.set(value, 8);
  return image.bytes;
}

/** A BaseVec: 64-byte header, then slots of `maxSize` bytes behind a length prefix unless `fixed`. */
export function vecImage(kind: 'SVC' | 'SMH', elements: Uint8Array[], maxSize: number, fixed: boolean): Uint8Array {
  const prefix = fixed ? 0 : maxSize <= 0xff ? 1 : maxSize <= 0xffff ? 2 : 4;
  const slot = prefix + maxSize;
  const image = new Writer(64 + elements.length * slot).ascii(0, kind).u8(3, 1);
  image
    .u64(4, BigInt(elements.length))
    .u32(12, maxSize)
    .u8(16, fixed ? 1 : 0);
  elements.forEach((element, i) => {
    const at = 64 + i * slot;
    if (prefix > 0) image.bytes.set(littleEndian(element.length, prefix), at);
    image.bytes.set(element, at + prefix);
  });
  return image.bytes;
}

function littleEndian(value: number, width: number): Uint8Array {
  return Uint8Array.from({ length: width }, (_, i) => (value >>> (8 * i)) & 0xff);
}

/** A Log: the index holds each entry's cumulative end offset, the data holds the entries back to back. */
export function logImages(entries: Uint8Array[]): { index: Uint8Array; data: Uint8Array } {
  const index = new Writer(40 + 8 * entries.length).ascii(0, 'GLI').u8(3, 1).u64(32, BigInt(entries.length));
  const total = entries.reduce((sum, entry) => sum + entry.length, 0);
  const data = new Writer(32 + total).ascii(0, 'GLD').u8(3, 1);
  let end = 0;
  entries.forEach((entry, i) => {
    data.bytes.set(entry, 32 + end);
    end += entry.length;
    index.u64(40 + 8 * i, BigInt(end));
  });
  return { index: index.bytes, data: data.bytes };
}

export const MOTOKO_EOP_OFFSET = 0x480000;
export const MOTOKO_EOP_FINGERPRINT = 'MOTOKO ORTHOGONAL PERSISTENCE 64';

/** Zeroed wasm memory with the EOP fingerprint (UTF-32LE) and version 1 at 4.5 MiB. */
export function motokoEopMemory(pages: number): Uint8Array {
  const end = MOTOKO_EOP_OFFSET + 4 * MOTOKO_EOP_FINGERPRINT.length + 8;
  if (pages * PAGE < end) throw new Error(`motokoEopMemory needs at least ${Math.ceil(end / PAGE)} pages`);
  const memory = new Writer(pages * PAGE);
  for (let i = 0; i < MOTOKO_EOP_FINGERPRINT.length; i++) {
    memory.u32(MOTOKO_EOP_OFFSET + 4 * i, MOTOKO_EOP_FINGERPRINT.charCodeAt(i));
  }
  return memory.u64(MOTOKO_EOP_OFFSET + 4 * MOTOKO_EOP_FINGERPRINT.length, 1n).bytes;
}
