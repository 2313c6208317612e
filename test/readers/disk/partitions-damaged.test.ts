import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../../src/model/source.js';
import { readPartitionTable } from '../../../src/readers/shared/disk/index.js';
import { tempDir } from '../../helpers/cli.js';
import { hasTool, run, sfdiskDump, tableOf, sparseFile } from '../../helpers/disk-tools.js';

const hasTools = hasTool('sgdisk') && hasTool('sfdisk');
if (!hasTools) console.warn('SKIPPED damaged partition table tests: sgdisk (gdisk) and sfdisk (fdisk) are needed');

const dir = tempDir();
let made = 0;
const blankDisk = (mib: number): string => sparseFile(join(dir, `disk-${++made}.raw`), mib * 1024 * 1024);
const SECTORS = 65536;
const LAST = SECTORS - 1;

function gptDisk(): string {
  const path = blankDisk(32);
  run('sgdisk', ['-n', '1:2048:+4M', '-c', '1:one', '-n', '2:0:0', '-t', '2:ef00', '-c', '2:two', path]);
  return path;
}

/** A copy of `path` with the byte at `offset` inverted. */
function flipped(path: string, ...offsets: number[]): string {
  const copy = join(dir, `damaged-${++made}.raw`);
  copyFileSync(path, copy);
  const bytes = readFileSync(copy);
  for (const offset of offsets) bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
  writeFileSync(copy, bytes);
  return copy;
}

const starts = (table: Awaited<ReturnType<typeof tableOf>>): [number, unknown, unknown][] =>
  table.partitions.map((p) => [p.number, p.attrs.first_lba, p.attrs.name]);
const codes = (table: Awaited<ReturnType<typeof tableOf>>): string[] =>
  table.diagnostics.map((d) => `${d.severity} ${d.code}`);

describe.skipIf(!hasTools)('a GPT with one copy damaged', () => {
  const good = gptDisk();
  const expected = [
    [1, 2048, 'one'],
    [2, 10240, 'two'],
  ];

  it('reads the backup when the primary header CRC fails, as sgdisk does', async () => {
    const damaged = flipped(good, 512 + 56);
    const table = await tableOf(damaged);
    expect(starts(table)).toEqual(expected);
    expect(table.attrs.header_used).toBe('backup');
    expect(table.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'GPT_PRIMARY_DAMAGED' })]);
    expect(table.diagnostics[0]?.message).toMatch(
      /^primary GPT header at LBA 1: header CRC32 mismatch .*; the backup at LBA 65535 is used$/,
    );
    // sgdisk, reading the same bytes, also falls back to the backup and lists the same partitions.
    expect(run('sgdisk', ['-p', damaged])).toMatch(/1\s+2048\s+10239 .* one\n\s+2\s+10240\s+65502 .* two/);
    expect(await table.verify()).toEqual(table.diagnostics);
  });

  it('reads the backup when the primary entry array CRC fails', async () => {
    const table = await tableOf(flipped(good, 2 * 512 + 56));
    expect(starts(table)).toEqual(expected);
    expect(table.diagnostics[0]?.message).toContain('entry array CRC32 mismatch');
    expect(codes(table)).toEqual(['warning GPT_PRIMARY_DAMAGED']);
  });

  it('keeps the primary and reports the backup when the backup header fails', async () => {
    const table = await tableOf(flipped(good, LAST * 512 + 56));
    expect(starts(table)).toEqual(expected);
    expect(table.attrs.header_used).toBe('primary');
    expect(codes(table)).toEqual(['warning GPT_BACKUP_DAMAGED']);
  });

  it('reports the backup of a truncated disk as missing', async () => {
    const copy = flipped(good);
    truncateSync(copy, 16 * 1024 * 1024);
    const table = await tableOf(copy);
    expect(codes(table)).toEqual(['warning GPT_BACKUP_DAMAGED', 'error DISK_PARTITION_PAST_END']);
    expect(table.diagnostics[0]?.message).toBe(
      'backup GPT header at LBA 65535: lies past the disk end; the primary is used',
    );
    expect(table.partitions.map((p) => p.size)).toEqual([4 * 1024 * 1024, 16 * 1024 * 1024 - 10240 * 512]);
  });

  it('lists nothing and says so when both copies fail', async () => {
    const table = await tableOf(flipped(good, 512 + 56, LAST * 512 + 56));
    expect(table.scheme).toBe('gpt');
    expect(table.partitions).toEqual([]);
    expect(codes(table)).toEqual(['error GPT_DAMAGED']);
    expect(await table.verify()).toEqual(table.diagnostics);
  });

  it('reports copies that are each valid but disagree', async () => {
    const renamed = flipped(good);
    run('sgdisk', ['-c', '2:renamed', renamed]);
    const spliced = readFileSync(good);
    const tail = readFileSync(renamed).subarray((SECTORS - 33) * 512);
    spliced.set(tail, (SECTORS - 33) * 512);
    const path = join(dir, 'spliced.raw');
    writeFileSync(path, spliced);
    const table = await tableOf(path);
    expect(starts(table)).toEqual(expected);
    expect(table.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['GPT_MISMATCH', 'primary and backup GPT differ in partition entries; the primary is used'],
    ]);
  });

  it('verify warns of a missing protective MBR and notes a hybrid one, as sgdisk -v does', async () => {
    const bare = flipped(good);
    const bytes = readFileSync(bare);
    bytes.fill(0, 0, 512);
    writeFileSync(bare, bytes);
    const table = await tableOf(bare);
    expect([table.diagnostics, (await table.verify()).map((d) => `${d.severity} ${d.code}`)]).toEqual([
      [],
      ['warning GPT_NO_PROTECTIVE_MBR'],
    ]);
    const hybrid = flipped(good);
    run('sgdisk', ['-h', '1', hybrid]);
    expect((await (await tableOf(hybrid)).verify()).map((d) => `${d.severity} ${d.code}`)).toEqual([
      'info GPT_HYBRID_MBR',
    ]);
  });

  it('never throws on a disk cut at any sampled length', async () => {
    const bytes = readFileSync(good).subarray(0, 64 * 1024);
    for (let length = 0; length <= bytes.length; length += length < 2048 ? 7 : 1021) {
      const table = await readPartitionTable(new BytesSource(bytes.subarray(0, length)));
      expect(['gpt', 'mbr', 'none']).toContain(table.scheme);
    }
  });
});

describe.skipIf(!hasTools)('an MBR chain that misbehaves', () => {
  const good = blankDisk(32);
  run('sfdisk', ['-q', good], 'label: dos\n,8M,83\n,,E\n,4M,82\n,4M,8e\n,,7\n');
  // sfdisk puts the logical partitions' boot records at sectors 18432, 28672 and 38912.
  const linkOfThird = 38912 * 512 + 446 + 16;

  function withLink(start: number): string {
    const copy = flipped(good);
    const bytes = readFileSync(copy);
    bytes[linkOfThird + 4] = 0x05;
    bytes.writeUInt32LE(start, linkOfThird + 8);
    bytes.writeUInt32LE(1, linkOfThird + 12);
    writeFileSync(copy, bytes);
    return copy;
  }

  it('stops where the chain links back to an earlier record', async () => {
    const table = await tableOf(withLink(0));
    expect(table.partitions.map((p) => p.number)).toEqual([1, 5, 6, 7]);
    expect(table.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'MBR_LOOP',
        'the logical partition chain links back to the extended boot record at sector 18432; it is followed no further',
      ],
    ]);
    expect(sfdiskDump(good).partitions.map((p) => p.number)).toEqual([1, 2, 5, 6, 7]);
  });

  it('reports a logical partition lying outside its extended partition', async () => {
    const copy = flipped(good);
    const bytes = readFileSync(copy);
    // The third logical partition's entry: 24576 sectors from its record at 38912, past the container's end at 65535.
    bytes.writeUInt32LE(30000, 38912 * 512 + 446 + 12);
    writeFileSync(copy, bytes);
    const table = await tableOf(copy);
    expect(table.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'MBR_LOGICAL_OUTSIDE_EXTENDED',
        'logical partition p7 (sectors 40960..70959) lies outside its extended partition p2 (sectors 18432..65535)',
      ],
      [
        'DISK_PARTITION_PAST_END',
        'p7 (sectors 40960..70959) ends past the disk end (65536 sectors of 512 bytes); only the part on the disk is read',
      ],
    ]);
  });

  it('stops where the chain links past the disk end', async () => {
    const table = await tableOf(withLink(0x7fffffff));
    expect(table.partitions.map((p) => p.number)).toEqual([1, 5, 6, 7]);
    expect(codes(table)).toEqual(['error MBR_CHAIN_PAST_END']);
  });
});
