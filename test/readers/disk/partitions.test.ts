import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetaRecord } from '../../../src/model/metadata.js';
import type { Partition } from '../../../src/readers/shared/disk/index.js';
import { tempDir } from '../../helpers/cli.js';
import { hasTool, run, sfdiskDump, tableOf, type Dumped, sparseFile } from '../../helpers/disk-tools.js';

const hasSgdisk = hasTool('sgdisk');
const hasSfdisk = hasTool('sfdisk');
if (!hasSgdisk) console.warn('SKIPPED GPT oracle tests: sgdisk (gdisk) is not installed');
if (!hasSfdisk) console.warn('SKIPPED partition oracle tests: sfdisk (fdisk) is not installed');

const dir = tempDir();
let made = 0;
const blankDisk = (mib: number): string => sparseFile(join(dir, `disk-${++made}.raw`), mib * 1024 * 1024);

/** What `sfdisk -d` says of a partition we read: sectors, type, GUID, name and attribute names. */
function asDumped(partition: Partition, scheme: string): Dumped {
  const attrs = partition.attrs;
  const first = Number(attrs.first_lba);
  const dumped: Dumped = {
    number: partition.number,
    start: first,
    size: Number(attrs.last_lba) - first + 1,
    type: scheme === 'gpt' ? String(attrs.type_guid) : Number(attrs.type_code).toString(16),
  };
  if (scheme === 'gpt') {
    dumped.uuid = String(attrs.guid);
    if (attrs.name !== '') dumped.name = String(attrs.name);
    const flags = gptAttributeNames(attrs.attributes as MetaRecord);
    if (flags !== '') dumped.attrs = flags;
  } else if (attrs.bootable === true) dumped.bootable = true;
  return dumped;
}

function gptAttributeNames(flags: MetaRecord): string {
  const names: string[] = [];
  if (flags.required === true) names.push('RequiredPartition');
  if (flags.no_block_io === true) names.push('NoBlockIOProtocol');
  if (flags.legacy_bios_bootable === true) names.push('LegacyBIOSBootable');
  const typeBits = Number(flags.type_specific);
  const bits = Array.from({ length: 16 }, (_, bit) => bit).filter((bit) => (typeBits >> bit) & 1);
  if (bits.length > 0) names.push(`GUID:${bits.map((bit) => bit + 48).join(',')}`);
  return names.join(' ');
}

describe.skipIf(!hasSgdisk || !hasSfdisk)('a GPT disk written by sgdisk', () => {
  const path = blankDisk(32);
  run('sgdisk', [
    ...['-n', '1:2048:+4M', '-t', '1:ef00', '-c', '1:EFI', '-A', '1:set:2'],
    ...['-n', '2:0:+8M', '-t', '2:8304', '-c', '2:root fs', '-A', '2:set:0', '-A', '2:set:60'],
    ...['-n', '3:0:0', '-t', '3:12345678-1234-5678-9ABC-DEF012345678', '-c', '3:data'],
    path,
  ]);

  it('lists each partition as sfdisk dumps it: sectors, type, GUID, name and attributes', async () => {
    const table = await tableOf(path);
    const oracle = sfdiskDump(path);
    expect(table.scheme).toBe('gpt');
    expect(table.attrs.disk_guid).toBe(oracle.labelId);
    expect(table.partitions.map((partition) => asDumped(partition, 'gpt'))).toEqual(oracle.partitions);
    expect(table.diagnostics).toEqual([]);
    expect(await table.verify()).toEqual([]);
  });

  it('names the types sgdisk names, and shows an unknown one as its GUID', async () => {
    const table = await tableOf(path);
    const codes = [...run('sgdisk', ['-p', path]).matchAll(/^\s+\d+\s+\d+\s+\d+\s+\S+ \S+\s+(\S+)/gm)].map((m) => m[1]);
    expect(codes).toEqual(['EF00', '8304', 'FFFF']);
    expect(table.partitions.map((p) => [p.attrs.type, p.attrs.type_code ?? null])).toEqual([
      ['EFI System', 'EF00'],
      ['Linux root (x86-64)', '8304'],
      ['12345678-1234-5678-9ABC-DEF012345678', null],
    ]);
    expect(table.partitions.map((p) => [p.start, p.size])).toEqual([
      [2048 * 512, 8192 * 512],
      [10240 * 512, 16384 * 512],
      [26624 * 512, 38879 * 512],
    ]);
  });
});

describe.skipIf(!hasSfdisk)('an MBR disk written by sfdisk', () => {
  const path = blankDisk(32);
  run('sfdisk', ['-q', path], 'label: dos\nlabel-id: 0x12345678\n,8M,83,*\n,,E\n,4M,82\n,4M,8e\n,,7\n');

  it('lists primaries and the logical chain numbered from 5, as sfdisk dumps them, without the extended container', async () => {
    const table = await tableOf(path);
    const oracle = sfdiskDump(path);
    expect(table.scheme).toBe('mbr');
    expect(table.attrs.label_id).toBe('0x12345678');
    const withoutContainer = oracle.partitions.filter((partition) => partition.type !== '5');
    expect(table.partitions.map((partition) => asDumped(partition, 'mbr'))).toEqual(withoutContainer);
    expect(table.attrs.extended).toEqual([{ number: 2, type: 'Extended', first_lba: 18432, sectors: 47104 }]);
    expect(table.partitions.map((p) => p.attrs.type)).toEqual([
      'Linux',
      'Linux swap / Solaris',
      'Linux LVM',
      'HPFS/NTFS/exFAT',
    ]);
    expect(table.diagnostics).toEqual([]);
  });
});
