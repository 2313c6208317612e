import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { hasTool, sfdiskDump } from '../helpers/disk-tools.js';
import { buildGpt } from '../helpers/gpt-builder.js';
import { buildQcow2, type ClusterSpec } from '../helpers/qcow2-builder.js';

const hasOracles = hasTool('qemu-img') && hasTool('sfdisk');
if (!hasOracles)
  console.warn('SKIPPED qcow2 partition oracle test: qemu-img (qemu-utils) and sfdisk (fdisk) are needed');

const CLUSTER = 65536;
const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const dir = tempDir();

/** A 2 MiB GPT disk as qcow2 clusters: p1 at sector 128, p2 at 2048, one cluster of p2 written after the snapshot. */
function gptImage(): string {
  const disk = buildGpt({
    sectorSize: 512,
    sectors: 4096,
    diskGuid: '11111111-2222-3333-4444-555555555555',
    partitions: [
      { typeGuid: LINUX, guid: 'AAAAAAAA-BBBB-CCCC-DDDD-000000000001', firstLba: 128, lastLba: 2047, name: 'one' },
      { typeGuid: LINUX, guid: 'AAAAAAAA-BBBB-CCCC-DDDD-000000000002', firstLba: 2048, lastLba: 4062, name: 'two' },
    ],
  });
  const cluster = (index: number): Uint8Array => disk.slice(index * CLUSTER, (index + 1) * CLUSTER);
  const shared: Record<number, ClusterSpec> = { 0: cluster(0), 31: cluster(31) };
  const written = new Uint8Array(CLUSTER).fill(0x42);
  const path = join(dir, 'gpt.qcow2');
  const image = buildQcow2({
    clusterBits: 16,
    virtualSize: disk.length,
    clusters: { ...shared, 18: written },
    snapshots: [{ name: 'before', clusters: shared }],
  });
  writeFileSync(path, image.bytes);
  return path;
}

describe.skipIf(!hasOracles)('a qcow2 disk with a partition table', () => {
  const image = gptImage();

  it('lists the partitions sfdisk finds in what qemu-img converts it to', async () => {
    const raw = join(dir, 'converted.raw');
    expect(spawnSync('qemu-img', ['convert', '-O', 'raw', image, raw]).status).toBe(0);
    const oracle = sfdiskDump(raw).partitions.map((p) => [`p${p.number}`, p.size * 512]);
    const listed = await cli(['ls', '-l', '--json', image]);
    const entries = JSON.parse(listed.stdout) as { path: string; size: number }[];
    expect(entries.map((entry) => [entry.path, entry.size])).toEqual([['disk', 2 * 1024 * 1024], ...oracle]);
    expect((await cli(['ls', `${image}#before`])).stdout).toBe('disk\np1\np2\n');
  });

  it('diffs a partition by cluster mapping, naming the cluster written after the snapshot', async () => {
    const diff = await cli(['diff', '--json', `${image}#before`, `${image}#current`]);
    expect(diff.code).toBe(1);
    const memory = (JSON.parse(diff.stdout) as { memory: { name: string; changedPages: number[][] }[] }).memory;
    expect(memory.map((change) => [change.name, change.changedPages])).toEqual([
      ['disk', [[18, 18]]],
      ['p1', []],
      // p2 starts at cluster 16 of the disk.
      ['p2', [[2, 2]]],
    ]);
  });
});
