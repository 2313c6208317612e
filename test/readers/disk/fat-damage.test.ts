import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { BytesSource, readAll, type Source } from '../../../src/model/source.js';
import { findNode, walk, type TreeNode } from '../../../src/model/tree.js';
import { fatDriver } from '../../../src/readers/shared/disk/fat/index.js';
import type { OpenedFilesystem } from '../../../src/readers/shared/disk/types.js';
import { tempDir } from '../../helpers/cli.js';
import { FAT_TOOLS, missingTools, patterned, tool, toolText } from '../../helpers/fat-tools.js';

const missing = missingTools(FAT_TOOLS);
if (missing.length > 0)
  console.warn(`SKIPPED FAT damage tests: ${missing.join(', ')} not installed (dosfstools, mtools)`);

/** Where minfo says the FATs and the root folder are. */
function layoutOf(image: string): { fatOffset: number; fatBytes: number; fats: number; rootBytes: number } {
  const info = toolText('minfo', ['-i', image, '::']);
  const number = (pattern: RegExp): number => Number(pattern.exec(info)?.[1]);
  const sector = number(/sector size: (\d+)/);
  const fatSectors = number(/sectors per fat: (\d+)/) || number(/Big fatlen=(\d+)/);
  return {
    fatOffset: number(/reserved \(boot\) sectors: (\d+)/) * sector,
    fatBytes: fatSectors * sector,
    fats: number(/fats: (\d+)/),
    rootBytes: number(/max available root directory slots: (\d+)/) * 32,
  };
}

/** The clusters mshowfat lists for a path, first to last. */
function clustersOf(image: string, path: string): number[] {
  const clusters: number[] = [];
  for (const [, from, to] of toolText('mshowfat', ['-i', image, `::/${path}`]).matchAll(/<(\d+)(?:-(\d+))?>/g))
    for (let cluster = Number(from); cluster <= Number(to ?? from); cluster++) clusters.push(cluster);
  return clusters;
}

/** The offset of the 32-byte directory entry whose stored 8.3 name is `name` (11 bytes, space padded). */
function entryOffset(bytes: Buffer, name: string): number {
  const at = bytes.indexOf(Buffer.from(name, 'latin1'));
  if (at < 0 || at % 32 !== 0) throw new Error(`no entry ${name}`);
  return at;
}

/** Sets a FAT16 entry in every copy, as a damaged (not merely half-written) FAT would say it. */
function setFat16(bytes: Buffer, image: string, cluster: number, value: number, copies = [0, 1]): void {
  const { fatOffset, fatBytes } = layoutOf(image);
  for (const copy of copies) bytes.writeUInt16LE(value, fatOffset + copy * fatBytes + cluster * 2);
}

async function openBytes(bytes: Uint8Array): Promise<OpenedFilesystem> {
  return fatDriver.open(new BytesSource(bytes), 'p1');
}

/** Lists everything, reads every file, collects what loading raised: all of it must end. */
async function exercise(opened: OpenedFilesystem): Promise<{ paths: string[]; raised: Diagnostic[] }> {
  const paths: string[] = [];
  const nodes: TreeNode[] = [opened.root];
  for await (const { node, segments } of walk(opened.root)) {
    paths.push(segments.join('/'));
    nodes.push(node);
    if (node.content) await readAll(node.content, 1 << 26);
  }
  const raised = nodes.flatMap((node) => [...(node.raised ?? [])]);
  return { paths, raised };
}

const codes = (found: readonly Diagnostic[]): string[] => [...new Set(found.map((entry) => entry.code))].sort();

describe.skipIf(missing.length > 0)('damaged FAT volumes', () => {
  const dir = tempDir();
  const base = join(dir, 'base.img');
  tool('mkfs.vfat', ['-F', '16', '-n', 'DAMAGED', '-C', base, '10000']);
  const put = (name: string, bytes: Buffer, target: string): void => {
    writeFileSync(join(dir, name), bytes);
    tool('mcopy', ['-i', base, join(dir, name), `::/${target}`]);
  };
  put('big', patterned(40_000, 3), 'big.bin');
  put('small', Buffer.from('small\n'), 'small.txt');
  put('long', Buffer.from('long\n'), 'a long Name.txt');
  tool('mmd', ['-i', base, '::/top', '::/top/mid', '::/top/mid/low']);
  put('leaf', Buffer.from('leaf\n'), 'top/mid/low/leaf.txt');

  /** A fresh copy of the base volume, patched in memory. */
  const damaged = (patch: (bytes: Buffer, image: string) => void): Buffer => {
    const image = join(dir, `case-${Math.random().toString(36).slice(2)}.img`);
    copyFileSync(base, image);
    const bytes = readFileSync(image);
    patch(bytes, image);
    return bytes;
  };

  it('cuts a looping chain where it repeats: reading ends, and both listing and verify say why', async () => {
    const bytes = damaged((image, path) => {
      const clusters = clustersOf(path, 'big.bin');
      setFat16(image, path, clusters[4] ?? 0, clusters[1] ?? 0);
    });
    const opened = await openBytes(bytes);
    const big = await findNode(opened.root, ['big.bin']);
    const content = await readAll(big?.content ?? new BytesSource(new Uint8Array()), 1 << 20);
    expect(content?.length).toBe(5 * 2048);
    expect(Buffer.from(content ?? [])).toEqual(patterned(40_000, 3).subarray(0, 5 * 2048));
    expect(codes(opened.root.raised ?? [])).toEqual(['FAT_CHAIN_LOOP']);
    expect(codes(await opened.verify())).toEqual(['FAT_CHAIN_LOOP', 'FAT_LOST_CLUSTERS']);
  });

  it('shows a folder that points back at an ancestor without children, and the walk ends', async () => {
    const bytes = damaged((image, path) => {
      const top = clustersOf(path, 'top')[0] ?? 0;
      const mid = entryOffset(image, 'MID        ');
      image.writeUInt16LE(top, mid + 26);
    });
    const opened = await openBytes(bytes);
    const { paths, raised } = await exercise(opened);
    expect(paths.filter((path) => path.startsWith('top'))).toEqual(['top', 'top/mid']);
    expect(raised.map((found) => [found.code, found.path])).toEqual([['FAT_DIRECTORY_CYCLE', 'p1/top/mid']]);
    expect(codes(await opened.verify())).toEqual(['FAT_DIRECTORY_CYCLE', 'FAT_LOST_CLUSTERS']);
  });

  it('lists a folder two entries share once, so shared clusters cannot fan out into a vast tree', async () => {
    const bytes = damaged((image, path) => {
      const small = entryOffset(image, 'SMALL   TXT');
      image[small + 11] = 0x10;
      image.writeUInt16LE(clustersOf(path, 'top/mid')[0] ?? 0, small + 26);
    });
    const { paths, raised } = await exercise(await openBytes(bytes));
    expect(paths.filter((path) => path.startsWith('small') || path.startsWith('top'))).toEqual([
      'small.txt',
      'small.txt/low',
      'small.txt/low/leaf.txt',
      'top',
      'top/mid',
    ]);
    expect(raised.map((found) => [found.code, found.message])).toEqual([
      [
        'FAT_DIRECTORY_SHARED',
        expect.stringMatching(/^p1\/top\/mid: .* is also the folder p1\/small.txt; shown empty$/),
      ],
    ]);
  });

  it('takes a subfolder at cluster 0 for the root and does not loop through it', async () => {
    const bytes = damaged((image) => image.writeUInt16LE(0, entryOffset(image, 'LOW        ') + 26));
    const { paths, raised } = await exercise(await openBytes(bytes));
    expect(paths.filter((path) => path.startsWith('top'))).toEqual(['top', 'top/mid', 'top/mid/low']);
    expect(codes(raised)).toEqual(['FAT_DIRECTORY_CYCLE']);
  });

  it('names the first entry where two FAT copies differ', async () => {
    let cluster = 0;
    const bytes = damaged((image, path) => {
      cluster = clustersOf(path, 'small.txt')[0] ?? 0;
      setFat16(image, path, cluster, 0x1234, [1]);
    });
    const found = await (await openBytes(bytes)).verify();
    expect(found.map((entry) => entry.message)).toEqual([
      `p1: FAT copy 2 differs from copy 1 first at the entry of cluster ${cluster} (0x1234 against 0xffff)`,
    ]);
    expect(codes(found)).toEqual(['FAT_COPIES_DIFFER']);
  });

  it('reads what exists of a file whose size is far larger than its chain', async () => {
    const bytes = damaged((image) => image.writeUInt32LE(0xffffffff, entryOffset(image, 'SMALL   TXT') + 28));
    const opened = await openBytes(bytes);
    const small = await findNode(opened.root, ['small.txt']);
    expect(small?.size).toBe(0xffffffff);
    const content = await readAll(small?.content ?? new BytesSource(new Uint8Array()), 2 ** 33);
    expect(content?.length).toBe(2048);
    expect(Buffer.from(content?.subarray(0, 6) ?? [])).toEqual(Buffer.from('small\n'));
    expect(codes(opened.root.raised ?? [])).toEqual(['FAT_CHAIN_SHORT']);
    expect(codes(await opened.verify())).toEqual(['FAT_CHAIN_SHORT']);
  });

  it('reports two files claiming one cluster and the cluster nobody claims any more', async () => {
    const bytes = damaged((image, path) => {
      const big = clustersOf(path, 'big.bin')[0] ?? 0;
      image.writeUInt16LE(big, entryOffset(image, 'SMALL   TXT') + 26);
    });
    const found = await (await openBytes(bytes)).verify();
    expect(codes(found)).toEqual(['FAT_CHAIN_LONG', 'FAT_CROSS_LINKED', 'FAT_LOST_CLUSTERS']);
  });

  it('falls back to the short name when a long name does not match it or misses a part', async () => {
    const mismatch = damaged((image) => {
      const short = entryOffset(image, 'ALONGN~1TXT');
      for (const part of [short - 32, short - 64]) image[part + 13] = ((image[part + 13] ?? 0) + 1) & 0xff;
    });
    const opened = await openBytes(mismatch);
    expect(await findNode(opened.root, ['ALONGN~1.TXT'])).toMatchObject({ size: 5 });
    expect(codes(opened.diagnostics)).toEqual(['FAT_LFN_CHECKSUM']);
    const partial = damaged((image) => {
      const short = entryOffset(image, 'ALONGN~1TXT');
      image[short - 64] = 0x43;
    });
    const orphaned = await openBytes(partial);
    expect(await findNode(orphaned.root, ['ALONGN~1.TXT'])).toBeDefined();
    expect(codes(orphaned.diagnostics)).toEqual(['FAT_LFN_ORPHAN']);
  });

  it('never names an entry "..", "." or nothing, whatever its long name says', async () => {
    const bytes = damaged((image) => {
      const firstPart = entryOffset(image, 'ALONGN~1TXT') - 32;
      image.writeUInt16LE(0x2e, firstPart + 1);
      image.writeUInt16LE(0x2e, firstPart + 3);
      image.writeUInt16LE(0, firstPart + 5);
      const small = entryOffset(image, 'SMALL   TXT');
      image.write('           ', small, 'latin1');
    });
    const { paths } = await exercise(await openBytes(bytes));
    expect(paths.filter((path) => !path.startsWith('top')).sort()).toEqual(['ALONGN~1.TXT', '\\x20', 'big.bin']);
  });

  it('survives the volume cut at any of a spread of bytes, reporting the cut', async () => {
    const whole = readFileSync(base);
    const { fatOffset, fatBytes } = layoutOf(base);
    const cuts = [
      0,
      1,
      11,
      100,
      510,
      511,
      512,
      513,
      fatOffset + 3,
      fatOffset + fatBytes + 1,
      fatOffset + 2 * fatBytes + 40,
    ];
    for (let cut = fatOffset + 2 * fatBytes; cut < whole.length; cut += 250_007) cuts.push(cut);
    for (const cut of cuts) {
      const opened = await openBytes(whole.subarray(0, cut));
      const { raised } = await exercise(opened);
      const found = [...opened.diagnostics, ...raised, ...(await opened.verify())];
      expect({ cut, failed: found.some((entry) => entry.severity === 'error') }).toEqual({ cut, failed: true });
      if (cut < 512) expect(codes(opened.diagnostics)).toEqual(['FAT_BAD_BOOT_SECTOR']);
      else expect(codes(opened.diagnostics)).toContain('FAT_TRUNCATED');
    }
  });

  it('rejects absurd BPB values at detection and opens them as an empty, reported volume', async () => {
    const zeroCluster = damaged((image) => (image[13] = 0));
    expect(fatDriver.detect(zeroCluster)).toBe(false);
    const opened = await openBytes(zeroCluster);
    expect(codes(opened.diagnostics)).toEqual(['FAT_BAD_BOOT_SECTOR']);
    expect(await exercise(opened)).toEqual({ paths: [], raised: [] });
    const huge = damaged((image) => {
      image.writeUInt16LE(0, 19);
      image.writeUInt32LE(0xffffffff, 32);
    });
    const vast = await openBytes(huge);
    expect(codes(vast.diagnostics)).toEqual([
      'FAT_TABLE_TOO_SMALL',
      'FAT_TOO_MANY_CLUSTERS',
      'FAT_TRUNCATED',
      'FAT_TYPE_MISMATCH',
    ]);
    const { paths } = await exercise(vast);
    expect(paths).toContain('top/mid/low/leaf.txt');
  });

  it('turns a volume source that throws into diagnostics, at open and when a folder loads', async () => {
    const whole = readFileSync(base);
    const failing = (from: number): Source => ({
      size: whole.length,
      read: async (offset, length) => {
        if (offset >= from) throw new Error('host read error');
        return whole.subarray(offset, offset + length);
      },
    });
    const early = await fatDriver.open(failing(0), 'p1');
    expect(codes(early.diagnostics)).toEqual(['FAT_READ_FAILED']);
    expect(codes(await early.verify())).toEqual(['FAT_READ_FAILED']);
    const { fatOffset, fatBytes, fats, rootBytes } = layoutOf(base);
    const late = await fatDriver.open(failing(fatOffset + fats * fatBytes + rootBytes), 'p1');
    expect(late.diagnostics).toEqual([]);
    const { raised } = await exercise(late);
    expect(raised.map((found) => [found.code, found.path])).toEqual([
      ['FAT_READ_FAILED', 'p1/big.bin'],
      ['FAT_READ_FAILED', 'p1/small.txt'],
      ['FAT_READ_FAILED', 'p1/a long Name.txt'],
      ['FAT_READ_FAILED', 'p1/top'],
    ]);
    expect(codes(await late.verify())).toEqual(['FAT_READ_FAILED']);
  });

  it('reads a first byte 0x05 as 0xE5 (σ in code page 437) rather than as a deleted entry', async () => {
    const bytes = damaged((image) => (image[entryOffset(image, 'SMALL   TXT')] = 0x05));
    const opened = await openBytes(bytes);
    expect(await findNode(opened.root, ['σmall.txt'])).toMatchObject({ size: 6 });
  });
});
