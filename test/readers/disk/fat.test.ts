import { describe, expect, it } from 'vitest';
import { readAll } from '../../../src/model/source.js';
import { findNode } from '../../../src/model/tree.js';
import { fatDriver } from '../../../src/readers/shared/disk/fat/index.js';
import { tempDir } from '../../helpers/cli.js';
import {
  buildImage,
  FAT_TOOLS,
  imageSource,
  listTree,
  missingTools,
  parseMdir,
  tool,
  toolText,
} from '../../helpers/fat-tools.js';

const missing = missingTools(FAT_TOOLS);
if (missing.length > 0)
  console.warn(`SKIPPED FAT driver tests against mtools: ${missing.join(', ')} not installed (dosfstools, mtools)`);

describe.skipIf(missing.length > 0).each([12, 16, 32] as const)(
  'a FAT%i volume made by mkfs.vfat and mtools',
  (bits) => {
    const dir = tempDir();
    const built = buildImage(dir, bits, `VOL${bits}`);

    it('lists every entry with the names, kinds, sizes and times mdir shows', async () => {
      const opened = await fatDriver.open(imageSource(built.image), 'p1');
      const expected = parseMdir(toolText('mdir', ['-/', '-a', '-i', built.image, '::']));
      const actual = await listTree(opened.root);
      expect(expected.size).toBeGreaterThan(620);
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [path, entry] of expected) expect({ path, ...actual.get(path) }).toEqual({ path, ...entry });
      expect(opened.diagnostics).toEqual([]);
      expect(opened.type).toBe(`fat${bits}`);
    });

    it('reads the bytes mtype prints, also of a file in several pieces', async () => {
      const ranges = toolText('mshowfat', ['-i', built.image, '::/frag/fragmented.bin']).match(/<\d+-\d+>/g) ?? [];
      expect(ranges.length).toBeGreaterThan(1);
      const opened = await fatDriver.open(imageSource(built.image), 'p1');
      for (const path of built.files) {
        const node = await findNode(opened.root, path.split('/'));
        const content = node?.content ? await readAll(node.content, 1 << 24) : undefined;
        expect({ path, bytes: Buffer.from(content ?? []).toString('hex') }).toEqual({
          path,
          bytes: tool('mtype', ['-i', built.image, `::/${path}`]).toString('hex'),
        });
      }
    });

    it('reads any range of the fragmented file, across the gaps between its pieces', async () => {
      const opened = await fatDriver.open(imageSource(built.image), 'p1');
      const node = await findNode(opened.root, ['frag', 'fragmented.bin']);
      const whole = tool('mtype', ['-i', built.image, '::/frag/fragmented.bin']);
      for (const [offset, length] of [
        [0, 1],
        [29_000, 3000],
        [30_719, 2],
        [45_000, 40_000],
        [89_999, 10],
        [90_000, 5],
      ] as const) {
        const bytes = Buffer.from((await node?.content?.read(offset, length)) ?? []);
        expect({ offset, bytes: bytes.toString('hex') }).toEqual({
          offset,
          bytes: whole.subarray(offset, offset + length).toString('hex'),
        });
      }
    });

    it('shows the label, serial, geometry and free space minfo and mdir report', async () => {
      const opened = await fatDriver.open(imageSource(built.image), 'p1');
      const info = toolText('minfo', ['-i', built.image, '::']);
      const serial = /serial number: ([0-9A-F]{8})/.exec(info)?.[1] ?? '';
      const sectorSize = Number(/sector size: (\d+)/.exec(info)?.[1]);
      const clusterSectors = Number(/cluster size: (\d+)/.exec(info)?.[1]);
      const listing = toolText('mdir', ['-i', built.image, '::']);
      const freeBytes = Number((/([\d ]+) bytes free/.exec(listing)?.[1] ?? '').replaceAll(' ', ''));
      expect(opened.attrs).toMatchObject({
        type: `fat${bits}`,
        label: `VOL${bits}`,
        serial: `${serial.slice(0, 4)}-${serial.slice(4)}`,
        oem_name: 'mkfs.fat',
        sector_size: sectorSize,
        cluster_size: sectorSize * clusterSectors,
        free_clusters: freeBytes / (sectorSize * clusterSectors),
      });
    });

    it('keeps the long name and the stored short name, attributes and modes as a vfat mount shows them', async () => {
      const opened = await fatDriver.open(imageSource(built.image), 'p1');
      const longName = await findNode(opened.root, ['a long Name.txt']);
      expect(longName).toMatchObject({ kind: 'file', size: 10, mode: 0o644 });
      expect(longName?.attrs).toMatchObject({ short_name: 'ALONGN~1.TXT', fat_attributes: ['archive'] });
      const lower = await findNode(opened.root, ['lower.txt']);
      expect(lower?.attrs.short_name).toBeUndefined();
      const readOnly = await findNode(opened.root, ['Read Only.txt']);
      expect(readOnly).toMatchObject({ mode: 0o444 });
      expect(readOnly?.attrs.fat_attributes).toEqual(['read-only', 'hidden', 'archive']);
      expect(await findNode(opened.root, ['deep'])).toMatchObject({ kind: 'dir', mode: 0o755 });
    });

    it('passes verify with no findings', async () => {
      const opened = await fatDriver.open(imageSource(built.image), 'p1');
      expect(await opened.verify()).toEqual([]);
    });
  },
);
