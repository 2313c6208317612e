import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Snapshot } from '../../src/model/snapshot.js';
import { walk } from '../../src/model/tree.js';
import { criuReader } from '../../src/readers/criu/index.js';
import { probePath } from '../../src/readers/probe.js';

/** Builds CRIU images and checkpoint folders from the framing of docs/formats/containers.md, CRIU. */

export const MAGIC = {
  common: 0x54564319,
  service: 0x55105940,
  inventory: 0x58313116,
  pstree: 0x50273030,
  core: 0x55053847,
  mm: 0x57492820,
  pagemap: 0x56084025,
  files: 0x56303138,
  fdinfo: 0x56213732,
  fs: 0x51403912,
  stats: 0x57093306,
  pipesData: 0x56453709,
  unknown: 0x12345678,
};

/** The example pagemap-1.img of docs/formats/containers.md#criu-example-pagemap, byte for byte. */
export const EXAMPLE = Uint8Array.from([
  0x19, 0x43, 0x56, 0x54, 0x25, 0x40, 0x08, 0x56, 0x02, 0, 0, 0, 0x08, 0x01, 0x09, 0, 0, 0, 0x08, 0x80, 0x80, 0x80,
  0x02, 0x10, 0x02, 0x20, 0x04,
]);

// ---- protobuf encoder: just enough to write the messages the reader decodes ----

export function varint(value: bigint | number): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return bytes;
}

const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
/** One copy per part: spreading megabyte-sized parts into arrays would be slow for the bulk images. */
function concat(parts: readonly (Uint8Array | number[])[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

export const pb = {
  message: (...fields: Uint8Array[]): Uint8Array => concat(fields),
  uint: (field: number, value: bigint | number): Uint8Array => concat([tag(field, 0), varint(value)]),
  sint: (field: number, value: bigint | number): Uint8Array => {
    const v = BigInt(value);
    return concat([tag(field, 0), varint(v >= 0n ? v << 1n : (-v << 1n) - 1n)]);
  },
  bool: (field: number, value: boolean): Uint8Array => concat([tag(field, 0), [value ? 1 : 0]]),
  bytes: (field: number, value: Uint8Array): Uint8Array => concat([tag(field, 2), varint(value.length), value]),
  string: (field: number, value: string): Uint8Array => pb.bytes(field, new TextEncoder().encode(value)),
  sub: (field: number, ...fields: Uint8Array[]): Uint8Array => pb.bytes(field, concat(fields)),
  packed: (field: number, values: (bigint | number)[]): Uint8Array =>
    pb.bytes(field, concat(values.map((v) => varint(v)))),
  fixed32: (field: number, value: number): Uint8Array => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(value >>> 0);
    return concat([tag(field, 5), bytes]);
  },
  fixed64: (field: number, value: bigint): Uint8Array => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
    return concat([tag(field, 1), bytes]);
  },
};

// ---- image framing ----

export interface ImageOptions {
  bigEndian?: boolean;
  /** The first u32: IMG_COMMON (default), IMG_SERVICE, or none (inventory has only its own magic). */
  family?: 'common' | 'service' | 'none';
}

export function u32(value: number, bigEndian = false): Uint8Array {
  const bytes = Buffer.alloc(4);
  if (bigEndian) bytes.writeUInt32BE(value >>> 0);
  else bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

export function criuImage(magic: number, entries: Uint8Array[], options: ImageOptions = {}): Uint8Array {
  const be = options.bigEndian ?? false;
  const family = options.family ?? 'common';
  const head = family === 'none' ? [] : [u32(family === 'service' ? MAGIC.service : MAGIC.common, be)];
  return concat([...head, u32(magic, be), ...entries.flatMap((entry) => [u32(entry.length, be), entry])]);
}

// ---- messages ----

export interface PagemapSpec {
  vaddr: bigint;
  pages: number;
  /** PARENT 1, LAZY 2, PRESENT 4; undefined writes the old form (in_parent only). */
  flags?: number;
  inParent?: boolean;
  /** Write nr_pages (field 5) instead of compat_nr_pages (field 2). */
  wide?: boolean;
}

export interface VmaSpec {
  start: bigint;
  end: bigint;
  prot: number;
  flags: number;
  status: number;
  shmid?: number;
}

export interface ProcessSpec {
  pid: number;
  ppid: number;
  threads: number[];
  packedThreads?: boolean;
  comm: string;
  state: number;
  filesId: number;
  pagesId: number;
  vmas: VmaSpec[];
  pagemap: PagemapSpec[];
  fds: { fd: number; id: number; type: number; flags: number }[];
}

export const PROCESSES: ProcessSpec[] = [
  {
    pid: 1,
    ppid: 0,
    threads: [1, 3],
    comm: 'init',
    state: 1,
    filesId: 21,
    pagesId: 1,
    vmas: [
      { start: 0x400000n, end: 0x402000n, prot: 5, flags: 0x2, status: 0x41, shmid: 1 },
      { start: 0x600000n, end: 0x601000n, prot: 3, flags: 0x22, status: 0x201 },
      { start: 0x7ffffffde000n, end: 0x7ffffffff000n, prot: 3, flags: 0x122, status: 0x203 },
    ],
    pagemap: [
      { vaddr: 0x400000n, pages: 2, flags: 4 },
      { vaddr: 0x600000n, pages: 1, flags: 1, wide: true },
      { vaddr: 0x7ffffffde000n, pages: 1, flags: 2 },
      { vaddr: 0x7fffffffe000n, pages: 1, flags: 4, wide: true },
    ],
    fds: [
      { fd: 0, id: 4, type: 1, flags: 0 },
      { fd: 2, id: 3, type: 2, flags: 0 },
      { fd: 1, id: 2, type: 1, flags: 1 },
    ],
  },
  {
    pid: 2,
    ppid: 1,
    threads: [2],
    packedThreads: true,
    comm: 'worker',
    state: 1,
    filesId: 22,
    pagesId: 2,
    vmas: [{ start: 0x400000n, end: 0x401000n, prot: 1, flags: 0x22, status: 0x201 }],
    pagemap: [
      { vaddr: 0x400000n, pages: 1 },
      { vaddr: 0x500000n, pages: 1, inParent: true },
    ],
    fds: [{ fd: 0, id: 4, type: 1, flags: 0 }],
  },
];

export function presentPages(process: ProcessSpec): number {
  return process.pagemap
    .filter((e) => (e.flags === undefined ? !e.inParent : (e.flags & 4) !== 0))
    .reduce((n, e) => n + e.pages, 0);
}

/** Recognisable page contents: every byte says which pages file and which page it came from. */
export function pagesFile(pagesId: number, pages: number, pageSize: number): Uint8Array {
  const bytes = new Uint8Array(pages * pageSize);
  for (let page = 0; page < pages; page++) {
    bytes.fill((pagesId * 16 + page + 1) & 0xff, page * pageSize, (page + 1) * pageSize);
    bytes.set(new TextEncoder().encode(`pages-${pagesId} page ${page}`), page * pageSize);
  }
  return bytes;
}

function coreEntry(process: ProcessSpec): Uint8Array {
  return pb.message(
    pb.uint(1, 1),
    pb.sub(
      3,
      pb.uint(1, process.state),
      pb.uint(2, 0),
      pb.uint(3, 0),
      pb.uint(4, 0x402140),
      pb.uint(5, 0),
      pb.string(6, process.comm),
      pb.uint(14, -500),
    ),
    pb.sub(4, pb.uint(1, 10 + process.pid), pb.uint(2, process.filesId)),
    pb.sub(
      5,
      pb.uint(1, 0),
      pb.uint(2, 0),
      pb.sint(3, -5),
      pb.sub(10, pb.uint(1, 1000), pb.uint(2, 1001)),
      pb.string(13, process.comm),
    ),
  );
}

function threadCore(comm: string): Uint8Array {
  return pb.message(pb.uint(1, 1), pb.sub(5, pb.uint(1, 0), pb.uint(2, 0), pb.string(13, comm)));
}

function mmEntry(process: ProcessSpec): Uint8Array {
  const vmas = process.vmas.map((v) =>
    pb.sub(
      14,
      pb.uint(1, v.start),
      pb.uint(2, v.end),
      pb.uint(3, 0),
      pb.uint(4, v.shmid ?? 0),
      pb.uint(5, v.prot),
      pb.uint(6, v.flags),
      pb.uint(7, v.status),
      pb.sint(8, -1),
    ),
  );
  return pb.message(pb.uint(1, 0x400000), pb.uint(2, 0x401000), pb.uint(12, 1), ...vmas, pb.uint(15, 1));
}

function pagemapEntries(process: ProcessSpec): Uint8Array[] {
  return [
    pb.uint(1, process.pagesId),
    ...process.pagemap.map((e) =>
      pb.message(
        pb.uint(1, e.vaddr),
        pb.uint(2, e.wide ? 0 : e.pages),
        ...(e.inParent ? [pb.bool(3, true)] : []),
        ...(e.flags === undefined ? [] : [pb.uint(4, e.flags)]),
        ...(e.wide ? [pb.uint(5, e.pages)] : []),
      ),
    ),
  ];
}

export const FILES = [
  pb.message(
    pb.uint(1, 1),
    pb.uint(2, 1),
    pb.sub(
      3,
      pb.uint(1, 1),
      pb.uint(2, 0x8000),
      pb.uint(3, 0),
      pb.sub(5),
      pb.string(6, '/usr/bin/init'),
      pb.uint(10, 0o100755),
    ),
  ),
  pb.message(
    pb.uint(1, 1),
    pb.uint(2, 2),
    pb.sub(3, pb.uint(1, 2), pb.uint(2, 0x401), pb.uint(3, 10), pb.sub(5), pb.string(6, '/var/log/app.log')),
  ),
  pb.message(pb.uint(1, 2), pb.uint(2, 3), pb.sub(18, pb.uint(1, 3), pb.uint(2, 12345), pb.uint(3, 0))),
  pb.message(
    pb.uint(1, 1),
    pb.uint(2, 4),
    pb.sub(3, pb.uint(1, 4), pb.uint(2, 2), pb.uint(3, 0), pb.sub(5), pb.string(6, '/dev/null')),
  ),
];

export interface CheckpointSpec {
  bigEndian?: boolean;
  pageSize?: number;
}

export type Files = Map<string, Uint8Array | string>;

/** A two-task checkpoint with every kind of file the reader handles, as name → bytes. */
export function checkpointFiles(spec: CheckpointSpec = {}): Files {
  const options = { bigEndian: spec.bigEndian ?? false };
  const image = (magic: number, entries: Uint8Array[], family?: ImageOptions['family']): Uint8Array =>
    criuImage(magic, entries, { ...options, family });
  const pageSize = spec.pageSize ?? 4096;
  const files: Files = new Map();
  files.set(
    'inventory.img',
    image(
      MAGIC.inventory,
      [
        pb.message(
          pb.uint(1, 2),
          pb.bool(2, true),
          pb.bool(4, true),
          pb.uint(5, 1),
          pb.uint(6, 2),
          pb.uint(8, 123456789000n),
          pb.uint(11, 1),
          pb.string(13, 'run-42'),
        ),
      ],
      'none',
    ),
  );
  files.set(
    'pstree.img',
    image(
      MAGIC.pstree,
      PROCESSES.map((p) =>
        pb.message(
          pb.uint(1, p.pid),
          pb.uint(2, p.ppid),
          pb.uint(3, 1),
          pb.uint(4, 1),
          ...(p.packedThreads ? [pb.packed(5, p.threads)] : p.threads.map((t) => pb.uint(5, t))),
        ),
      ),
    ),
  );
  let total = 0;
  for (const process of PROCESSES) {
    files.set(`core-${process.pid}.img`, image(MAGIC.core, [coreEntry(process)]));
    for (const tid of process.threads.filter((t) => t !== process.pid))
      files.set(`core-${tid}.img`, image(MAGIC.core, [threadCore(`${process.comm}-thread`)]));
    files.set(`mm-${process.pid}.img`, image(MAGIC.mm, [mmEntry(process)]));
    files.set(`pagemap-${process.pid}.img`, image(MAGIC.pagemap, pagemapEntries(process)));
    files.set(`pages-${process.pagesId}.img`, pagesFile(process.pagesId, presentPages(process), pageSize));
    files.set(
      `fdinfo-${process.filesId}.img`,
      image(
        MAGIC.fdinfo,
        process.fds.map((f) => pb.message(pb.uint(1, f.id), pb.uint(2, f.flags), pb.uint(3, f.type), pb.uint(4, f.fd))),
      ),
    );
    files.set(`fs-${process.pid}.img`, image(MAGIC.fs, [pb.message(pb.uint(1, 1), pb.uint(2, 1), pb.uint(3, 18))]));
    total += presentPages(process);
  }
  files.set('files.img', image(MAGIC.files, FILES));
  files.set(
    'stats-dump',
    image(
      MAGIC.stats,
      [
        pb.sub(
          1,
          pb.uint(1, 100),
          pb.uint(2, 2000),
          pb.uint(3, 300),
          pb.uint(4, 400),
          pb.uint(5, 10),
          pb.uint(6, 2),
          pb.uint(7, total),
          pb.uint(9, 1),
        ),
      ],
      'service',
    ),
  );
  files.set('mystery.img', image(MAGIC.unknown, [pb.uint(1, 7), pb.string(2, 'hello'), new Uint8Array(0)]));
  files.set(
    'pipes-data.img',
    image(MAGIC.pipesData, [pb.message(pb.uint(1, 12345), pb.uint(2, 5), pb.uint(3, 65536))]),
  );
  files.set('pipes-data.img', concat([files.get('pipes-data.img') as Uint8Array, new TextEncoder().encode('queue')]));
  files.set('ifaddr-9.img', Uint8Array.from([0x11, 0x22, 0x33, 0x44, 0x55]));
  files.set('tmpfs-dev-5.tar.gz', gzipSync(Buffer.from('not really a tar')));
  files.set('descriptors.json', '["/dev/null","pipe:[12345]","/var/log/app.log"]');
  return files;
}

export function writeFiles(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
}

export function writeImageFile(dir: string, name: string, bytes: Uint8Array): string {
  writeFiles(dir, new Map([[name, bytes]]));
  return join(dir, name);
}

export function writeCheckpoint(dir: string, spec: CheckpointSpec = {}): Files {
  const files = checkpointFiles(spec);
  writeFiles(dir, files);
  return files;
}

// ---- reading back through the reader API, as the CLI will once the reader is registered ----

export async function openPath(path: string): Promise<{ variant: string | null; snapshot: Snapshot }> {
  const probe = await probePath(path);
  const variant = await criuReader.detect(probe);
  return { variant, snapshot: await criuReader.open(probe, variant, { showSecrets: false }) };
}

/** Everything a listing, `cat` and `info` would touch, child snapshots included. */
export async function exercise(snapshot: Snapshot): Promise<void> {
  for await (const { node } of walk(snapshot.root))
    if (node.content) await node.content.read(0, Math.min(node.size, 1 << 20));
  for (const child of snapshot.children) for await (const { node } of walk((await child.open()).root)) void node;
}

/** Deterministic pseudo-random bytes. */
export function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1664525 + 1013904223) >>> 0) >>> 24;
}

// ---- images of a million entries, written straight into one buffer ----

/** Writes `value` as a varint at `offset`; returns the offset after it. */
function putVarint(bytes: Uint8Array, offset: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    bytes[offset++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 128);
  }
  bytes[offset++] = rest;
  return offset;
}

/**
 * A little-endian IMG_COMMON image of `count` entries, each a message of varint fields
 * `fields(i)` as [field, value] pairs: a million of them without a million small arrays.
 */
export function bulkImage(magic: number, count: number, fields: (index: number) => [number, number][]): Uint8Array {
  let bytes = new Uint8Array(8 + count * 24);
  bytes.set(u32(MAGIC.common), 0);
  bytes.set(u32(magic), 4);
  let offset = 8;
  for (let index = 0; index < count; index++) {
    const entry = fields(index);
    if (offset + 4 + entry.length * 11 > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2 + entry.length * 11);
      grown.set(bytes);
      bytes = grown;
    }
    let end = offset + 4;
    for (const [field, value] of entry) end = putVarint(bytes, putVarint(bytes, end, field << 3), value);
    bytes.set(u32(end - offset - 4), offset);
    offset = end;
  }
  return bytes.subarray(0, offset);
}

/** A pstree.img of `count` tasks, pid i + 1 the child of pid i, each its own only thread. */
export function bulkPstree(count: number): Uint8Array {
  return bulkImage(MAGIC.pstree, count, (i) => [
    [1, i + 1],
    [2, i],
    [5, i + 1],
  ]);
}

/** A pagemap-<pid>.img of pages file `pagesId` with `count` one-page entries, every `presentEvery`-th PRESENT, the rest in the parent. */
export function bulkPagemap(pagesId: number, count: number, presentEvery = 1): Uint8Array {
  return bulkImage(MAGIC.pagemap, count + 1, (i) =>
    i === 0
      ? [[1, pagesId]]
      : [
          [1, (i - 1) * 4096],
          [2, 1],
          [4, (i - 1) % presentEvery === 0 ? 4 : 1],
        ],
  );
}

/** One task (pid 1) with `count` more thread ids, packed into one field. */
export function bulkThreads(count: number): Uint8Array {
  const packed = new Uint8Array(count * 5);
  let end = 0;
  for (let i = 0; i < count; i++) end = putVarint(packed, end, 1000 + i);
  return criuImage(MAGIC.pstree, [pb.message(pb.uint(1, 1), pb.uint(2, 0), pb.bytes(5, packed.subarray(0, end)))]);
}
