import { readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { childrenOf, findNode, walk, type TreeNode } from '../../../src/model/tree.js';
import { criuReader } from '../../../src/readers/criu/index.js';
import { DecodeError } from '../../../src/readers/shared/byte-cursor.js';
import { MAX_DEPTH, ProtoMessage, zigzag } from '../../../src/readers/criu/protobuf.js';
import { probePath } from '../../../src/readers/probe.js';
import { tempDir } from '../../helpers/cli.js';
import { offsetSample, truncationSample } from '../../helpers/samples.js';
import {
  checkpointFiles,
  criuImage,
  EXAMPLE,
  exercise,
  MAGIC,
  openPath,
  pagesFile,
  pb,
  PROCESSES,
  random,
  u32,
  writeCheckpoint,
  writeFiles,
  writeImageFile,
  type Files,
} from '../../helpers/criu-builder.js';

const root = tempDir('snapinspect-criu-');
let counter = 0;
const freshDir = (): string => join(root, `case-${counter++}`);

const PAGEMAP_ENTRY = { vaddr: '0x400000', nr_pages: 2, flags: ['PRESENT'] };

async function openFolder(change: (files: Files) => void = () => undefined, spec = {}): Promise<Snapshot> {
  const files = checkpointFiles(spec);
  change(files);
  const dir = freshDir();
  writeFiles(dir, files);
  return (await openPath(dir)).snapshot;
}

const writeOne = (name: string, bytes: Uint8Array): string => writeImageFile(freshDir(), name, bytes);
const node = async (snapshot: Snapshot, path: string): Promise<TreeNode> =>
  (await findNode(snapshot.root, path.split('/'))) ?? expect.fail(`no ${path}`);
const names = async (snapshot: Snapshot, path = ''): Promise<string[]> =>
  (await childrenOf(path ? await node(snapshot, path) : snapshot.root)).map((n) => n.name);
const codes = (snapshot: Snapshot): string[] => snapshot.diagnostics.map((d) => d.code);
const bytesOf = async (target: TreeNode, offset = 0, length = target.size): Promise<Buffer> =>
  Buffer.from((await target.content?.read(offset, length)) ?? []);
const image = (files: Files, name: string): Uint8Array => files.get(name) as Uint8Array;

describe('protobuf wire reader', () => {
  it('decodes 10-byte varints, zigzag, 64-bit, 32-bit, length-delimited and packed fields', () => {
    const m = ProtoMessage.decode(
      Uint8Array.from([
        0x08,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0xff,
        0x01, // 1: -1 as int64
        0x10,
        0x03,
        0x19,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        0x25,
        0x78,
        0x56,
        0x34,
        0x12,
        0x2a,
        0x02,
        0x68,
        0x69, // 2: zigzag -2, 3: fixed64, 4: fixed32, 5: "hi"
      ]),
    );
    expect([m.uint64(1), m.int32(1), m.sint64(2), m.uint64(3), m.uint32(4), m.string(5)]).toEqual([
      2n ** 64n - 1n,
      -1,
      -2n,
      0x0807060504030201n,
      0x12345678,
      'hi',
    ]);
    expect([zigzag(4294967294n), zigzag(1n)]).toEqual([2147483647n, -1n]);
    const repeated = ProtoMessage.decode(
      pb.message(pb.uint(5, 1), pb.packed(5, [2, 300]), pb.uint(5, 4), pb.uint(1, 7), pb.uint(1, 9)),
    );
    expect([repeated.varints(5), repeated.uint32(1)]).toEqual([[1n, 2n, 300n, 4n], 9]);
  });

  it.each([
    ['a group', [0x0b, 0x0c]],
    ['an 11-byte varint', [0x08, ...Array(10).fill(0x80), 0x01]],
    ['a varint over 64 bits', [0x08, ...Array(9).fill(0xff), 0x02]],
    ['a length past the end', [0x0a, 0x05, 0x01]],
    ['a cut fixed64', [0x09, 1, 2, 3]],
    ['field number 0', [0x00, 0x01]],
    ['wire type 7', [0x0f]],
  ])('rejects %s with a DecodeError', (_what, bytes) => {
    expect(() => ProtoMessage.decode(Uint8Array.from(bytes))).toThrow(DecodeError);
  });

  it('rejects a wire type that cannot hold the asked type, and nesting past the bound', () => {
    expect(() => ProtoMessage.decode(pb.uint(1, 5)).string(1)).toThrow(DecodeError);
    let nested = pb.uint(1, 1);
    for (let i = 0; i <= MAX_DEPTH + 1; i++) nested = pb.bytes(2, nested);
    const descend = (message: ProtoMessage | undefined): unknown => message && descend(message.message(2));
    expect(() => descend(ProtoMessage.decode(nested))).toThrow(DecodeError);
  });

  it('throws nothing but DecodeError on random bytes', () => {
    const next = random(12345);
    for (let round = 0; round < 4000; round++) {
      const bytes = Uint8Array.from({ length: next() % 64 }, next);
      try {
        const m = ProtoMessage.decode(bytes);
        // Each round tries the getters in a different order, so that each is reached despite the others' errors.
        const reads = [
          () => m.message(1 + (round % 4)),
          () => m.varints(1 + (round % 3)),
          () => m.string(1 + (round % 5)),
        ];
        for (const read of round % 2 ? reads : reads.reverse()) read();
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
      }
    }
  });
});

describe('single CRIU image files', () => {
  it('decodes the example pagemap-1.img (head and one PRESENT entry) exactly', async () => {
    const { variant, snapshot } = await openPath(writeOne('pagemap-1.img', EXAMPLE));
    expect([variant, snapshot.diagnostics]).toEqual(['image', []]);
    expect(snapshot.metadata).toEqual({
      image: 'pagemap-1.img',
      magic: 'PAGEMAP',
      magic_hex: '0x56084025',
      header: 'common',
      byte_order: 'little-endian',
      entries: 2,
    });
    const entries = await childrenOf(snapshot.root);
    expect(entries.map((e) => [e.name, e.kind, e.attrs])).toEqual([
      ['0', 'record', { pages_id: 1 }],
      ['1', 'record', PAGEMAP_ENTRY],
    ]);
    expect(entries[1] && (await bytesOf(entries[1]))).toEqual(Buffer.from(EXAMPLE.subarray(18)));
  });

  it('reads big-endian images (s390x) and says so', async () => {
    const be = criuImage(
      MAGIC.pagemap,
      [pb.uint(1, 1), pb.message(pb.uint(1, 0x400000), pb.uint(2, 2), pb.uint(4, 4))],
      { bigEndian: true },
    );
    expect([...be.subarray(0, 8)]).toEqual([0x54, 0x56, 0x43, 0x19, 0x56, 0x08, 0x40, 0x25]);
    const { variant, snapshot } = await openPath(writeOne('pagemap-1.img', be));
    expect([variant, snapshot.metadata.byte_order]).toEqual(['image', 'big-endian']);
    expect((await childrenOf(snapshot.root)).map((e) => e.attrs)).toEqual([{ pages_id: 1 }, PAGEMAP_ENTRY]);
  });

  it('recognises inventory and service images, and no other files', async () => {
    const files = checkpointFiles();
    const inventory = (await openPath(writeOne('inventory.img', image(files, 'inventory.img')))).snapshot;
    expect(inventory.metadata).toMatchObject({ magic: 'INVENTORY', header: 'inventory', entries: 1 });
    expect((await childrenOf(inventory.root))[0]?.attrs).toMatchObject({
      img_version: 2,
      lsm_type: 'apparmor',
      criu_run_id: 'run-42',
    });
    expect((await openPath(writeOne('stats-dump', image(files, 'stats-dump')))).snapshot.metadata).toMatchObject({
      magic: 'STATS',
      header: 'service',
    });
    const others = [
      Uint8Array.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]),
      new TextEncoder().encode('hello'),
      new Uint8Array(0),
    ];
    for (const bytes of others) expect(await criuReader.detect(await probePath(writeOne('x.img', bytes)))).toBeNull();
  });
});

describe('CRIU checkpoint folder', () => {
  const dir = freshDir();
  writeCheckpoint(dir);
  const opened = openPath(dir);

  it('is detected by inventory.img and pstree.img, lists every file and shows inventory and stats as metadata', async () => {
    const { variant, snapshot } = await opened;
    expect([variant, snapshot.format, snapshot.diagnostics]).toEqual(['checkpoint', 'criu', []]);
    expect(await names(snapshot)).toEqual(['processes', ...[...checkpointFiles().keys()].sort()]);
    expect(await names(snapshot, 'processes')).toEqual(['1 init', '2 worker']);
    expect(snapshot.metadata).toEqual({
      byte_order: 'little-endian',
      img_version: 2,
      fdinfo_per_id: true,
      ns_per_id: true,
      root_cg_set: 1,
      lsm_type: 'apparmor',
      dump_uptime_us: 123456789000,
      network_lock_method: 'iptables',
      criu_run_id: 'run-42',
      processes: 2,
      present_pages: 4,
      descriptors: ['/dev/null', 'pipe:[12345]', '/var/log/app.log'],
      dump_stats: {
        freezing_time_us: 100,
        frozen_time_us: 2000,
        memdump_time_us: 300,
        memwrite_time_us: 400,
        pages_scanned: 10,
        pages_skipped_parent: 2,
        pages_written: 4,
        pages_lazy: 1,
      },
    });
  });

  it('joins pstree with core: ids, threads, comm, state, exit code', async () => {
    const { snapshot } = await opened;
    expect((await node(snapshot, 'processes/1 init')).attrs).toEqual({
      pid: 1,
      ppid: 0,
      pgid: 1,
      sid: 1,
      threads: [1, 3],
      comm: 'init',
      state: 'alive',
      exit_code: 0,
      arch: 'x86_64',
      personality: '0x0',
      flags: '0x402140',
      oom_score_adj: -500,
      sched_nice: -5,
      uid: 1000,
      gid: 1001,
      files_id: 21,
      vm_id: 11,
    });
    expect((await node(snapshot, 'processes/2 worker')).attrs).toMatchObject({
      pid: 2,
      ppid: 1,
      threads: [2],
      comm: 'worker',
    });
    expect(await names(snapshot, 'processes/1 init')).toEqual(['mm', 'pagemap', 'memory', 'fds']);
  });

  it('lists VMAs with protection, flag and status names and their files, and fds with their files', async () => {
    const { snapshot } = await opened;
    const mm = await node(snapshot, 'processes/1 init/mm');
    expect(mm.attrs).toMatchObject({ exe_file_id: 1, exe: '/usr/bin/init', vmas: 3 });
    const vmas = await childrenOf(mm);
    expect(vmas.map((v) => v.name)).toEqual(['400000-402000', '600000-601000', '7ffffffde000-7ffffffff000']);
    expect(vmas[0]?.attrs).toEqual({
      start: '0x400000',
      end: '0x402000',
      size: 8192,
      prot: 'r-x',
      flags: ['PRIVATE'],
      status: ['REGULAR', 'FILE_PRIVATE'],
      pgoff: '0x0',
      shmid: 1,
      fd: -1,
      file: '/usr/bin/init',
    });
    expect(vmas[2]?.attrs).toMatchObject({
      prot: 'rw-',
      flags: ['PRIVATE', 'ANON', 'GROWSDOWN'],
      status: ['REGULAR', 'STACK', 'ANON_PRIVATE'],
    });
    const fds = await childrenOf(await node(snapshot, 'processes/1 init/fds'));
    expect(fds.map((fd) => [fd.name, fd.attrs.type, fd.attrs.name])).toEqual([
      ['0', 'REG', '/dev/null'],
      ['1', 'REG', '/var/log/app.log'],
      ['2', 'PIPE', 'pipe:[12345]'],
    ]);
    expect((await childrenOf(await node(snapshot, 'files.img'))).map((f) => f.attrs.name)).toEqual([
      '/usr/bin/init',
      '/var/log/app.log',
      'pipe:[12345]',
      '/dev/null',
    ]);
  });

  it('counts present, parent and lazy pages and places each present entry in the memory', async () => {
    const { snapshot } = await opened;
    const pagemap = await node(snapshot, 'processes/1 init/pagemap');
    expect(pagemap.attrs).toEqual({ pages_id: 1, entries: 4, present_pages: 3, parent_pages: 1, lazy_pages: 1 });
    expect((await childrenOf(pagemap)).map((e) => [e.name, e.attrs.flags, e.attrs.memory_offset])).toEqual([
      ['0x400000', ['PRESENT'], 0],
      ['0x600000', ['PARENT'], undefined],
      ['0x7ffffffde000', ['LAZY'], undefined],
      ['0x7fffffffe000', ['PRESENT'], 8192],
    ]);
    expect(await bytesOf(await node(snapshot, 'processes/1 init/memory'), 8192, 4096)).toEqual(
      Buffer.from(pagesFile(1, 3, 4096).subarray(8192)),
    );
    expect((await node(snapshot, 'processes/2 worker/pagemap')).attrs).toMatchObject({
      present_pages: 1,
      parent_pages: 1,
      lazy_pages: 0,
    });
    // Each process's memory node reads exactly its dumped pages.
    for (const process of PROCESSES) {
      const memory = await node(snapshot, `processes/${process.pid} ${process.comm}/memory`);
      const expected = readFileSync(join(dir, `pages-${process.pagesId}.img`));
      expect([memory.kind, memory.pageSize, memory.size]).toEqual(['memory', 4096, expected.length]);
      expect(await bytesOf(memory)).toEqual(expected);
    }
  });

  it('labels every image by magic, unknown magics in hex with their entry count, raw images as raw', async () => {
    const { snapshot } = await opened;
    const notes = await Promise.all(
      ['mystery.img', 'fs-1.img', 'ifaddr-9.img', 'tmpfs-dev-5.tar.gz'].map(
        async (name) => (await node(snapshot, name)).note,
      ),
    );
    expect(notes).toEqual([
      'CRIU image with unknown magic 0x12345678, 3 entries',
      'CRIU FS image, 1 entry',
      'raw CRIU image: ifaddr dump',
      'raw CRIU image: tmpfs contents (tar.gz)',
    ]);
    expect((await node(snapshot, 'core-1.img')).attrs).toMatchObject({
      magic: 'CORE',
      magic_hex: '0x55053847',
      header: 'common',
      entries: 1,
    });
    expect((await node(snapshot, 'pipes-data.img')).attrs).toMatchObject({ magic: 'PIPES_DATA', entries: 1 });
    expect((await node(snapshot, 'descriptors.json')).attrs).toEqual({
      'fd 0': '/dev/null',
      'fd 1': 'pipe:[12345]',
      'fd 2': '/var/log/app.log',
    });
  });

  it('opens one child snapshot per process', async () => {
    const { snapshot } = await opened;
    expect(snapshot.children.map((c) => [c.selector, c.title, c.summary])).toEqual([
      ['pid:1', '1 init', { pid: 1, ppid: 0, comm: 'init', state: 'alive' }],
      ['pid:2', '2 worker', { pid: 2, ppid: 1, comm: 'worker', state: 'alive' }],
    ]);
    const child = (await snapshot.children[1]?.open()) ?? expect.fail('no child');
    expect([child.metadata.comm, await names(child)]).toEqual(['worker', ['mm', 'pagemap', 'memory', 'fds']]);
  });

  it('infers a 64 KiB page size, and reads a big-endian checkpoint the same way', async () => {
    const big = await openFolder(undefined, { pageSize: 65536 });
    const memory = await node(big, 'processes/1 init/memory');
    expect([big.diagnostics, memory.pageSize, memory.size]).toEqual([[], 65536, 3 * 65536]);
    const le = (await opened).snapshot;
    const be = await openFolder(undefined, { bigEndian: true });
    expect([be.diagnostics, be.metadata]).toEqual([[], { ...le.metadata, byte_order: 'big-endian' }]);
    expect((await node(be, 'processes/1 init/pagemap')).attrs).toEqual(
      (await node(le, 'processes/1 init/pagemap')).attrs,
    );
    expect((await node(be, 'core-1.img')).attrs.byte_order).toBe('big-endian');
  });

  it('shows a parent symlink and never follows it', async () => {
    const [target, cp] = [freshDir(), freshDir()];
    for (const folder of [target, cp]) writeCheckpoint(folder);
    symlinkSync(target, join(cp, 'parent'));
    const { snapshot } = await openPath(cp);
    const parent = await node(snapshot, 'parent');
    expect([parent.kind, parent.linkTarget, parent.children, snapshot.diagnostics]).toEqual([
      'symlink',
      target,
      undefined,
      [],
    ]);
    for await (const entry of walk(snapshot.root))
      expect(entry.segments[0] !== 'parent' || entry.segments.length === 1).toBe(true);
  });
});

describe('broken checkpoints become diagnostics', () => {
  it.each<[string, string, (files: Files) => void]>([
    ['CRIU_BAD_MAGIC', 'core-2.img', (f) => f.set('core-2.img', criuImage(MAGIC.pstree, [pb.uint(1, 2)]))],
    ['CRIU_BAD_MAGIC', 'mm-1.img', (f) => f.set('mm-1.img', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))],
    ['CRIU_TRUNCATED', 'core-1.img', (f) => f.set('core-1.img', image(f, 'core-1.img').subarray(0, 30))],
    ['CRIU_TRUNCATED', 'pstree.img', (f) => f.set('pstree.img', Uint8Array.from([...image(f, 'pstree.img'), 7, 0]))],
    ['CRIU_TRUNCATED', 'pipes-data.img', (f) => f.set('pipes-data.img', image(f, 'pipes-data.img').subarray(0, -2))],
    ['CRIU_PAGES_SIZE_MISMATCH', 'pages-1.img', (f) => f.set('pages-1.img', image(f, 'pages-1.img').subarray(0, 8192))],
    ['CRIU_MISSING_IMAGE', 'core-2.img', (f) => f.delete('core-2.img')],
    ['CRIU_MISSING_IMAGE', 'core-3.img', (f) => f.delete('core-3.img')],
    ['CRIU_MISSING_IMAGE', 'pages-2.img', (f) => f.delete('pages-2.img')],
    ['CRIU_MISSING_IMAGE', 'mm-1.img', (f) => f.delete('mm-1.img')],
    ['CRIU_MISSING_IMAGE', 'fdinfo-22.img', (f) => f.delete('fdinfo-22.img')],
    [
      'CRIU_DECODE_ERROR',
      'pstree.img',
      (f) => f.set('pstree.img', criuImage(MAGIC.pstree, [pb.uint(1, 1), Uint8Array.from([0x0b, 0x0c])])),
    ],
    [
      'CRIU_DECODE_ERROR',
      'core-1.img',
      (f) => f.set('core-1.img', criuImage(MAGIC.core, [pb.message(pb.uint(1, 1), pb.uint(3, 5))])),
    ],
    ['CRIU_DECODE_ERROR', 'descriptors.json', (f) => f.set('descriptors.json', '{"0": ')],
  ])('%s for %s', async (code, path, change) => {
    const snapshot = await openFolder(change);
    expect(snapshot.diagnostics.filter((d) => d.code === code).map((d) => d.path)).toContain(path);
    await exercise(snapshot);
  });

  it('says what size a pages file should have, and that an entry claims more than the file holds', async () => {
    const snapshot = await openFolder((f) =>
      f.set('pages-1.img', Uint8Array.from([...image(f, 'pages-1.img'), 1, 2, 3])),
    );
    expect(snapshot.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      [
        'error',
        'CRIU_PAGES_SIZE_MISMATCH',
        'pages-1.img is 12291 bytes, but pagemap-1.img lists 3 present pages (3 × 4096 = 12288 bytes)',
      ],
    ]);
    expect((await node(snapshot, 'processes/1 init/memory')).size).toBe(12288);
    const cut = await openFolder((f) =>
      f.set('pstree.img', Uint8Array.from([...u32(MAGIC.common), ...u32(MAGIC.pstree), 0xff, 0xff, 0xff, 0xff])),
    );
    expect(cut.diagnostics.map((d) => d.message)).toEqual([
      'pstree.img: entry 0 at offset 8 claims 4294967295 bytes, but only 0 remain',
    ]);
  });

  it('caps the entries read from one image, and entry sizes at 64 MiB without reading them', async () => {
    const many = new Uint8Array(8 + 1_000_001 * 4);
    many.set([...u32(MAGIC.common), ...u32(MAGIC.unknown)]);
    const snapshot = await openFolder((f) => f.set('mystery.img', many));
    expect([codes(snapshot), (await node(snapshot, 'mystery.img')).attrs.entries]).toEqual([
      ['CRIU_TOO_MANY_ENTRIES', 'CRIU_TOO_MANY_RECORDS'],
      1_000_000,
    ]);
    const dir = freshDir();
    writeCheckpoint(dir);
    writeFileSync(
      join(dir, 'mystery.img'),
      Uint8Array.from([...u32(MAGIC.common), ...u32(MAGIC.unknown), ...u32(65 << 20)]),
    );
    truncateSync(join(dir, 'mystery.img'), 12 + (65 << 20));
    const huge = (await openPath(dir)).snapshot;
    expect(huge.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'CRIU_TOO_MANY_ENTRIES',
        'mystery.img: entry 0 is 68157440 bytes, over the 67108864-byte limit (criuEntryBytes)',
      ],
    ]);
    await exercise(huge);
  });
});

describe('hostile bytes never throw', () => {
  const images = [...checkpointFiles()].filter(
    (entry): entry is [string, Uint8Array] => entry[1] instanceof Uint8Array && !entry[0].startsWith('pages-'),
  );

  // Every length and every flipped byte is `npm run fuzz`'s job (its criu seed is this checkpoint);
  // here a fixed-seed sample: the ends of the two magics (4, 8) and of the first entry's size
  // (12) with their neighbours, 0, 1, the last byte and four more.
  const lengths = (size: number): number[] => truncationSample(size, { seed: size, random: 4, boundaries: [4, 8, 12] });

  it('samples the lengths that matter', () => {
    expect(lengths(300)).toEqual(expect.arrayContaining([0, 1, 3, 4, 5, 7, 8, 9, 11, 12, 13, 299]));
    expect(lengths(300).length).toBeLessThanOrEqual(16);
  });

  it.each(images.map(([name]) => name))('truncating %s at sampled lengths', async (name) => {
    const dir = freshDir();
    const whole = image(writeCheckpoint(dir), name);
    for (const length of lengths(whole.length)) {
      writeFileSync(join(dir, name), whole.subarray(0, length));
      await exercise((await openPath(dir)).snapshot);
      await exercise((await openPath(join(dir, name))).snapshot);
    }
  });

  it('garbage after the header, garbage instead of the whole file, and sampled flipped bytes', async () => {
    const next = random(987654321);
    const dir = freshDir();
    for (let round = 0; round < 4; round++) {
      rmSync(dir, { recursive: true, force: true });
      const files = checkpointFiles();
      for (const [name, bytes] of images)
        files.set(
          name,
          Uint8Array.from(bytes, (byte, i) => (round % 2 === 0 && i < 8 ? byte : next())),
        );
      writeFiles(dir, files);
      const { snapshot } = await openPath(dir);
      await exercise(snapshot);
      for (const d of snapshot.diagnostics) expect(d.code).toMatch(/^CRIU_[A-Z_]+$/);
    }
    const files = writeCheckpoint(dir);
    for (const [index, [name, bytes]] of images.entries()) {
      // The magic, the first entry's size and payload, and the last byte, of every image.
      for (const i of new Set([0, 4, 8, 12, ...offsetSample(bytes.length, 3, index + 1)])) {
        if (i >= bytes.length) continue;
        writeFileSync(
          join(dir, name),
          Uint8Array.from(bytes, (byte, at) => (at === i ? byte ^ 0xff : byte)),
        );
        const { snapshot } = await openPath(dir);
        await exercise(snapshot);
        for (const d of snapshot.diagnostics) expect(d.code, `${name} byte ${i}`).toMatch(/^CRIU_[A-Z_]+$/);
      }
      writeFileSync(join(dir, name), image(files, name));
    }
  });

  it('an empty inventory and no pstree when the format is forced', async () => {
    const dir = freshDir();
    writeFiles(
      dir,
      new Map(
        [...checkpointFiles()]
          .filter(([name]) => name !== 'pstree.img')
          .map(([name, data]) => [name, name === 'inventory.img' ? '' : data]),
      ),
    );
    const { variant, snapshot } = await openPath(dir);
    expect([variant, codes(snapshot), await names(snapshot, 'processes')]).toEqual([
      null,
      ['CRIU_TRUNCATED', 'CRIU_MISSING_IMAGE'],
      [],
    ]);
  });
});
