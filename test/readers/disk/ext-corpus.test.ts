import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SliceSource } from '../../../src/model/source.js';
import { expectSameAsDebugfs } from '../../helpers/ext-oracle.js';
import { fileSource, hasE2fsprogs, listAll, openImage, run, scratch, warnIfSkipped } from '../../helpers/ext-tools.js';

const disk = resolve(__dirname, '../../../../shared/corpus/vm/tiny-mbr.raw');
const present = existsSync(disk);
if (!present) console.warn(`SKIPPED ext corpus suite: ${disk} not found (the shared corpus sits beside the repo)`);
warnIfSkipped('ext corpus suite');

/** The partitions TRUTH.md lists for tiny-mbr.raw, in 512-byte sectors. */
const partitions = [
  { name: 'p1 (ext2, indirect blocks)', start: 2048, sectors: 10240, type: 'ext2', label: 'tinyext2' },
  { name: 'p2 (ext3, journal)', start: 12288, sectors: 12288, type: 'ext3', label: 'tinyext3' },
];

let dir = '';
beforeAll(() => {
  if (present && hasE2fsprogs) dir = scratch('snapinspect-ext-corpus-');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!present || !hasE2fsprogs)('ext partitions of the corpus MBR disk', () => {
  it.each(partitions)(
    '$name reads as debugfs reads the extracted partition',
    async ({ start, sectors, type, label }) => {
      const extracted = join(dir, `part-${start}.img`);
      run('dd', [`if=${disk}`, `of=${extracted}`, 'bs=512', `skip=${start}`, `count=${sectors}`, 'status=none']);
      const volume = new SliceSource(fileSource(disk), start * 512, sectors * 512);
      const fs = await openImage(extracted, volume);
      expect(fs.attrs).toMatchObject({ type, label, state: 'clean' });
      await expectSameAsDebugfs(extracted, dir, volume);
    },
  );

  it('p1 holds the files TRUTH.md lists', async () => {
    const fs = await openImage('', new SliceSource(fileSource(disk), 2048 * 512, 10240 * 512));
    const nodes = await listAll(fs.root);
    expect([...nodes.keys()]).toEqual(['fifo', 'log', 'log/app.log', 'lost+found']);
    expect(nodes.get('log/app.log')?.size).toBe(208894);
    expect(await fs.verify()).toEqual([]);
  });
});
