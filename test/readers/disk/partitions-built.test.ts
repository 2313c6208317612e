import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../../src/model/source.js';
import { readPartitionTable } from '../../../src/readers/shared/disk/index.js';
import { tempDir } from '../../helpers/cli.js';
import { hasTool, run } from '../../helpers/disk-tools.js';
import { buildGpt, mbrSector, type GptPartitionSpec } from '../../helpers/gpt-builder.js';
import { prng } from '../../helpers/prng.js';

const hasMmls = hasTool('mmls', '-V');
const hasMkfsVfat = hasTool('mkfs.vfat');
if (!hasMmls) console.warn('SKIPPED 4096-byte-sector GPT oracle test: mmls (sleuthkit) is not installed');
if (!hasMkfsVfat) console.warn('SKIPPED bare FAT boot sector test: mkfs.vfat (dosfstools) is not installed');

const dir = tempDir();
const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const DISK_GUID = '11111111-2222-3333-4444-555555555555';
const part = (
  firstLba: number,
  lastLba: number,
  name: string,
  extra: Partial<GptPartitionSpec> = {},
): GptPartitionSpec => ({
  typeGuid: LINUX,
  guid: `AAAAAAAA-BBBB-CCCC-DDDD-${String(firstLba).padStart(12, '0')}`,
  firstLba,
  lastLba,
  name,
  ...extra,
});
const tableOf = (bytes: Uint8Array): ReturnType<typeof readPartitionTable> =>
  readPartitionTable(new BytesSource(bytes));

/** Partitions as `mmls -b SIZE` lists them: slot + 1, first and last sector, description (the GPT name). */
function mmlsPartitions(path: string, sectorSize: number): [number, number, number, string][] {
  const text = run('mmls', ['-b', String(sectorSize), path]);
  return [...text.matchAll(/^\d+:\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+(.*)$/gm)].map(([, slot, start, end, name]) => [
    Number(slot) + 1,
    Number(start),
    Number(end),
    name ?? '',
  ]);
}

describe('a GPT on 4096-byte sectors', () => {
  const bytes = buildGpt({
    sectorSize: 4096,
    sectors: 2048,
    diskGuid: DISK_GUID,
    partitions: [part(256, 1023, 'root'), part(1024, 2000, 'ESP', { typeGuid: ESP, slot: 5 })],
  });

  it('is found at LBA 1 of 4096 bytes, numbered by slot', async () => {
    const table = await tableOf(bytes);
    expect([table.scheme, table.sectorSize, table.attrs.disk_guid, table.diagnostics]).toEqual([
      'gpt',
      4096,
      DISK_GUID,
      [],
    ]);
    expect(table.partitions.map((p) => [p.number, p.start, p.size, p.attrs.type])).toEqual([
      [1, 256 * 4096, 768 * 4096, 'Linux filesystem'],
      [6, 1024 * 4096, 977 * 4096, 'EFI System'],
    ]);
  });

  it.skipIf(!hasMmls)('matches what mmls reads with -b 4096', async () => {
    const path = join(dir, 'gpt4k.raw');
    writeFileSync(path, bytes);
    const table = await tableOf(bytes);
    expect(table.partitions.map((p) => [p.number, p.attrs.first_lba, p.attrs.last_lba, p.attrs.name])).toEqual(
      mmlsPartitions(path, 4096),
    );
  });

  it('is still read from its backup when only the protective MBR and the backup survive', async () => {
    const damaged = Uint8Array.from(bytes);
    damaged.fill(0, 4096, 8192);
    const table = await tableOf(damaged);
    expect([table.sectorSize, table.partitions.length, table.diagnostics.map((d) => d.code)]).toEqual([
      4096,
      2,
      ['GPT_PRIMARY_DAMAGED'],
    ]);
  });
});

describe('a hostile GPT', () => {
  it('that announces 2^32 - 1 entries is read up to the diskPartitions limit', async () => {
    const table = await tableOf(
      buildGpt({
        sectorSize: 512,
        sectors: 4096,
        diskGuid: DISK_GUID,
        entries: 1024,
        announcedEntries: 0xffffffff,
        partitions: [part(600, 700, 'first'), part(800, 900, 'late', { slot: 1000 })],
      }),
    );
    expect(table.partitions.map((p) => p.number)).toEqual([1, 1001]);
    expect(table.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      [
        'warning',
        'GPT_TOO_MANY_ENTRIES',
        'the GPT header announces 4294967295 entries; the first 1024 are read (limit diskPartitions) and the entry array CRC32 is not checked',
      ],
    ]);
  });

  it('with an absurd entry size is damaged in both copies', async () => {
    const table = await tableOf(
      buildGpt({
        sectorSize: 512,
        sectors: 4096,
        diskGuid: DISK_GUID,
        entrySize: 0x80000000,
        entries: 0,
        partitions: [],
      }),
    );
    expect(table.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'GPT_DAMAGED',
        'no usable GPT: the primary header (LBA 1): entry size 2147483648 is not 128 × 2^n up to 4096; the backup (LBA 4095): entry size 2147483648 is not 128 × 2^n up to 4096',
      ],
    ]);
  });

  it('whose primary names itself as the backup is checked against no backup', async () => {
    const bytes = buildGpt({ sectorSize: 512, sectors: 4096, diskGuid: DISK_GUID, partitions: [part(100, 200, 'a')] });
    const header = new DataView(bytes.buffer, 512, 92);
    header.setBigUint64(32, 1n, true);
    header.setUint32(16, 0, true);
    header.setUint32(16, crc32(bytes.subarray(512, 512 + 92)) >>> 0, true);
    const table = await tableOf(bytes);
    expect(table.partitions.map((p) => p.number)).toEqual([1]);
    expect(table.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'GPT_BACKUP_DAMAGED',
        'backup GPT header at LBA 1: is the primary itself (the primary header names LBA 1 as its backup); the primary is used',
      ],
    ]);
  });

  it('with overlapping partitions and one past the disk end lists them all, the last clipped', async () => {
    const table = await tableOf(
      buildGpt({
        sectorSize: 512,
        sectors: 4096,
        diskGuid: DISK_GUID,
        partitions: [part(100, 200, 'a'), part(150, 300, 'b'), part(4000, 9999, 'c'), part(50, 40, 'backwards')],
      }),
    );
    expect(table.partitions.map((p) => [p.number, p.start / 512, p.size / 512])).toEqual([
      [1, 100, 101],
      [2, 150, 151],
      [3, 4000, 96],
      [4, 50, 0],
    ]);
    expect(table.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'GPT_OUTSIDE_USABLE', 'p3 (sectors 4000..9999) lies outside the usable sectors 34..4062'],
      ['warning', 'GPT_BAD_ENTRY', 'p4 ends at sector 40, before it starts (50); it is listed empty'],
      [
        'error',
        'DISK_PARTITION_PAST_END',
        'p3 (sectors 4000..9999) ends past the disk end (4096 sectors of 512 bytes); only the part on the disk is read',
      ],
      ['warning', 'DISK_PARTITIONS_OVERLAP', 'p2 (sectors 150..300) overlaps p1 (sectors 100..200)'],
    ]);
    expect(await table.verify()).toEqual(table.diagnostics);
  });
});

describe('an MBR built byte by byte', () => {
  it('with a partition of 2^32 - 1 sectors is clipped to the disk', async () => {
    const disk = new Uint8Array(1024 * 1024);
    disk.set(mbrSector(0xdbae1642, [{ type: 0x83, start: 2048, sectors: 0xffffffff, bootable: true }]));
    const table = await tableOf(disk);
    expect([table.attrs.label_id, table.partitions.map((p) => [p.number, p.start, p.size, p.attrs.bootable])]).toEqual([
      '0xdbae1642',
      [[1, 2048 * 512, 1024 * 1024 - 2048 * 512, true]],
    ]);
    expect(table.diagnostics.map((d) => d.code)).toEqual(['DISK_PARTITION_PAST_END']);
  });

  it('whose logical chain runs past the diskPartitions limit stops there', async () => {
    const sectors = 4096;
    const disk = new Uint8Array(sectors * 512);
    disk.set(mbrSector(1, [{ type: 0x05, start: 1, sectors: sectors - 1 }]));
    for (let ebr = 1; ebr < sectors; ebr++) {
      const link = ebr + 1 < sectors ? [{ type: 0x05, start: ebr, sectors: 1 }] : [];
      disk.set(mbrSector(0, [{ type: 0x83, start: 0, sectors: 1 }, ...link]), ebr * 512);
    }
    const table = await tableOf(disk);
    expect(table.partitions.length).toBe(1024);
    expect(table.partitions.at(-1)?.number).toBe(1028);
    expect(table.diagnostics.map((d) => d.code)).toEqual(['MBR_TOO_MANY_LOGICAL']);
  });
});

describe('bytes without a partition table', () => {
  it('are scheme none without a word: zeros, random bytes, a boot signature with no entry in use', async () => {
    const random = prng(7);
    const noise = Uint8Array.from({ length: 65536 }, () => Math.floor(random() * 256));
    const signatureOnly = new Uint8Array(65536);
    signatureOnly.set([0x55, 0xaa], 510);
    for (const bytes of [new Uint8Array(65536), noise, signatureOnly, new Uint8Array(0)]) {
      const table = await tableOf(bytes);
      expect([table.scheme, table.partitions, table.diagnostics]).toEqual(['none', [], []]);
    }
  });

  it.skipIf(!hasMkfsVfat)('is what a bare FAT filesystem image is, though its boot sector ends in 0x55AA', async () => {
    for (const fat of ['12', '16', '32']) {
      const path = join(dir, `fat${fat}.img`);
      writeFileSync(path, new Uint8Array(40 * 1024 * 1024));
      expect(spawnSync('mkfs.vfat', ['-F', fat, path]).status).toBe(0);
      const table = await tableOf(readFileSync(path).subarray(0, 65536));
      expect([fat, table.scheme, table.diagnostics]).toEqual([fat, 'none', []]);
    }
  });
});
