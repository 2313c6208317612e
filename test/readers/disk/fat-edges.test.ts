import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BytesSource, knownSame, readAll, type Source } from '../../../src/model/source.js';
import { applyLimitOverrides } from '../../../src/model/limits.js';
import { childrenOf, findNode } from '../../../src/model/tree.js';
import { diskLimits } from '../../../src/readers/shared/disk/limits.js';
import { fatDriver } from '../../../src/readers/shared/disk/fat/index.js';
import { tempDir } from '../../helpers/cli.js';
import { FAT_TOOLS, findTool, listTree, missingTools, patterned, tool } from '../../helpers/fat-tools.js';

const missing = missingTools(FAT_TOOLS);
if (missing.length > 0)
  console.warn(`SKIPPED FAT edge tests: ${missing.join(', ')} not installed (dosfstools, mtools)`);

/** A volume whose identity names where each range lives, as a qcow2 snapshot's would. */
class KeyedSource extends BytesSource implements Source {
  async identity(offset: number, length: number): Promise<string | null> {
    return `${offset}+${length}`;
  }
}

describe.skipIf(missing.length > 0)('FAT edge cases', () => {
  const dir = tempDir();

  function fat32(name: string, args: string[], sizeKb: number): string {
    const image = join(dir, name);
    tool('mkfs.vfat', ['-F', '32', ...args, '-C', image, String(sizeKb)]);
    writeFileSync(join(dir, 'data.bin'), patterned(70_000, 5));
    writeFileSync(join(dir, 'Hello World.txt'), 'hello\n');
    tool('mcopy', ['-i', image, join(dir, 'data.bin'), join(dir, 'Hello World.txt'), '::/']);
    return image;
  }

  it('opens a FAT32 volume too small for FAT32 by cluster count as FAT32, as Linux does', async () => {
    // mtools and The Sleuth Kit follow the cluster count and find no root folder here, so the oracle
    // is what mkfs.vfat wrote: its label entry sits in the FAT32 root cluster.
    const image = join(dir, 'small32.img');
    tool('mkfs.vfat', ['-F', '32', '-s', '1', '-n', 'SMALL32', '-C', image, '8192']);
    const opened = await fatDriver.open(new BytesSource(readFileSync(image)), 'p1');
    expect(opened.type).toBe('fat32');
    expect(opened.diagnostics.map((found) => [found.severity, found.code])).toEqual([['info', 'FAT_TYPE_MISMATCH']]);
    expect(opened.attrs).toMatchObject({ label: 'SMALL32', clusters: 16_099 + 1 });
    expect(await listTree(opened.root)).toEqual(new Map());
    expect(await opened.verify()).toEqual([]);
  });

  it('reports an FSInfo free count that disagrees with the FAT and a backup boot sector that differs', async () => {
    const bytes = readFileSync(fat32('damaged32.img', ['-n', 'DAMAGED'], 40960));
    const fsInfo = bytes.readUInt16LE(48) * 512;
    bytes.writeUInt32LE(bytes.readUInt32LE(fsInfo + 488) + 7, fsInfo + 488);
    const backup = bytes.readUInt16LE(50) * 512;
    bytes[backup + 67] = (bytes[backup + 67] ?? 0) ^ 0xff;
    const opened = await fatDriver.open(new BytesSource(bytes), 'p1');
    const found = await opened.verify();
    expect(found.map((entry) => entry.code)).toEqual(['FAT_BACKUP_BOOT', 'FAT_FSINFO_FREE']);
    expect(found[0]?.message).toBe('p1: the backup boot sector (sector 6) differs from the boot sector at byte 67');
  });

  it("gives a file's bytes the identity of the volume ranges that hold them, and none without one", async () => {
    const image = fat32('keyed.img', ['-n', 'KEYED'], 40960);
    const bytes = readFileSync(image);
    const keyed = await fatDriver.open(new KeyedSource(bytes), 'p1');
    const again = await fatDriver.open(new KeyedSource(bytes), 'p1');
    const data = await findNode(keyed.root, ['data.bin']);
    const same = await findNode(again.root, ['data.bin']);
    if (!data?.content || !same?.content) throw new Error('data.bin is missing');
    const key = await data.content.identity?.(0, 70_000);
    expect(key).toMatch(/^\d+\+70000$/);
    expect(await knownSame(data.content, same.content, 1000, 5000)).toBe(true);
    const start = Number(key?.split('+')[0]);
    expect(Buffer.from(bytes.subarray(start, start + 70_000))).toEqual(patterned(70_000, 5));
    const plain = await fatDriver.open(new BytesSource(bytes), 'p1');
    const unkeyed = await findNode(plain.root, ['data.bin']);
    expect(await unkeyed?.content?.identity?.(0, 10)).toBeNull();
  });

  it('keeps a long name with a lone surrogate distinct from one spelling the escape out', async () => {
    const image = fat32('surrogate.img', ['-n', 'SURROGATE'], 40960);
    writeFileSync(join(dir, 'Xu0041.txt'), 'literal\n');
    tool('mcopy', ['-i', image, join(dir, 'Xu0041.txt'), '::/']);
    const bytes = readFileSync(image);
    const name = Buffer.from('Hello World.txt', 'utf16le');
    const at = bytes.indexOf(name.subarray(0, 10));
    bytes.writeUInt16LE(0xd800, at);
    const literal = bytes.indexOf(Buffer.from('Xu0041', 'utf16le').subarray(0, 10));
    bytes.writeUInt16LE(0x5c, literal);
    const opened = await fatDriver.open(new BytesSource(bytes), 'p1');
    const names = [...(await listTree(opened.root)).keys()].sort();
    expect(names).toEqual(['\\ud800ello World.txt', '\\x5cu0041.txt', 'data.bin']);
    const hello = await findNode(opened.root, ['\\ud800ello World.txt']);
    expect(Buffer.from((await readAll(hello?.content ?? new BytesSource(new Uint8Array()), 100)) ?? [])).toEqual(
      Buffer.from('hello\n'),
    );
  });

  it('stops listing a folder at the entry limit and says so', async () => {
    const image = fat32('limit.img', ['-n', 'LIMIT'], 40960);
    const many = join(dir, 'limit');
    mkdirSync(many);
    for (let i = 0; i < 300; i++) writeFileSync(join(many, `file number ${i}.txt`), `${i}\n`);
    tool('mcopy', ['-s', '-i', image, many, '::/']);
    applyLimitOverrides([diskLimits], ['fsDirectoryEntries=64']);
    try {
      const opened = await fatDriver.open(new BytesSource(readFileSync(image)), 'p1');
      const folder = await findNode(opened.root, ['limit']);
      const listed = await childrenOf(folder ?? opened.root);
      expect(listed.length).toBeGreaterThan(10);
      expect(listed.length).toBeLessThan(64);
      expect(folder?.raised?.map((found) => found.code)).toEqual(['FAT_DIRECTORY_LIMIT']);
    } finally {
      applyLimitOverrides([diskLimits], []);
    }
  });

  it('does not take an ext4 volume or a protective MBR for FAT', async () => {
    const mke2fs = findTool('mkfs.ext4');
    const sgdisk = findTool('sgdisk');
    if (!mke2fs || !sgdisk) {
      console.warn('SKIPPED FAT detection negatives: mkfs.ext4 or sgdisk not installed');
      return;
    }
    const ext = join(dir, 'ext.img');
    writeFileSync(ext, Buffer.alloc(4 * 1024 * 1024));
    tool('mkfs.ext4', ['-q', '-F', ext]);
    expect(fatDriver.detect(readFileSync(ext).subarray(0, 65536))).toBe(false);
    const gpt = join(dir, 'gpt.img');
    writeFileSync(gpt, Buffer.alloc(4 * 1024 * 1024));
    tool('sgdisk', ['-n', '1:2048:0', '-t', '1:ef00', gpt]);
    expect(fatDriver.detect(readFileSync(gpt).subarray(0, 65536))).toBe(false);
    const fat = fat32('detect.img', [], 40960);
    expect(fatDriver.detect(readFileSync(fat).subarray(0, 65536))).toBe(true);
  });
});
