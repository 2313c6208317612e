import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource, readAll, SliceSource } from '../../../src/model/source.js';
import { findNode } from '../../../src/model/tree.js';
import { fatDriver } from '../../../src/readers/shared/disk/fat/index.js';
import { corpusRoot, tempDir } from '../../helpers/cli.js';
import { imageSource, listTree, missingTools, parseMdir, tool, toolText } from '../../helpers/fat-tools.js';

const qcow2 = join(corpusRoot, 'vm/tiny-gpt.qcow2');
const missing = missingTools(['qemu-img', 'sgdisk', 'mdir', 'mtype']);
const ready = existsSync(qcow2) && missing.length === 0;
if (!ready)
  console.warn(
    `SKIPPED FAT corpus test: needs ${qcow2} (the shared corpus sits beside the repo) and ${missing.join(', ') || 'its tools'}`,
  );

describe.skipIf(!ready)('the EFI system partition of the tiny GPT cloud image', () => {
  const dir = tempDir();
  const raw = join(dir, 'tiny.raw');
  if (ready) tool('qemu-img', ['convert', '-O', 'raw', '-l', 'snapshot.name=before', qcow2, raw]);

  /** Partition 15's first sector and size as sgdisk reads them. */
  function partition15(): { start: number; size: number } {
    const info = toolText('sgdisk', ['-i', '15', raw]);
    const first = Number(/First sector: (\d+)/.exec(info)?.[1]);
    const sectors = Number(/Partition size: (\d+) sectors/.exec(info)?.[1]);
    return { start: first * 512, size: sectors * 512 };
  }

  it('holds the names, sizes, label and serial mdir shows, and the bytes mtype prints', async () => {
    const { start, size } = partition15();
    expect({ start, size }).toEqual({ start: 2048 * 512, size: 16384 * 512 });
    const disk = imageSource(raw);
    const volume = new SliceSource(new FileSource(raw, disk.size), start, size);
    const head = await volume.read(0, 65536);
    expect(fatDriver.detect(head)).toBe(true);
    expect(fatDriver.detect(await disk.read(0, 65536))).toBe(false);
    const opened = await fatDriver.open(volume, 'p15');
    expect(opened.diagnostics).toEqual([]);
    expect(opened.attrs).toMatchObject({ label: 'TINYEFI', serial: '7B5C-C52A' });
    const mtoolsImage = `${raw}@@${start}`;
    const expected = parseMdir(toolText('mdir', ['-/', '-a', '-i', mtoolsImage, '::']));
    expect(await listTree(opened.root)).toEqual(expected);
    expect([...expected.keys()]).toEqual(['EFI', 'a long file name.txt', 'EFI/BOOT', 'EFI/BOOT/BOOTX64.EFI']);
    for (const path of ['a long file name.txt', 'EFI/BOOT/BOOTX64.EFI']) {
      const node = await findNode(opened.root, path.split('/'));
      const bytes = node?.content ? await readAll(node.content, 1 << 20) : undefined;
      expect(Buffer.from(bytes ?? [])).toEqual(tool('mtype', ['-i', mtoolsImage, `::/${path}`]));
    }
    expect((await findNode(opened.root, ['EFI', 'BOOT', 'BOOTX64.EFI']))?.size).toBe(4);
    expect(await opened.verify()).toEqual([]);
  });
});
