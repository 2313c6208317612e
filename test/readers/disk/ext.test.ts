import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extDriver } from '../../../src/readers/shared/disk/ext/index.js';
import { expectSameAsDebugfs } from '../../helpers/ext-oracle.js';
import {
  buildSourceTree,
  debugfs,
  fileSource,
  getfaclShort,
  hashDirectories,
  debugfsRequest,
  hasE2fsprogs,
  listAll,
  mke2fs,
  openImage,
  scratch,
  warnIfSkipped,
} from '../../helpers/ext-tools.js';

warnIfSkipped('ext filesystem suite');

let dir = '';
let tree = '';

beforeAll(() => {
  if (!hasE2fsprogs) return;
  dir = scratch('snapinspect-ext-');
  tree = join(dir, 'tree');
  buildSourceTree(tree);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const layouts: [string, string[], string][] = [
  ['ext4, 4 KiB blocks, metadata_csum', ['-t', 'ext4', '-b', '4096'], '64M'],
  ['ext4 without metadata_csum', ['-t', 'ext4', '-O', '^metadata_csum', '-b', '4096'], '64M'],
  ['ext4 with 128-byte inodes', ['-t', 'ext4', '-I', '128'], '64M'],
  ['ext4 with 1 KiB blocks', ['-t', 'ext4', '-b', '1024'], '64M'],
  ['ext3 (journal, block maps)', ['-t', 'ext3', '-b', '4096'], '64M'],
  ['ext2 with 1 KiB blocks (indirect blocks)', ['-t', 'ext2', '-b', '1024'], '64M'],
  ['ext2 with 2 KiB blocks', ['-t', 'ext2', '-b', '2048'], '64M'],
  ['ext4 with inline data', ['-t', 'ext4', '-O', 'inline_data'], '64M'],
  ['ext4 with 64 KiB blocks', ['-t', 'ext4', '-b', '65536'], '256M'],
];

describe.skipIf(!hasE2fsprogs)('ext filesystems agree with debugfs', () => {
  it.each(layouts)('%s', async (name, options, size) => {
    const image = mke2fs(join(dir, `${name.replace(/\W+/g, '-')}.img`), options, tree, size);
    hashDirectories(image);
    // 3000 names fit in one 64 KiB block, which needs no index.
    if (!options.includes('65536')) expect(debugfsRequest(image, 'htree /many')).toContain('Number of entries (count)');
    await expectSameAsDebugfs(image, dir);
  });
});

describe.skipIf(!hasE2fsprogs)('ext filesystem details', () => {
  let image = '';
  beforeAll(() => {
    image = mke2fs(
      join(dir, 'details.img'),
      ['-t', 'ext4', '-b', '4096', '-L', 'details', '-U', '0b7c7d4e-1111-4222-8333-444455556666'],
      tree,
      '64M',
    );
    hashDirectories(image);
    debugfs(image, ['sif /private.txt mtime_extra 0x1d6f3455'], true);
  });

  it('shows the superblock facts as dumpe2fs names them', async () => {
    const fs = await openImage(image);
    expect(fs.type).toBe('ext4');
    expect(fs.attrs).toMatchObject({
      type: 'ext4',
      label: 'details',
      uuid: '0b7c7d4e-1111-4222-8333-444455556666',
      'block size': 4096,
      'inode size': 256,
      state: 'clean',
      'last mounted': null,
    });
    const dumpe2fs = /Filesystem features:\s+(.*)/
      .exec(debugfs(image, ['stats']))?.[1]
      ?.trim()
      .split(' ');
    expect(fs.attrs.features).toEqual(dumpe2fs);
  });

  it('reads nanosecond mtimes with their epoch bits', async () => {
    const fs = await openImage(image);
    const node = (await listAll(fs.root)).get('private.txt');
    expect(node?.mtime?.toISOString()).toBe('2160-02-08T09:32:21.123456789Z');
  });

  it('keeps hard links as files that share inode, link count and content', async () => {
    const nodes = await listAll((await openImage(image)).root);
    const run = nodes.get('run');
    const link = nodes.get('run-hardlink');
    expect(run?.attrs).toMatchObject({ inode: link?.attrs.inode, links: 2 });
    expect(link?.kind).toBe('file');
    expect(run?.content).toBe(link?.content);
  });

  it('shows device numbers in both encodings and the tar form', async () => {
    const nodes = await listAll((await openImage(image)).root);
    expect(nodes.get('null-dev')?.attrs.device).toBe('chardev 1:3');
    expect(nodes.get('disk-dev')?.attrs.device).toBe('blockdev 259:300000');
  });

  it('reads a sparse file over 4 GiB as zeros with its tail', async () => {
    const huge = (await listAll((await openImage(image)).root)).get('huge.bin');
    expect(huge?.size).toBe(5 * 1024 ** 3);
    expect(Buffer.from((await huge?.content?.read(5 * 1024 ** 3 - 5, 10)) ?? []).toString()).toBe('end!\n');
    expect((await huge?.content?.read(4 * 1024 ** 3, 65536))?.every((byte) => byte === 0)).toBe(true);
    expect(Number(/Blockcount: (\d+)/.exec(debugfs(image, ['stat /huge.bin']))?.[1])).toBeLessThan(100);
  });

  it('shows xattrs as the tar reader does and ACLs as getfacl does', async () => {
    const nodes = await listAll((await openImage(image)).root);
    expect(Buffer.from(nodes.get('a/b/c/deep.txt')?.attrs['xattr user.color'] as Uint8Array).toString()).toBe('blue');
    expect(nodes.get('private.txt')?.attrs['xattr system.posix_acl_access']).toBe(
      getfaclShort(join(tree, 'private.txt')),
    );
    expect(nodes.get('a')?.attrs['xattr system.posix_acl_default']).toBe(getfaclShort(join(tree, 'a'), '-d'));
  });

  it('reads xattrs kept in a separate block', async () => {
    const copy = join(dir, 'xattr-block.img');
    mke2fs(copy, ['-t', 'ext4', '-I', '128'], tree, '64M');
    debugfs(copy, [`ea_set /run user.big ${'v'.repeat(300)}`], true);
    const run = (await listAll((await openImage(copy)).root)).get('run');
    expect(Buffer.from(run?.attrs['xattr user.big'] as Uint8Array).toString()).toBe('v'.repeat(300));
    expect(await (await openImage(copy)).verify()).toEqual([]);
  });

  it('reads xattr values kept in an inode of their own (ea_inode)', async () => {
    const copy = join(dir, 'ea-inode.img');
    mke2fs(copy, ['-t', 'ext4', '-O', 'ea_inode', '-b', '1024'], join(tree, 'a'), '16M');
    debugfs(copy, [`ea_set /medium.bin user.large ${'w'.repeat(3000)}`], true);
    const fs = await openImage(copy);
    expect(fs.diagnostics).toEqual([]);
    const medium = (await listAll(fs.root)).get('medium.bin');
    expect(Buffer.from(medium?.attrs['xattr user.large'] as Uint8Array).toString()).toBe('w'.repeat(3000));
  });

  it('detects ext superblocks and nothing else', async () => {
    const head = await fileSource(image).read(0, 65536);
    expect(extDriver.detect(head)).toBe(true);
    expect(extDriver.detect(head.subarray(0, 1100))).toBe(false);
    expect(extDriver.detect(new Uint8Array(65536))).toBe(false);
  });

  it('verifies every metadata checksum of an intact filesystem', async () => {
    expect(await (await openImage(image)).verify()).toEqual([]);
  });
});
