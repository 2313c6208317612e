import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BytesSource, FileSource, type Source } from '../../../src/model/source.js';
import {
  detectMotokoEop,
  detectMotokoRegions,
  detectStructure,
  readMemoryManager,
  type MemoryManagerInfo,
  type VirtualMemory,
} from '../../../src/readers/icp-snapshot/stable-structures.js';
import {
  MOTOKO_EOP_OFFSET,
  btreeMapHeaderV1,
  btreeMapHeaderV2,
  buildMemoryManager,
  cellImage,
  logImages,
  motokoEopMemory,
  vecImage,
} from '../../helpers/stable-builder.js';
import { CountingSource } from '../../helpers/counting-source.js';
import { prng } from '../../helpers/prng.js';

const PAGE = 65536;

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >>> 8)) & 0xff);
}

function randomBytes(length: number, next: () => number): Uint8Array {
  const words = Uint32Array.from({ length: Math.ceil(length / 4) }, () => next() * 2 ** 32);
  return new Uint8Array(words.buffer, 0, length);
}

function codes(info: { diagnostics: { code: string }[] } | null): string[] {
  return info?.diagnostics.map((d) => d.code) ?? [];
}

function contents(memory: VirtualMemory | undefined): Promise<Uint8Array> {
  if (memory === undefined) throw new Error('memory missing');
  return memory.source.read(0, memory.source.size);
}

function structureIn(memory: VirtualMemory | undefined): ReturnType<typeof detectStructure> {
  if (memory === undefined) throw new Error('memory missing');
  return detectStructure(memory.source);
}

function layout(info: MemoryManagerInfo | null): { id: number; sizePages: bigint; buckets: number[] }[] {
  return (info?.memories ?? []).map(({ id, sizePages, buckets }) => ({ id, sizePages, buckets }));
}

/** Compares as Buffers, because a deep equality over megabytes of Uint8Array elements takes seconds. */
function expectBytes(actual: Uint8Array, expected: Uint8Array | undefined, label = 'bytes'): void {
  expect(actual.length, label).toBe(expected?.length);
  expect(Buffer.from(actual).equals(expected ?? new Uint8Array()), label).toBe(true);
}

function patched(image: Uint8Array, edit: (view: DataView, bytes: Uint8Array) => void): BytesSource {
  const copy = image.slice();
  edit(new DataView(copy.buffer), copy);
  return new BytesSource(copy);
}

const btree = btreeMapHeaderV1({ maxKeySize: 16, maxValueSize: 100, rootAddr: 116n, length: 3n });
const cell = cellImage(pattern(70_000, 1));
const vecElements = Array.from({ length: 700 }, (_, i) => pattern(i % 301, i));
const vec = vecImage('SVC', vecElements, 300, false);
/** Memory 5 gets bucket 0; memory 0 buckets 1, 3; memory 2 buckets 2, 4, 5, 6. */
const interleaved = buildMemoryManager({
  bucketSizePages: 1,
  interleave: true,
  memories: [
    { id: 5, data: btree },
    { id: 0, data: cell },
    { id: 2, data: vec },
  ],
});
const dataById = new Map([
  [5, btree],
  [0, cell],
  [2, vec],
]);

describe('builder round trips', () => {
  it('rebuilds interleaved virtual memories byte for byte', async () => {
    const info = await readMemoryManager(new BytesSource(interleaved));
    expect(interleaved.length).toBe(8 * PAGE);
    expect(info).toMatchObject({ version: 1, allocatedBuckets: 7, bucketSizePages: 1, diagnostics: [] });
    expect(layout(info)).toEqual([
      { id: 0, sizePages: 2n, buckets: [1, 3] },
      { id: 2, sizePages: 4n, buckets: [2, 4, 5, 6] },
      { id: 5, sizePages: 1n, buckets: [0] },
    ]);
    for (const memory of info?.memories ?? []) {
      const data = dataById.get(memory.id) ?? new Uint8Array();
      const bytes = await contents(memory);
      expect(bytes.length).toBe(Number(memory.sizePages) * PAGE);
      expectBytes(bytes.subarray(0, data.length), data, `memory ${memory.id}`);
      expect(bytes.subarray(data.length).every((byte) => byte === 0)).toBe(true);
    }
  });

  it('decodes the headers of the structures inside the memories', async () => {
    const info = await readMemoryManager(new BytesSource(interleaved));
    const [cellMemory, vecMemory, btreeMemory] = info?.memories ?? [];
    expect(await structureIn(btreeMemory)).toEqual({
      magic: 'BTR',
      kind: 'BTreeMap',
      version: 1,
      header: {
        version: 1,
        max_key_size: 16,
        max_value_size: 100,
        root_addr: 116n,
        length: 3n,
        // V1 node size 7 + 11 × (8 + 16 + 100) + 12 × 8.
        allocator: { version: 1, allocation_size: 1467n, num_allocated_chunks: 0n, free_list_head: 100n },
      },
      diagnostics: [],
    });
    expect(await structureIn(cellMemory)).toEqual({
      magic: 'SCL',
      kind: 'Cell',
      version: 1,
      header: { version: 1, value_len: 70_000 },
      diagnostics: [],
    });
    expect(await structureIn(vecMemory)).toEqual({
      magic: 'SVC',
      kind: 'Vec',
      version: 1,
      header: { version: 1, len: 700n, max_size: 300, is_fixed_size: false },
      diagnostics: [],
    });
  });

  it('places Vec elements behind a length prefix sized by max_size', () => {
    const wide = vecImage('SVC', [pattern(3, 9)], 300, false);
    expect(wide.subarray(64, 69)).toEqual(Uint8Array.of(3, 0, ...pattern(3, 9)));
    expect(vec.length).toBe(64 + 700 * 302);
  });

  it('allocates whole buckets in spec order without interleaving', async () => {
    const image = buildMemoryManager({
      bucketSizePages: 2,
      memories: [
        { id: 1, data: pattern(3 * PAGE, 2) },
        { id: 0, data: pattern(PAGE + 1, 3) },
      ],
    });
    const info = await readMemoryManager(new BytesSource(image));
    expect(info).toMatchObject({ allocatedBuckets: 3, bucketSizePages: 2, diagnostics: [] });
    expect(layout(info)).toEqual([
      { id: 0, sizePages: 2n, buckets: [2] },
      { id: 1, sizePages: 3n, buckets: [0, 1] },
    ]);
    const [zero, one] = info?.memories ?? [];
    expectBytes((await contents(zero)).subarray(0, PAGE + 1), pattern(PAGE + 1, 3));
    expectBytes(await contents(one), pattern(3 * PAGE, 2));
  });

  it('decodes a V2 BTreeMap with an explicit page size', async () => {
    const info = await detectStructure(
      new BytesSource(btreeMapHeaderV2({ pageSize: 1024, rootAddr: 116n, length: 1n })),
    );
    expect(info).toEqual({
      magic: 'BTR',
      kind: 'BTreeMap',
      version: 2,
      header: {
        version: 2,
        page_size: 1024,
        root_addr: 116n,
        length: 1n,
        allocator: { version: 1, allocation_size: 1024n, num_allocated_chunks: 0n, free_list_head: 100n },
      },
      diagnostics: [],
    });
  });

  it('keeps max sizes for a version 2 map with a derived page size', async () => {
    const derived = patched(btreeMapHeaderV1({ maxKeySize: 8, maxValueSize: 8 }), (_, bytes) => (bytes[3] = 2));
    const info = await detectStructure(derived);
    expect(info?.header).toMatchObject({ version: 2, max_key_size: 8, max_value_size: 8, root_addr: 0n, length: 0n });
    expect(info?.header).not.toHaveProperty('page_size');
  });

  it('decodes a MinHeap', async () => {
    const elements = [1n, 5n, 3n].map((n) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, n);
      return bytes;
    });
    const image = vecImage('SMH', elements, 8, true);
    expect(image.length).toBe(64 + 3 * 8);
    expect(image.subarray(64 + 8, 64 + 16)).toEqual(elements[1]);
    expect(await detectStructure(new BytesSource(image))).toEqual({
      magic: 'SMH',
      kind: 'MinHeap',
      version: 1,
      header: { version: 1, len: 3n, max_size: 8, is_fixed_size: true },
      diagnostics: [],
    });
  });

  it('decodes Log index and data memories', async () => {
    const entries = [pattern(5, 1), pattern(0, 2), pattern(300, 3)];
    const { index, data } = logImages(entries);
    expect(await detectStructure(new BytesSource(index))).toEqual({
      magic: 'GLI',
      kind: 'LogIndex',
      version: 1,
      header: { version: 1, len: 3n },
      diagnostics: [],
    });
    expect(await detectStructure(new BytesSource(data))).toEqual({
      magic: 'GLD',
      kind: 'LogData',
      version: 1,
      header: { version: 1 },
      diagnostics: [],
    });
    const ends = [0, 1, 2].map((i) => Number(new DataView(index.buffer).getBigUint64(40 + 8 * i, true)));
    expect(ends).toEqual([5, 5, 305]);
    expect(data.subarray(32 + 5, 32 + 305)).toEqual(entries[2]);
  });

  it('finds a structure directly in stable memory without a MemoryManager', async () => {
    const stable = new BytesSource(cellImage(pattern(10, 4)));
    expect(await readMemoryManager(stable)).toBeNull();
    expect((await detectStructure(stable))?.kind).toBe('Cell');
    expect(await detectStructure(new BytesSource(new TextEncoder().encode('XYZ\x01')))).toBeNull();
    expect(await detectStructure(new BytesSource(new Uint8Array()))).toBeNull();
  });
});

function corpusSource(relative: string): Source | null {
  const path = fileURLToPath(new URL(`../../../../shared/corpus/icp/${relative}`, import.meta.url));
  if (!existsSync(path)) {
    console.warn(`stable-structures: corpus file ${path} is absent; skipping its tests`);
    return null;
  }
  return new FileSource(path, statSync(path).size);
}

const golden = corpusSource('stability_write.golden');
const stableBefore = corpusSource('counter/before/stable_memory.bin');
const stableAfter = corpusSource('counter/after/stable_memory.bin');
const wasmBefore = corpusSource('counter/before/wasm_memory.bin');

describe.skipIf(golden === null)('corpus: stability_write.golden', () => {
  it('matches the MemoryManager ground truth', async () => {
    const info = await readMemoryManager(golden as Source);
    expect(info).toMatchObject({ version: 1, allocatedBuckets: 15, bucketSizePages: 1, diagnostics: [] });
    expect(layout(info)).toEqual([
      { id: 0, sizePages: 5n, buckets: [6, 7, 8, 9, 14] },
      { id: 1, sizePages: 5n, buckets: [0, 1, 2, 10, 13] },
      { id: 2, sizePages: 5n, buckets: [3, 4, 5, 11, 12] },
    ]);
    for (const memory of info?.memories ?? []) {
      expect(memory.source.size).toBe(5 * PAGE);
      expect(await detectStructure(memory.source)).toBeNull();
    }
  });
});

describe.skipIf(stableBefore === null || stableAfter === null)('corpus: counter stable memory before → after', () => {
  it('changes only virtual page 2 of memory 1, at bytes 0x64–0xa3', async () => {
    const before = await readMemoryManager(stableBefore as Source);
    const after = await readMemoryManager(stableAfter as Source);
    expect(layout(after)).toEqual(layout(before));
    const changed: string[] = [];
    for (const [i, memory] of (before?.memories ?? []).entries()) {
      const old = await contents(memory);
      const now = await contents(after?.memories[i]);
      for (let page = 0; page < 5; page++) {
        const differing = differingOffsets(old, now, page);
        if (differing.length === 0) continue;
        changed.push(`memory ${memory.id} page ${page}: ${differing[0]}..${differing.at(-1)} (${differing.length})`);
      }
    }
    expect(changed).toEqual([`memory 1 page 2: ${0x64}..${0xa3} (64)`]);
  });
});

/** Offsets within 64 KiB page `page` where the two memories differ. */
function differingOffsets(a: Uint8Array, b: Uint8Array, page: number): number[] {
  const offsets = Array.from({ length: PAGE }, (_, i) => i);
  return offsets.filter((i) => a[page * PAGE + i] !== b[page * PAGE + i]);
}

describe('hostile MemoryManager input', () => {
  const fullMemories = new Map<number, Uint8Array>();

  beforeAll(async () => {
    const full = await readMemoryManager(new BytesSource(interleaved));
    for (const memory of full?.memories ?? []) fullMemories.set(memory.id, await contents(memory));
  });

  it('survives truncation at any length and keeps every surviving byte right', async () => {
    const lengths = [0, 1, 2, 3, 4, 7, 8, 39, 40, 2079, 2080, 34847, 34848, 65535, PAGE, PAGE + 1];
    lengths.push(2 * PAGE - 1, 2 * PAGE, 3 * PAGE + 100, interleaved.length - 1, interleaved.length);
    for (const length of lengths) {
      const info = await readMemoryManager(new BytesSource(interleaved.subarray(0, length)));
      if (length < 3) {
        expect(info, `length ${length}`).toBeNull();
      } else if (length < PAGE) {
        expect(codes(info), `length ${length}`).toEqual(['MGR_TRUNCATED']);
        expect(info?.memories).toEqual([]);
      } else {
        await expectPrefixOfFull(info, length);
      }
    }
  });

  async function expectPrefixOfFull(info: MemoryManagerInfo | null, length: number): Promise<void> {
    const cut = length < interleaved.length;
    expect(
      codes(info).every((code) => code === 'MGR_BUCKET_PAST_END'),
      `length ${length}`,
    ).toBe(true);
    expect(codes(info).length > 0, `length ${length}`).toBe(cut);
    for (const memory of info?.memories ?? []) {
      const bytes = await contents(memory);
      expectBytes(
        bytes,
        fullMemories.get(memory.id)?.subarray(0, bytes.length),
        `memory ${memory.id} at length ${length}`,
      );
    }
  }

  it('says how much a memory loses when its buckets run past the end', async () => {
    const info = await readMemoryManager(new BytesSource(interleaved.subarray(0, 3 * PAGE + 100)));
    expect(info?.memories.map((memory) => memory.source.size)).toEqual([PAGE, 100, PAGE]);
    expect(info?.diagnostics.map((d) => d.message)).toEqual([
      `Memory 0's bucket 3 ends beyond the ${3 * PAGE + 100} bytes of stable memory; the memory is cut by 65536 bytes.`,
      `Memory 2's bucket 2 ends beyond the ${3 * PAGE + 100} bytes of stable memory; the memory is cut by ${4 * PAGE - 100} bytes.`,
    ]);
  });

  it('refuses a bucket size of 0 without dividing by it', async () => {
    const info = await readMemoryManager(patched(interleaved, (view) => view.setUint16(6, 0, true)));
    expect(codes(info)).toEqual(['MGR_ZERO_BUCKET_SIZE']);
    expect(info?.memories).toEqual([]);
  });

  it('reports an unknown layout version and still decodes', async () => {
    const info = await readMemoryManager(patched(interleaved, (_, bytes) => (bytes[3] = 2)));
    expect(codes(info)).toEqual(['MGR_BAD_VERSION']);
    expect(info?.version).toBe(2);
    expect(info?.memories).toHaveLength(3);
  });

  it('counts an owner past num_allocated_buckets, whose bucket lies past the end', async () => {
    const info = await readMemoryManager(patched(interleaved, (_, bytes) => (bytes[2080 + 32767] = 0)));
    expect(codes(info)).toEqual(['MGR_BUCKET_OWNER_BEYOND_ALLOCATED', 'MGR_BUCKET_PAST_END']);
    expect(info?.diagnostics[1]?.message).toContain('no bytes are lost');
    expect(info?.memories[0]?.buckets).toEqual([1, 3, 32767]);
    expectBytes(await contents(info?.memories[0]), fullMemories.get(0));
  });

  it('cuts absurd sizes to what the buckets hold', async () => {
    const huge = patched(interleaved, (view) => {
      view.setBigUint64(40, 2n ** 64n - 1n, true);
      view.setBigUint64(40 + 8 * 200, 2n ** 64n - 1n, true);
    });
    const info = await readMemoryManager(huge);
    expect(codes(info)).toEqual(['MGR_MEMORY_SHORT', 'MGR_MEMORY_SHORT']);
    expect(info?.diagnostics[0]?.message).toBe(
      'Memory 0 declares 18446744073709551615 page(s) but its 2 bucket(s) hold only 2.',
    );
    expect(layout(info).at(-1)).toEqual({ id: 200, sizePages: 2n ** 64n - 1n, buckets: [] });
    expect(info?.memories.map((memory) => memory.source.size)).toEqual([2 * PAGE, 4 * PAGE, PAGE, 0]);
  });

  it('handles the largest layout from one header read: every bucket owned, 65535-page buckets, every size 2^64-1', async () => {
    const worst = new Uint8Array(PAGE + 10);
    worst.set([0x4d, 0x47, 0x52, 1, 0xff, 0xff, 0xff, 0xff]);
    worst.fill(0xff, 40, 2080);
    worst.fill(7, 2080, 2080 + 32768);
    const counting = new CountingSource(new BytesSource(worst));
    const info = await readMemoryManager(counting);
    // Its work is the header page, read once, whatever the layout claims (vitest's timeout guards the rest).
    expect([counting.reads, counting.bytesRead]).toEqual([1, PAGE]);
    const found = codes(info);
    expect(found.filter((code) => code === 'MGR_MEMORY_SHORT')).toHaveLength(255);
    expect(found.filter((code) => code === 'MGR_BUCKET_PAST_END')).toHaveLength(1);
    expect(info?.memories).toHaveLength(255);
    expect(info?.memories[7]?.buckets).toHaveLength(32768);
    expect(await contents(info?.memories[7])).toEqual(new Uint8Array(10));
  });

  it('never throws on random bytes after "MGR"', async () => {
    const known = new Set([
      'MGR_BAD_VERSION',
      'MGR_BUCKET_PAST_END',
      'MGR_MEMORY_SHORT',
      'MGR_BUCKET_OWNER_BEYOND_ALLOCATED',
      'MGR_TRUNCATED',
      'MGR_ZERO_BUCKET_SIZE',
    ]);
    for (let seed = 1; seed <= 40; seed++) {
      const next = prng(seed);
      const length = seed % 8 === 0 ? Math.floor(next() * PAGE) : PAGE + Math.floor(next() * 4 * PAGE);
      const bytes = randomBytes(Math.max(3, length), next);
      bytes.set([0x4d, 0x47, 0x52]);
      const counting = new CountingSource(new BytesSource(bytes));
      const info = await readMemoryManager(counting);
      expect([counting.reads, counting.bytesRead], `seed ${seed}`).toEqual([1, Math.min(PAGE, bytes.length)]);
      expect(
        codes(info).every((code) => known.has(code)),
        `seed ${seed}`,
      ).toBe(true);
      for (const memory of info?.memories ?? []) {
        expect(memory.source.size).toBeLessThanOrEqual(bytes.length);
        expect((await memory.source.read(Math.max(0, memory.source.size - 16), 16)).length).toBeLessThanOrEqual(16);
      }
    }
  });
});

describe('hostile structure headers', () => {
  it('reports a missing BTreeMap allocator', async () => {
    const info = await detectStructure(patched(btree, (_, bytes) => bytes.fill(0, 52)));
    expect(codes(info)).toEqual(['STRUCT_BAD_ALLOCATOR']);
    expect(info?.header).not.toHaveProperty('allocator');
    expect(info?.header).toMatchObject({ root_addr: 116n, length: 3n });
  });

  it('reports a Cell value that runs past the memory', async () => {
    const info = await detectStructure(new BytesSource(cell.subarray(0, 1000)));
    expect(codes(info)).toEqual(['STRUCT_CELL_OVERRUN']);
    expect(info?.diagnostics[0]?.message).toBe(
      'The Cell value is 70000 bytes long but only 992 bytes follow its header.',
    );
  });

  it('survives every truncation of every header', async () => {
    const images = [btree, cell, vec, vecImage('SMH', [], 4, true), ...Object.values(logImages([pattern(4, 1)]))];
    for (const image of images) {
      for (let length = 0; length <= Math.min(image.length, 120); length++) {
        const info = await detectStructure(new BytesSource(image.subarray(0, length)));
        if (length < 3) expect(info).toBeNull();
        else expect(info?.magic).toBe(new TextDecoder().decode(image.subarray(0, 3)));
      }
    }
    const short = await detectStructure(new BytesSource(vec.subarray(0, 10)));
    expect(codes(short)).toEqual(['STRUCT_TRUNCATED']);
    expect(short?.header).toEqual({ version: 1 });
  });

  it('flags an unknown structure version', async () => {
    const info = await detectStructure(patched(cell, (_, bytes) => (bytes[3] = 9)));
    expect(codes(info)).toEqual(['STRUCT_UNKNOWN_VERSION']);
  });
});

describe('Motoko', () => {
  it('detects the enhanced orthogonal persistence fingerprint', async () => {
    expect(await detectMotokoEop(new BytesSource(motokoEopMemory(73)))).toEqual({
      fingerprint: 'MOTOKO ORTHOGONAL PERSISTENCE 64',
      version: 1n,
    });
  });

  it('rejects memories without the fingerprint', async () => {
    const damaged = patched(motokoEopMemory(73), (_, bytes) => (bytes[MOTOKO_EOP_OFFSET + 4 * 31] = 0x35));
    expect(await detectMotokoEop(damaged)).toBeNull();
    expect(await detectMotokoEop(new BytesSource(new Uint8Array(73 * PAGE)))).toBeNull();
    expect(await detectMotokoEop(new BytesSource(motokoEopMemory(73).subarray(0, MOTOKO_EOP_OFFSET + 130)))).toBeNull();
    expect(() => motokoEopMemory(72)).toThrow();
  });

  it.skipIf(wasmBefore === null)(
    'finds no fingerprint in the synthetic corpus heap (2.5 MiB, below 0x480000)',
    async () => {
      expect((wasmBefore as Source).size).toBe(2_621_440);
      expect(await detectMotokoEop(wasmBefore as Source)).toBeNull();
    },
  );

  it('decodes a regions header', async () => {
    const header = new Uint8Array(34 + 11);
    const view = new DataView(header.buffer);
    header.set(new TextEncoder().encode('MOREGION'));
    view.setUint32(8, 2, true);
    view.setUint16(12, 128, true);
    view.setBigUint64(14, 8n * 1024n * 1024n, true);
    view.setUint32(22, 3, true);
    view.setBigUint64(26, 17n, true);
    expect(await detectMotokoRegions(new BytesSource(header))).toEqual({
      version: 2,
      blockPages: 128,
      blockBase: 8_388_608n,
      totalAllocatedBlocks: 3,
      totalAllocatedRegions: 17n,
    });
    expect(await detectMotokoRegions(new BytesSource(header.subarray(0, 33)))).toBeNull();
    expect(await detectMotokoRegions(new BytesSource(interleaved))).toBeNull();
  });
});
