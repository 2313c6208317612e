import { rmSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SliceSource, type Source } from '../../../src/model/source.js';
import type { TreeNode } from '../../../src/model/tree.js';
import { CountingSource } from '../../helpers/counting-source.js';
import { prng } from '../../helpers/prng.js';
import {
  debugfs,
  extentTreeBlock,
  fileSource,
  hasE2fsprogs,
  hashDirectories,
  inodeOffset,
  listAll,
  mke2fs,
  openImage,
  PatchedSource,
  run,
  scratch,
  warnIfSkipped,
} from '../../helpers/ext-tools.js';

warnIfSkipped('ext damaged-image suite');

const BLOCK = 4096;
let dir = '';
let plain = '';
let checked = '';
let ext2 = '';

/** A small tree with a file fragmented enough to need an extent index block. */
function buildTree(root: string): void {
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
  writeFileSync(join(root, 'a/b/c/deep.txt'), 'deep\n');
  for (let i = 0; i < 40; i++) writeFileSync(join(root, 'a', `f${i}`), `file ${i}\n`);
  writeFileSync(join(root, 'frag'), '');
  truncateSync(join(root, 'frag'), 20 * 1024 * 1024);
  for (let i = 0; i < 10; i++)
    run('dd', [
      `of=${join(root, 'frag')}`,
      'bs=1',
      `seek=${i * 2 * 1024 * 1024}`,
      'conv=notrunc',
      'status=none',
      'if=/etc/hostname',
    ]);
}

beforeAll(() => {
  if (!hasE2fsprogs) return;
  dir = scratch('snapinspect-ext-damage-');
  buildTree(join(dir, 'tree'));
  plain = mke2fs(
    join(dir, 'plain.img'),
    ['-t', 'ext4', '-O', '^metadata_csum', '-b', '4096'],
    join(dir, 'tree'),
    '32M',
  );
  checked = mke2fs(join(dir, 'checked.img'), ['-t', 'ext4', '-b', '4096'], join(dir, 'tree'), '32M');
  ext2 = mke2fs(join(dir, 'ext2.img'), ['-t', 'ext2', '-b', '1024'], join(dir, 'tree'), '32M');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Lists everything and reads every file; returns the codes raised on the way. */
async function readEverything(volume: Source): Promise<{ codes: string[]; nodes: Map<string, TreeNode> }> {
  const fs = await openImage('', volume);
  const nodes = await listAll(fs.root);
  for (const node of nodes.values()) if (node.content) await node.content.read(0, Math.min(node.size, 1 << 20));
  const raised = [...nodes.values(), fs.root].flatMap((node) => node.raised ?? []);
  return { codes: [...fs.diagnostics, ...raised].map((found) => found.code), nodes };
}

describe.skipIf(!hasE2fsprogs)('damaged ext images', () => {
  it('lists a 32 MiB filesystem reading a small part of it', async () => {
    const counting = new CountingSource(fileSource(plain));
    const { nodes } = await readEverything(counting);
    expect(nodes.size).toBe(46);
    expect(counting.bytesRead).toBeLessThan(4 * 1024 * 1024);
  });

  it('survives truncation at any point', async () => {
    const whole = fileSource(plain);
    for (const cut of [0, 100, 1024 + 56, 2047, 4096, 8192, 65536, 1 << 20, whole.size / 2, whole.size - 4096]) {
      const { codes } = await readEverything(new SliceSource(whole, 0, cut));
      expect({ cut, truncated: codes.includes('EXT_TRUNCATED') }).toEqual({ cut, truncated: true });
    }
  });

  it.each([
    ['blocks per group 0', 0x20, 0],
    ['inodes per group 0', 0x28, 0],
    ['block size over 64 KiB', 0x18, 7],
    ['inode size 3', 0x58, 3],
    ['block count 0', 0x4, 0],
  ])('reports an unusable superblock (%s) instead of failing', async (_name, field, value) => {
    const volume = new PatchedSource(fileSource(plain)).patchU32(1024 + field, value);
    if (field === 0x58) volume.patch(1024 + field, [value, 0]);
    const fs = await openImage('', volume);
    expect(fs.diagnostics.map((found) => found.code)).toContain('EXT_BAD_SUPERBLOCK');
    expect(await listAll(fs.root)).toEqual(new Map());
  });

  it('reports an absurd inode count on verify and still lists', async () => {
    const fs = await openImage('', new PatchedSource(fileSource(plain)).patchU32(1024, 0xffffffff));
    expect((await listAll(fs.root)).size).toBe(46);
    expect((await fs.verify()).map((found) => found.code)).toEqual(['EXT_BAD_SUPERBLOCK']);
  });

  it('warns when the journal was not replayed', async () => {
    const image = join(dir, 'recovery.img');
    run('cp', [plain, image]);
    debugfs(image, ['feature needs_recovery'], true);
    const fs = await openImage(image);
    expect(fs.diagnostics.map((found) => [found.severity, found.code])).toEqual([['warning', 'EXT_NEEDS_RECOVERY']]);
    expect(fs.diagnostics[0]?.message).toContain('recent changes may be missing');
    expect(fs.attrs.features).toContain('needs_recovery');
  });

  it('names unknown incompatible features and reads on', async () => {
    const volume = new PatchedSource(fileSource(plain)).patchU32(1024 + 0x60, 0x2c2 | 0x80000000);
    const fs = await openImage('', volume);
    expect(fs.diagnostics.map((found) => found.code)).toEqual(['EXT_UNKNOWN_FEATURES']);
    expect(fs.diagnostics[0]?.message).toContain('FEATURE_I31');
    expect((await listAll(fs.root)).size).toBe(46);
  });

  it('stops at an extent index that points at itself', async () => {
    const block = extentTreeBlock(plain, '/frag');
    const volume = new PatchedSource(fileSource(plain))
      .patch(block * BLOCK + 6, [1, 0])
      .patchU32(block * BLOCK + 12 + 4, block);
    const { codes, nodes } = await readEverything(volume);
    expect(codes).toEqual(['EXT_BAD_EXTENT_TREE']);
    expect((await nodes.get('frag')?.content?.read(0, 16))?.every((byte) => byte === 0)).toBe(true);
  });

  it('refuses extent trees deeper than the kernel allows', async () => {
    const at = inodeOffset(plain, '/frag', BLOCK);
    const { codes } = await readEverything(new PatchedSource(fileSource(plain)).patch(at + 0x28 + 6, [6, 0]));
    expect(codes).toEqual(['EXT_BAD_EXTENT_TREE']);
  });

  it('reads an extent pointing past the volume as zeros', async () => {
    const block = extentTreeBlock(plain, '/frag');
    const volume = new PatchedSource(fileSource(plain)).patchU32(block * BLOCK + 12 + 8, 0x7ffffff0);
    const { codes, nodes } = await readEverything(volume);
    expect(codes).toEqual(['EXT_BAD_EXTENT_TREE']);
    expect(nodes.get('frag')?.size).toBe(20 * 1024 * 1024);
  });

  it('reports block map pointers past the volume on verify and reads them as zeros', async () => {
    const at = inodeOffset(ext2, '/a/b/c/deep.txt', 1024);
    const fs = await openImage('', new PatchedSource(fileSource(ext2)).patchU32(at + 0x28, 0x7ffffff0));
    const deep = (await listAll(fs.root)).get('a/b/c/deep.txt');
    expect(Buffer.from((await deep?.content?.read(0, 5)) ?? []).toString()).toBe('\0\0\0\0\0');
    expect((await fs.verify()).map((found) => found.code)).toEqual(['EXT_BAD_BLOCK_MAP']);
  });

  it('stops walking a block map whose pointers repeat one block', async () => {
    const at = inodeOffset(ext2, '/a/b/c/deep.txt', 1024);
    const spare = 32 * 1024 - 1;
    const volume = new PatchedSource(fileSource(ext2))
      .patchU32(at + 0x4, 80 * 1024 * 1024)
      .patchU32(at + 0x28 + 13 * 4, spare)
      .patch(spare * 1024, new Uint8Array(new Uint32Array(256).fill(spare).buffer));
    const found = await (await openImage('', volume)).verify();
    expect(found.map((item) => item.code)).toEqual(['EXT_BAD_BLOCK_MAP']);
    expect(found[0]?.message).toContain('more mapped blocks than the filesystem holds');
  });

  it('lists a directory linked into its own child once, without an endless tree', async () => {
    const image = join(dir, 'cycle.img');
    run('cp', [plain, image]);
    debugfs(image, ['link /a /a/b/up'], true);
    const { codes, nodes } = await readEverything(fileSource(image));
    expect(codes).toEqual(['EXT_DIRECTORY_CYCLE']);
    expect(nodes.get('a/b/up')?.kind).toBe('dir');
    expect([...nodes.keys()].filter((path) => path.startsWith('a/b/up/'))).toEqual([]);
  });

  it('survives random bytes flipped anywhere in the metadata', async () => {
    const random = prng(20261202);
    for (let round = 0; round < 60; round++) {
      const volume = new PatchedSource(fileSource(checked));
      for (let flip = 0; flip < 40; flip++)
        volume.patch(Math.floor(random() * 2 * 1024 * 1024), [Math.floor(random() * 256)]);
      const { codes } = await readEverything(volume);
      expect(codes.every((code) => code.startsWith('EXT_'))).toBe(true);
      await (await openImage('', volume)).verify();
    }
  });

  it('reports a name listed twice and escapes a slash inside a name', async () => {
    const folder = Number(/\(0\):(\d+)/.exec(run('/usr/sbin/debugfs', ['-R', 'stat /a', plain]))?.[1]);
    const block = await fileSource(plain).read(folder * BLOCK, BLOCK);
    const nameOf = (name: string): number => Buffer.from(block).indexOf(Buffer.from([2, 1, ...Buffer.from(name)])) + 2;
    const volume = new PatchedSource(fileSource(plain))
      .patch(folder * BLOCK + nameOf('f1'), Buffer.from('f0'))
      .patch(folder * BLOCK + nameOf('f2'), Buffer.from('f/'));
    const { codes, nodes } = await readEverything(volume);
    expect(codes).toEqual(['EXT_BAD_DIRECTORY']);
    expect(nodes.has('a/f\\x2f')).toBe(true);
    expect([...nodes.keys()].filter((path) => path === 'a/f0')).toHaveLength(1);
  });

  it('survives garbage in the inode table', async () => {
    const at = inodeOffset(plain, '/a/f0', BLOCK);
    const garbage = Array.from({ length: 16 * 256 }, (_, i) => (i * 131 + 17) & 0xff);
    const { codes } = await readEverything(new PatchedSource(fileSource(plain)).patch(at, garbage));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => code.startsWith('EXT_'))).toBe(true);
  });
});

describe.skipIf(!hasE2fsprogs)('ext metadata checksums', () => {
  async function verifyMessages(volume: Source): Promise<string[]> {
    const found = await (await openImage('', volume)).verify();
    expect(found.every((item) => item.code === 'EXT_BAD_CHECKSUM')).toBe(true);
    return found.map((item) => `${item.path ?? ''}: ${item.message}`);
  }

  it('finds nothing wrong in an intact filesystem', async () => {
    expect(await verifyMessages(fileSource(checked))).toEqual([]);
  });

  it('reports a changed inode once, by number and path', async () => {
    const at = inodeOffset(checked, '/a/b/c/deep.txt', BLOCK);
    const number = /Inode: (\d+)/.exec(run('/usr/sbin/debugfs', ['-R', 'stat /a/b/c/deep.txt', checked]))?.[1];
    const messages = await verifyMessages(new PatchedSource(fileSource(checked)).patch(at + 2, [0x39]));
    expect(messages).toEqual([
      `p1/a/b/c/deep.txt: the metadata checksum of inode ${number} (a/b/c/deep.txt) does not match`,
    ]);
  });

  it('reports a changed superblock and group descriptor', async () => {
    const volume = new PatchedSource(fileSource(checked)).patch(1024 + 0x34, [9]).patch(BLOCK + 0x10, [0x7f]);
    expect(await verifyMessages(volume)).toEqual([
      'p1: the metadata checksum of the superblock does not match',
      'p1: the metadata checksum of group descriptor 0 (block 1) does not match',
    ]);
  });

  it('reports a changed index block of a hashed directory', async () => {
    const hashed = join(dir, 'hashed');
    mkdirSync(join(hashed, 'many'), { recursive: true });
    for (let i = 0; i < 1000; i++) writeFileSync(join(hashed, 'many', `entry-${i}`), '');
    const image = mke2fs(join(dir, 'hashed.img'), ['-t', 'ext4', '-b', '4096'], hashed, '16M');
    hashDirectories(image);
    const root = Number(/\(0(?:-\d+)?\):(\d+)/.exec(run('/usr/sbin/debugfs', ['-R', 'stat /many', image]))?.[1]);
    expect(await verifyMessages(fileSource(image))).toEqual([]);
    const messages = await verifyMessages(
      new PatchedSource(fileSource(image)).patch(root * BLOCK + 0x28, [0x5a, 0x5a]),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      new RegExp(
        `^p1/many: the metadata checksum of directory index block ${root} of inode \\d+ \\(many\\) does not match$`,
      ),
    );
  });

  it('reports changed extent and directory blocks', async () => {
    const extent = extentTreeBlock(checked, '/frag');
    const folder = Number(/\(0\):(\d+)/.exec(run('/usr/sbin/debugfs', ['-R', 'stat /a', checked]))?.[1]);
    const volume = new PatchedSource(fileSource(checked))
      .patch(extent * BLOCK + 16, [0xff])
      .patch(folder * BLOCK + 30, [0x41]);
    const messages = await verifyMessages(volume);
    expect(messages.some((message) => message.includes(`extent block ${extent} of inode`))).toBe(true);
    expect(messages.some((message) => message.includes(`directory block ${folder} of inode`))).toBe(true);
  });
});

/** A volume whose identity of a range is where it lies, as a qcow2 reports its unchanged clusters. */
class LocatedSource implements Source {
  constructor(private readonly base: Source) {}

  get size(): number {
    return this.base.size;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.base.read(offset, length);
  }

  identity(offset: number, length: number): Promise<string | null> {
    return Promise.resolve(`at ${offset}+${length}`);
  }
}

describe.skipIf(!hasE2fsprogs)('ext content identity', () => {
  it('composes the volume identity over the blocks behind a file, holes as zeros', async () => {
    const nodes = await listAll((await openImage('', new LocatedSource(fileSource(plain)))).root);
    const frag = nodes.get('frag')?.content;
    const first = Number(/\(0\):(\d+)/.exec(run('/usr/sbin/debugfs', ['-R', 'stat /frag', plain]))?.[1]);
    expect(await frag?.identity?.(0, 8192)).toBe(`at ${first * BLOCK}+4096|zero:4096`);
    expect(await frag?.identity?.(100, 10)).toBe(`at ${first * BLOCK + 100}+10`);
  });

  it('has no identity when the volume has none', async () => {
    const nodes = await listAll((await openImage('', fileSource(plain))).root);
    expect(await nodes.get('frag')?.content?.identity?.(0, 8192)).toBeNull();
  });
});
