import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, corpusRoot } from '../helpers/cli.js';

const vm = join(corpusRoot, 'vm');
const present = existsSync(join(vm, 'tiny-mbr.raw')) && existsSync(join(vm, 'tiny-gpt.qcow2'));
if (!present) console.warn(`SKIPPED VM disk corpus suite: ${vm} not found (the shared corpus sits beside the repo)`);

interface Listed {
  path: string;
  kind: string;
  size: number;
}

const partitionAttrs = async (path: string): Promise<Record<string, unknown>> => {
  const info = await cli(['info', '--json', path]);
  expect(info.code).toBe(0);
  return (JSON.parse(info.stdout) as { attrs: { partition: Record<string, unknown> } }).attrs.partition;
};

// Ground truth: corpus/vm/TRUTH.md (sfdisk -d of tiny-mbr.raw, sgdisk -p of the disk inside tiny-gpt.qcow2).
describe.skipIf(!present)('the VM disk corpus', () => {
  it('tiny-mbr.raw holds two partitions at 2048 (10240 sectors) and 12288 (12288 sectors), label-id 0xdbae1642', async () => {
    const path = join(vm, 'tiny-mbr.raw');
    const info = JSON.parse((await cli(['info', '--json', path])).stdout);
    expect(info.metadata).toMatchObject({ scheme: 'mbr', label_id: '0xdbae1642', partitions: 2 });
    for (const [number, start, sectors] of [
      [1, 2048, 10240],
      [2, 12288, 12288],
    ] as const) {
      expect(await partitionAttrs(`${path}:p${number}`)).toMatchObject({
        number,
        type: 'Linux',
        type_code: '0x83',
        first_lba: start,
        last_lba: start + sectors - 1,
      });
    }
  });

  it('tiny-gpt.qcow2 shows p1 (rootfs) and p15 (EFI) beside the disk, in the current state and each snapshot', async () => {
    const image = join(vm, 'tiny-gpt.qcow2');
    for (const view of [image, `${image}#current`, `${image}#before`, `${image}#after`]) {
      const listed = JSON.parse((await cli(['ls', '--json', view])).stdout) as Listed[];
      expect(listed.map((entry) => entry.path)).toEqual(['disk', 'p1', 'p15']);
    }
    expect(await partitionAttrs(`${image}:p1`)).toMatchObject({
      name: 'rootfs',
      type: 'Linux filesystem',
      first_lba: 18432,
      last_lba: 98270,
    });
    expect(await partitionAttrs(`${image}:p15`)).toMatchObject({
      name: 'EFI',
      type: 'EFI System',
      first_lba: 2048,
      last_lba: 18431,
    });
    const disk = JSON.parse((await cli(['info', '--json', `${image}:disk`])).stdout);
    expect(disk.attrs.partition_table).toMatchObject({
      scheme: 'gpt',
      disk_guid: '7DCD6444-7B08-43A4-B7C0-636C025DF45C',
      entry_count: 128,
      first_usable_lba: 34,
      last_usable_lba: 98270,
    });
    expect(await cli(['verify', image])).toMatchObject({ code: 0 });
  });
});
