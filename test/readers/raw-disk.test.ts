import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../src/model/source.js';
import { openDiskContents } from '../../src/readers/shared/disk/index.js';
import { cli, tempDir } from '../helpers/cli.js';
import { CountingSource } from '../helpers/counting-source.js';
import { hasTool, run, sparseFile } from '../helpers/disk-tools.js';

const hasTools = hasTool('sgdisk') && hasTool('sfdisk');
if (!hasTools) console.warn('SKIPPED raw disk CLI tests: sgdisk (gdisk) and sfdisk (fdisk) are needed');

const dir = tempDir();
const blankDisk = (name: string, bytes: number): string => sparseFile(join(dir, name), bytes);
const line = (size: number, name: string): string =>
  `mrw-r--r-- - - ${String(size).padStart(20)} - ${' '.repeat(18)}${name}`;

function gptDisk(): string {
  const path = blankDisk('gpt.raw', 64 * 1024 * 1024);
  run('sgdisk', [
    '-n',
    '1:2048:+8M',
    '-t',
    '1:ef00',
    '-c',
    '1:EFI',
    '-n',
    '2:0:0',
    '-t',
    '2:8300',
    '-c',
    '2:root',
    path,
  ]);
  return path;
}

describe.skipIf(!hasTools)('a raw disk through the CLI', () => {
  const gpt = gptDisk();

  it('ls -l lists the whole disk, then each partition', async () => {
    const listed = await cli(['ls', '-l', gpt]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toBe(`${[line(67108864, 'disk'), line(8388608, 'p1'), line(57654784, 'p2')].join('\n')}\n`);
  });

  it('info --json gives the scheme, disk GUID and partition count', async () => {
    const info = await cli(['info', '--json', gpt]);
    expect(info.code).toBe(0);
    const diskGuid = /Disk identifier \(GUID\): (\S+)/.exec(run('sgdisk', ['-p', gpt]))?.[1];
    expect(JSON.parse(info.stdout)).toMatchObject({
      format: 'raw-disk',
      variant: 'gpt',
      title: 'gpt.raw',
      metadata: { scheme: 'gpt', size: 67108864, sector_size: 512, disk_guid: diskGuid, partitions: 2 },
      children: [],
      diagnostics: [],
    });
  });

  it('cat of a partition gives its bytes', async () => {
    const copy = join(dir, 'marked.raw');
    copyFileSync(gpt, copy);
    const bytes = readFileSync(copy);
    bytes.write('inside p2', 18432 * 512);
    writeFileSync(copy, bytes);
    const cat = await cli(['cat', `${copy}:p2`]);
    expect(cat.code).toBe(0);
    expect(cat.bytes.length).toBe(57654784);
    expect(cat.bytes.subarray(0, 9).toString()).toBe('inside p2');
  });

  it('verify exits 0 on a sound table, 1 with a warning when the backup stands in and with an error when both copies are damaged', async () => {
    expect(await cli(['verify', gpt])).toMatchObject({ code: 0, stdout: 'OK: gpt.raw passes all raw-disk checks\n' });
    const damaged = (name: string, offsets: number[]): string => {
      const path = join(dir, name);
      const bytes = readFileSync(gpt);
      for (const offset of offsets) bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
      writeFileSync(path, bytes);
      return path;
    };
    const last = 64 * 1024 * 1024 - 512;
    const primary = await cli(['verify', '--json', damaged('primary.raw', [512 + 60])]);
    expect(primary.code).toBe(1);
    expect(JSON.parse(primary.stdout)).toMatchObject({
      ok: false,
      findings: [{ severity: 'warning', code: 'GPT_PRIMARY_DAMAGED' }],
    });
    const both = await cli(['verify', '--json', damaged('both.raw', [512 + 60, last + 60])]);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.stdout)).toMatchObject({
      ok: false,
      findings: [{ severity: 'error', code: 'GPT_DAMAGED' }],
    });
  });

  it('lists an MBR disk with its logical partitions numbered from 5', async () => {
    const mbr = blankDisk('mbr.raw', 32 * 1024 * 1024);
    run('sfdisk', ['-q', mbr], 'label: dos\nlabel-id: 0xdbae1642\n,8M,83\n,,E\n,4M,82\n,,83\n');
    const listed = await cli(['ls', mbr]);
    expect(listed).toMatchObject({ code: 0, stdout: 'disk\np1\np5\np6\n', stderr: '' });
    const info = JSON.parse((await cli(['info', '--json', mbr])).stdout);
    expect(info.metadata).toMatchObject({ scheme: 'mbr', label_id: '0xdbae1642', partitions: 3 });
  });

  it('reads a few sectors of a 1 TiB sparse disk to open it, never the whole file', async () => {
    const huge = blankDisk('huge.raw', 1024 ** 4);
    run('sgdisk', ['-n', '1:2048:+1G', '-n', '2:0:0', huge]);
    const source = new CountingSource(new FileSource(huge, 1024 ** 4));
    const contents = await openDiskContents(source);
    expect(contents.nodes.map((node) => node.name)).toEqual(['p1', 'p2']);
    expect(source.bytesRead).toBeLessThan(128 * 1024);
    expect((await cli(['ls', huge])).stdout).toBe('disk\np1\np2\n');
  });
});

describe('files that are not disks', () => {
  it('are not taken for one: zeros, a lone boot signature, text', async () => {
    const zeros = blankDisk('zeros.raw', 1024 * 1024);
    const signature = join(dir, 'signature.raw');
    const bytes = new Uint8Array(4096);
    bytes.set([0x55, 0xaa], 510);
    writeFileSync(signature, bytes);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some notes\n'.repeat(100));
    for (const path of [zeros, signature, text]) {
      const result = await cli(['info', path]);
      expect([result.code, result.stderr]).toEqual([2, expect.stringContaining('not a format snapinspect knows')]);
    }
  });
});
