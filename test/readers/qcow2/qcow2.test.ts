import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Instant } from '../../../src/model/metadata.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { childrenOf, raisedBelow, type TreeNode } from '../../../src/model/tree.js';
import { probePath } from '../../../src/readers/probe.js';
import { qcow2Reader } from '../../../src/readers/qcow2/index.js';
import { qemuSize, vmClock } from '../../../src/readers/qcow2/listing.js';
import { checkFindings } from '../../helpers/checks.js';
import { cli, corpusRoot, tempDir } from '../../helpers/cli.js';
import { buildQcow2, filled, type Qcow2Spec } from '../../helpers/qcow2-builder.js';
import { truncationSample } from '../../helpers/samples.js';

const dir = tempDir();
let written = 0;
const write = (bytes: Uint8Array, name = `image-${++written}.qcow2`): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

async function open(path: string): Promise<Snapshot> {
  const probe = await probePath(path);
  return qcow2Reader.open(probe, await qcow2Reader.detect(probe), { showSecrets: false });
}

async function disk(snapshot: Snapshot): Promise<TreeNode> {
  const [node] = await childrenOf(snapshot.root);
  if (node?.name !== 'disk') throw new Error('no disk node');
  return node;
}

async function child(snapshot: Snapshot, selector: string): Promise<Snapshot> {
  const found = snapshot.children.find((candidate) => candidate.selector === selector);
  if (!found) throw new Error(`no child ${selector}`);
  return found.open();
}

async function guestBytes(snapshot: Snapshot): Promise<Buffer> {
  const node = await disk(snapshot);
  return Buffer.from((await node.content?.read(0, node.size)) ?? []);
}

const codes = (snapshot: Snapshot): string[] => snapshot.diagnostics.map((d) => d.code);

/** What the guest sees: each cluster's bytes at its index, zeros elsewhere. */
function expectedGuest(size: number, clusterSize: number, clusters: Record<number, Uint8Array>): Buffer {
  const out = Buffer.alloc(size);
  for (const [index, bytes] of Object.entries(clusters)) out.set(bytes, Number(index) * clusterSize);
  return out;
}

const CS = 4096;
const A = filled(0xaa, CS);
const B = filled(0xbb, CS);
const PATTERN = new Uint8Array(CS).map((_, i) => (i * 7) & 0xff);
const compressedA = { compressed: PATTERN };
const compressedB = { compressed: filled(0x42, CS) };
const base: Qcow2Spec = {
  clusterBits: 12,
  virtualSize: 4 * 1024 * 1024,
  clusters: { 0: A, 1: B, 2: 'zero', 3: compressedA, 4: compressedB, 600: B },
  snapshots: [
    { name: '@s1', clusters: { 0: A }, dateSec: 1795309894, dateNsec: 45507000, icount: 0n },
    {
      name: 'second',
      clusters: { 0: A, 1: filled(0x01, CS), 3: compressedA },
      vmClockNsec: 3_723_456_000_000n,
      vmStateSize: 1536n,
    },
  ],
};

describe('byte-built qcow2 images', () => {
  const built = buildQcow2(base);
  const path = write(built.bytes);

  it('detects v3 by magic and reads the header exactly', async () => {
    expect(await qcow2Reader.detect(await probePath(path))).toBe('v3');
    const snapshot = await open(path);
    expect(snapshot.format).toBe('qcow2');
    expect(snapshot.diagnostics).toEqual([]);
    expect(snapshot.metadata).toMatchObject({
      version: 3,
      compat: '1.1',
      virtual_size: 4194304,
      cluster_size: 4096,
      backing_file: null,
      crypt_method: 'none',
      l1_size: 2,
      l1_table_offset: built.l1TableOffset,
      refcount_table_offset: 4096,
      refcount_table_clusters: 1,
      nb_snapshots: 2,
      snapshots_offset: built.snapshotsOffset,
      incompatible_features: [],
      refcount_order: 4,
      refcount_bits: 16,
      header_length: 112,
      compression_type: 'zlib',
      header_extensions: [{ type: '0x6803f857', name: 'feature name table', length: 384 }],
    });
  });

  it('lists snapshots as qemu-img snapshot -l does', async () => {
    const snapshot = await open(path);
    expect(snapshot.metadata.snapshots).toEqual([
      { id: '1', tag: '@s1', vm_size: 0, date: new Instant(1795309894045507000n), vm_clock: '00:00:00.000', icount: 0 },
      {
        id: '2',
        tag: 'second',
        vm_size: 1536,
        date: new Instant(1700000001000000000n),
        vm_clock: '01:02:03.456',
        icount: null,
      },
    ]);
    expect(snapshot.metadata.info).toBe(
      [
        'Snapshot list:',
        'ID        TAG               VM SIZE                DATE     VM CLOCK     ICOUNT',
        '1         @s1                   0 B 2026-11-22 01:11:34 00:00:00.000          0',
        '2         second            1.5 KiB 2023-11-14 22:13:21 01:02:03.456           ',
      ].join('\n'),
    );
    expect(snapshot.children.map((c) => c.selector)).toEqual(['@s1', 'second', 'current']);
  });

  it('reads guest bytes through L1/L2: data, zero, compressed and unallocated clusters', async () => {
    const snapshot = await open(path);
    const expected = expectedGuest(4 * 1024 * 1024, CS, { 0: A, 1: B, 3: PATTERN, 4: filled(0x42, CS), 600: B });
    expect((await guestBytes(snapshot)).equals(expected)).toBe(true);
    const node = await disk(snapshot);
    expect(node).toMatchObject({ kind: 'memory', size: 4194304, pageSize: 4096 });
    expect(node.attrs).toMatchObject({
      allocated_clusters: 5,
      zero_clusters: 1,
      compressed_clusters: 2,
      guest_clusters: 1024,
      l2_tables: 2,
    });
    // Unaligned reads across cluster boundaries, through a compressed cluster.
    expect(Buffer.from((await node.content?.read(CS * 3 - 5, 10)) ?? [])).toEqual(
      Buffer.concat([Buffer.alloc(5), Buffer.from(PATTERN.subarray(0, 5))]),
    );
    expect((await node.content?.read(4 * 1024 * 1024 - 3, 100))?.length).toBe(3);
  });

  it('opens each snapshot with its own disk and page tokens scoped to the file', async () => {
    const snapshot = await open(path);
    const first = await child(snapshot, '@s1');
    const second = await child(snapshot, 'second');
    expect((await guestBytes(first)).equals(expectedGuest(4 * 1024 * 1024, CS, { 0: A }))).toBe(true);
    expect(
      (await guestBytes(second)).equals(expectedGuest(4 * 1024 * 1024, CS, { 0: A, 1: filled(1, CS), 3: PATTERN })),
    ).toBe(true);
    const tokens = await Promise.all([first, second, snapshot].map(async (s) => (await disk(s)).pageTokens?.()));
    const [t1, t2, current] = tokens.map((t) => t?.tokens ?? new BigUint64Array(0));
    expect(tokens.every((t) => t?.scope === realpathSync(path))).toBe(true);
    expect(t1?.length).toBe(1024);
    expect(t1?.[0]).toBe(t2?.[0]);
    expect(t2?.[0]).toBe(current?.[0]);
    expect(t2?.[1]).not.toBe(current?.[1]);
    expect(t2?.[3]).toBe(current?.[3]);
    expect(current?.[2]).toBe(0n);
    expect(((current?.[3] ?? 0n) >> 63n) & 1n).toBe(1n);
    expect([...(current ?? [])].filter((token) => token !== 0n).length).toBe(5);
  });

  it('reads v2 images with 0-byte snapshot extra data (disk size from the header, no icount)', async () => {
    const v2 = await open(
      write(
        buildQcow2({
          version: 2,
          clusterBits: 9,
          virtualSize: 8192,
          clusters: { 1: filled(7, 512) },
          snapshots: [{ name: 'old', clusters: {}, extraSize: 0 }],
        }).bytes,
      ),
    );
    expect(v2.variant).toBe('v2');
    expect(v2.metadata).toMatchObject({
      version: 2,
      compat: '0.10',
      refcount_order: 4,
      header_length: 72,
      header_extensions: [],
    });
    expect(v2.children[0]?.summary).toMatchObject({ disk_size: 8192, extra_data_size: 0, icount: null });
    expect((await guestBytes(v2)).equals(expectedGuest(8192, 512, { 1: filled(7, 512) }))).toBe(true);
  });

  it('reads a snapshot table that ends at an unpadded end of file', async () => {
    const unpadded = buildQcow2({ ...base, unpaddedTable: true });
    expect(unpadded.bytes.length % 8).not.toBe(0);
    const snapshot = await open(write(unpadded.bytes));
    expect(snapshot.diagnostics).toEqual([]);
    expect((snapshot.metadata.snapshots as unknown[]).length).toBe(2);
  });

  it('reads extended L2 subclusters (allocated, zeroed, unallocated)', async () => {
    const data = filled(9, 65536);
    const snapshot = await open(
      write(
        buildQcow2({
          extendedL2: true,
          virtualSize: 1 << 20,
          clusters: { 0: { data, alloc: 0b1011, zero: 0b0100 }, 1: 'zero', 2: A },
        }).bytes,
      ),
    );
    expect(snapshot.metadata.incompatible_features).toEqual(['extended L2 entries']);
    const bytes = await guestBytes(snapshot);
    expect(bytes.subarray(0, 4096).every((b) => b === 9)).toBe(true);
    expect(bytes.subarray(4096, 6144).every((b) => b === 0)).toBe(true);
    expect(bytes.subarray(6144, 8192).every((b) => b === 9)).toBe(true);
    expect(bytes.subarray(8192, 65536).every((b) => b === 0)).toBe(true);
    expect((await disk(snapshot)).attrs).toMatchObject({ allocated_clusters: 2, zero_clusters: 1 });
  });

  it('reports backing files, encryption, dirty and corrupt bits, names from the feature table', async () => {
    const backed = await open(
      write(buildQcow2({ clusterBits: 12, virtualSize: 65536, backingFile: 'base.img', backingFormat: 'raw' }).bytes),
    );
    expect(backed.metadata).toMatchObject({ backing_file: 'base.img', backing_format: 'raw' });
    expect(codes(backed)).toEqual(['QCOW2_BACKING_FILE', 'QCOW2_BACKING_MISSING']);
    const encrypted = await open(
      write(buildQcow2({ clusterBits: 12, virtualSize: 65536, cryptMethod: 2, clusters: { 0: A } }).bytes),
    );
    expect(codes(encrypted)).toEqual(['QCOW2_ENCRYPTED']);
    expect((await disk(encrypted)).content).toBeUndefined();
    expect((await disk(encrypted)).pageTokens).toBeDefined();
    const flagged = await open(
      write(buildQcow2({ clusterBits: 12, virtualSize: 65536, incompatible: 3n, compatible: 1n }).bytes),
    );
    expect(flagged.metadata).toMatchObject({
      incompatible_features: ['dirty bit', 'corrupt bit'],
      compatible_features: ['lazy refcounts'],
    });
    expect(codes(flagged)).toEqual(['QCOW2_DIRTY', 'QCOW2_CORRUPT']);
  });

  it('formats sizes and clocks like QEMU', () => {
    expect([0n, 1n, 999n, 1000n, 1536n, 1048576n, 10n ** 12n].map(qemuSize)).toEqual([
      '0 B',
      '1 B',
      '999 B',
      '0.977 KiB',
      '1.5 KiB',
      '1 MiB',
      '931 GiB',
    ]);
    expect(vmClock(360_000_000_000_000n + 1_999_000_000n)).toBe('100:00:01.999');
  });
});

describe('damaged qcow2 images', () => {
  const built = buildQcow2(base);

  // Every length is `npm run fuzz`'s job (its qcow2 seeds: the image alone and inside a Multipass
  // instance); here the header fields, every table start and cluster boundary, and a fixed-seed dozen.
  const lengths = truncationSample(built.bytes.length, {
    seed: 61,
    boundaries: [
      4,
      8,
      72,
      104,
      512,
      ...Array.from({ length: Math.ceil(built.bytes.length / 4096) }, (_, i) => (i + 1) * 4096),
      built.l1TableOffset,
      built.snapshotsOffset,
      ...built.entryOffsets,
      built.snapshotsOffset + 100,
    ],
  });

  it('never throws on a truncated image, at sampled lengths', async () => {
    expect(lengths).toEqual(expect.arrayContaining([0, 1, built.snapshotsOffset, built.bytes.length - 1]));
    for (const length of lengths) {
      const path = write(built.bytes.subarray(0, length), 'truncated.qcow2');
      const snapshot = await open(path);
      // Past the snapshot table only padding is cut, which QEMU itself can leave that way.
      if (length < built.snapshotsOffset + 100)
        expect(snapshot.diagnostics.length, `length ${length}`).toBeGreaterThan(0);
      for (const view of [snapshot, ...(await Promise.all(snapshot.children.map((c) => c.open())))]) {
        const node = await disk(view);
        await node.content?.read(0, node.size);
        await node.pageTokens?.();
      }
      await checkFindings(snapshot);
    }
  });

  const patched = (patch: (view: DataView) => void): string => {
    const bytes = built.bytes.slice();
    patch(new DataView(bytes.buffer));
    return write(bytes);
  };

  it('reports tables past the end of the file and sizes beyond QEMU limits', async () => {
    const far = BigInt(built.bytes.length + 4096 * 10);
    expect(codes(await open(patched((v) => v.setBigUint64(40, far))))).toContain('QCOW2_TABLE_PAST_END');
    expect(codes(await open(patched((v) => v.setBigUint64(48, far))))).toContain('QCOW2_TABLE_PAST_END');
    expect(codes(await open(patched((v) => v.setBigUint64(64, far))))).toContain('QCOW2_TABLE_PAST_END');
    const huge = await open(patched((v) => v.setUint32(36, 0xffffffff)));
    expect(codes(huge)).toContain('QCOW2_TABLE_TOO_LARGE');
    expect((await disk(huge)).attrs.allocated_clusters).toBe(5);
    const many = await open(patched((v) => v.setUint32(60, 0x7fffffff)));
    expect(codes(many)).toEqual(expect.arrayContaining(['QCOW2_TABLE_TOO_LARGE', 'QCOW2_BAD_SNAPSHOT']));
    expect(codes(await open(patched((v) => v.setUint32(20, 40))))).toEqual(['QCOW2_BAD_HEADER']);
  });

  it('verify finds L2 entries that point past the end of the file, in snapshots too', async () => {
    const l2 = (offset: number): number =>
      Number(new DataView(built.bytes.buffer).getBigUint64(offset) & 0x00fffffffffffe00n);
    const snapshotL1 = Number(new DataView(built.bytes.buffer).getBigUint64(built.entryOffsets[0] ?? 0));
    const path = patched((v) => v.setBigUint64(l2(snapshotL1), BigInt(built.bytes.length + 65536)));
    const snapshot = await open(path);
    expect(snapshot.diagnostics).toEqual([]);
    const findings = await checkFindings(snapshot);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'QCOW2_CLUSTER_PAST_END',
        message: expect.stringContaining('snapshot @s1: guest offset 0x0 maps to'),
      }),
    ]);
    expect(await checkFindings(await open(write(built.bytes)))).toEqual([]);
    const viaCli = await cli(['verify', '--json', path]);
    expect(viaCli.code).toBe(1);
    expect(JSON.parse(viaCli.stdout).findings.map((f: { code: string }) => f.code)).toEqual(['QCOW2_CLUSTER_PAST_END']);
  });

  it('reads a corrupt compressed cluster as zeros with one diagnostic; cat exits 1 and verify fails where qemu-img convert meets an I/O error', async () => {
    const broken = buildQcow2({
      clusterBits: 12,
      virtualSize: 65536,
      clusters: { 0: { compressed: PATTERN }, 1: { compressed: A } },
    });
    const bytes = broken.bytes.slice();
    const entry = new DataView(bytes.buffer).getBigUint64(
      Number(new DataView(bytes.buffer).getBigUint64(broken.l1TableOffset) & 0xfffffffffe00n),
    );
    const offset = Number(entry & ((1n << 58n) - 1n));
    bytes.fill(0xff, offset, offset + 16);
    const damaged = await open(write(bytes));
    const guest = await guestBytes(damaged);
    expect(guest.subarray(0, CS).every((b) => b === 0)).toBe(true);
    // A read-time problem stays with the disk it was read from.
    expect(damaged.diagnostics.filter((d) => d.code === 'QCOW2_BAD_COMPRESSED')).toHaveLength(0);
    expect((await raisedBelow(damaged.root, () => true)).filter((d) => d.code === 'QCOW2_BAD_COMPRESSED')).toHaveLength(
      1,
    );
    const path = write(bytes);
    const written = await cli(['cat', `${path}:disk`]);
    expect([written.code, written.bytes.length, written.stderr]).toEqual([
      1,
      65536,
      `snapinspect: disk: compressed cluster at host offset 0x${offset.toString(16)} cannot be inflated (invalid block type); it reads as zeros (QCOW2_BAD_COMPRESSED)\n`,
    ]);
    const qemu = spawnSync('qemu-img', ['convert', '-O', 'raw', path, `${path}.raw`], { encoding: 'utf8' });
    if (qemu.error) console.warn('SKIPPED the qemu-img convert oracle: qemu-img is not installed');
    else
      expect([qemu.status, qemu.stderr]).toEqual([1, 'qemu-img: error while reading at byte 0: Input/output error\n']);
    const verified = await cli(['verify', '--json', path]);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout).findings).toContainEqual(
      expect.objectContaining({
        code: 'QCOW2_BAD_COMPRESSED',
        message: `1 compressed cluster cannot be inflated (the first at host offset 0x${offset.toString(16)}: invalid block type); the guest reads an I/O error there, as qemu-img convert does (qemu-img check does not inflate data)`,
      }),
    );
  });
});

const corpusImage = join(corpusRoot, 'multipass/vault/instances/primary/ubuntu-24.04-server-cloudimg-amd64.img');
const corpus = existsSync(corpusImage);
if (!corpus) console.warn(`SKIPPED qcow2 corpus cases: ${corpusImage} not found`);

describe.skipIf(!corpus)('the Multipass corpus image', () => {
  it('has the header fields and snapshot list of the corpus README', async () => {
    const snapshot = await open(corpusImage);
    expect(snapshot.diagnostics).toEqual([]);
    expect(snapshot.metadata).toMatchObject({
      version: 3,
      virtual_size: 268435456,
      cluster_size: 65536,
      backing_file: null,
      crypt_method: 'none',
      l1_size: 1,
      l1_table_offset: 0x30000,
      refcount_table_offset: 0x10000,
      refcount_table_clusters: 1,
      nb_snapshots: 2,
      snapshots_offset: 3735552,
      incompatible_features: [],
      compatible_features: [],
      autoclear_features: [],
      refcount_order: 4,
      header_length: 112,
      compression_type: 'zlib',
      header_extensions: [{ type: '0x6803f857', name: 'feature name table', length: 384 }],
    });
    expect(`${snapshot.metadata.info}\n`).toBe(
      readme('`qemu-img snapshot -l ubuntu-24.04-server-cloudimg-amd64.img` (verbatim, TZ=UTC):'),
    );
    expect(snapshot.children.map((c) => [c.selector, c.summary.l1_table_offset, c.summary.disk_size])).toEqual([
      ['@s1', 0x150000, 268435456],
      ['@s2', 0x380000, 268435456],
      ['current', 0x30000, 268435456],
    ]);
  });

  it('allocates 16, 48 and 49 clusters in @s1, @s2 and the current state, with the README contents', async () => {
    const snapshot = await open(corpusImage);
    const views = await Promise.all(['@s1', '@s2', 'current'].map((selector) => child(snapshot, selector)));
    expect(await Promise.all(views.map(async (view) => (await disk(view)).attrs.allocated_clusters))).toEqual([
      16, 48, 49,
    ]);
    const current = Buffer.from((await (await disk(views[2] as Snapshot)).content?.read(0, 0x1000000)) ?? []);
    expect(
      current.subarray(0, 0x100000).every((b) => b === 0xaa) &&
        current.subarray(0x100000, 0x300000).every((b) => b === 0xbb),
    ).toBe(true);
    expect(
      current.subarray(0x800000, 0x810000).every((b) => b === 0xcc) && current.subarray(0x810000).every((b) => b === 0),
    ).toBe(true);
    expect(await checkFindings(snapshot)).toEqual([]);
  });
});

/** The fenced block after a heading line in the corpus README. */
function readme(heading: string): string {
  const text = readFileSync(join(corpusRoot, 'README.md'), 'utf8');
  const after = text.slice(text.indexOf(heading));
  return after.slice(after.indexOf('```\n') + 4, after.indexOf('\n```', after.indexOf('```\n') + 4) + 1);
}

let qemu = false;
const run = (command: string, args: string[]): string => {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};

describe('images written by the real qemu-img', () => {
  beforeAll(() => {
    const present = (): boolean =>
      spawnSync('qemu-img', ['--version']).status === 0 && spawnSync('qemu-io', ['--version']).status === 0;
    qemu =
      present() ||
      (spawnSync('apt-get', ['install', '-y', 'qemu-utils'], { timeout: 240_000 }).status === 0 && present());
    if (!qemu)
      console.warn('SKIPPED real qemu-img cases: qemu-img/qemu-io missing and apt-get install -y qemu-utils failed');
  }, 300_000);

  for (const compat of ['0.10', '1.1']) {
    it(`matches qemu-img info, snapshot -l and convert for a compat=${compat} image with snapshots`, async (ctx) => {
      if (!qemu) ctx.skip();
      const path = join(dir, `qemu-${compat}.qcow2`);
      run('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', `compat=${compat}`, path, '64M']);
      run('qemu-io', ['-c', 'write -P 0xaa 0 1M', path]);
      run('qemu-img', ['snapshot', '-c', 's1', path]);
      run('qemu-io', ['-c', 'write -P 0xbb 1M 2M', '-c', 'write -z 0 64k', '-c', 'write -P 0x5a 100k 3k', path]);
      run('qemu-img', ['snapshot', '-c', 's2', path]);
      run('qemu-io', ['-c', 'write -P 0xcc 8M 64k', path]);
      await compareWithQemu(path);
    });
  }

  for (const options of ['compression_type=zlib', 'compression_type=zstd', 'extended_l2=on,cluster_size=128k']) {
    it(`reads what qemu-img convert writes with -o ${options}`, async (ctx) => {
      if (!qemu) ctx.skip();
      const raw = join(dir, 'source.raw');
      writeFileSync(
        raw,
        Buffer.concat([
          Buffer.alloc(200_000, 0x61),
          Buffer.from(PATTERN),
          Buffer.alloc(300_000),
          Buffer.alloc(4000, 0x62),
        ]),
      );
      const path = join(dir, `converted-${options}.qcow2`);
      const compressed = options.startsWith('compression') ? ['-c'] : [];
      const made = spawnSync('qemu-img', [
        'convert',
        ...compressed,
        '-f',
        'raw',
        '-O',
        'qcow2',
        '-o',
        options,
        raw,
        path,
      ]);
      if (made.status !== 0) ctx.skip();
      if (!compressed.length) run('qemu-io', ['-c', 'write -P 0x77 300k 4k', '-c', 'write -z 8k 8k', path]);
      await compareWithQemu(path);
      if (compressed.length) expect((await disk(await open(path))).attrs.compressed_clusters).toBeGreaterThan(0);
    });
  }
});

async function compareWithQemu(path: string): Promise<void> {
  const info = JSON.parse(run('qemu-img', ['info', '--output=json', path]));
  const snapshot = await open(path);
  expect(snapshot.diagnostics).toEqual([]);
  const data = info['format-specific'].data;
  expect(snapshot.metadata).toMatchObject({
    virtual_size: info['virtual-size'],
    cluster_size: info['cluster-size'],
    compat: data.compat,
    refcount_bits: data['refcount-bits'],
  });
  if (data['compression-type']) expect(snapshot.metadata.compression_type).toBe(data['compression-type']);
  const rows = (
    snapshot.metadata.snapshots as { id: string; tag: string; vm_size: number; date: Instant; icount: number | null }[]
  ).map((row) => ({ ...row, date: row.date.epochNs }));
  expect(rows.map(({ id, tag, vm_size, date, icount }) => ({ id, tag, vm_size, date, icount }))).toEqual(
    (info.snapshots ?? []).map((s: any) => ({
      id: s.id,
      tag: s.name,
      vm_size: s['vm-state-size'],
      date: BigInt(s['date-sec']) * 1_000_000_000n + BigInt(s['date-nsec']),
      icount: s.icount ?? null,
    })),
  );
  if (info.snapshots) expect(`${snapshot.metadata.info}\n`).toBe(run('qemu-img', ['snapshot', '-l', path]));
  const map: { length: number; data: boolean }[] = JSON.parse(run('qemu-img', ['map', '--output=json', path]));
  const dataBytes = map.filter((m) => m.data).reduce((sum, m) => sum + m.length, 0);
  if (!snapshot.metadata.incompatible_features?.toString().includes('extended'))
    expect((await disk(snapshot)).attrs.allocated_clusters).toBe(Math.ceil(dataBytes / info['cluster-size']));
  for (const view of [...(info.snapshots ?? []).map((s: any) => s.name), null]) {
    const raw = join(dir, 'view.raw');
    run('qemu-img', [
      'convert',
      ...(view ? ['-l', `snapshot.name=${view}`] : []),
      '-f',
      'qcow2',
      '-O',
      'raw',
      path,
      raw,
    ]);
    const ours = await guestBytes(view ? await child(snapshot, view) : snapshot);
    expect(ours.equals(readFileSync(raw)), `guest bytes of ${view ?? 'current'}`).toBe(true);
  }
}
