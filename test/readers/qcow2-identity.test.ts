/**
 * Identity of qcow2 guest ranges: two snapshots of one image compare by where their clusters live,
 * so diff reads only the clusters that changed; equal keys always mean equal bytes (checked by
 * reading), and two different image files never share a key.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstDifference } from '../../src/diff/content.js';
import { FileSource, type Source } from '../../src/model/source.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { childrenOf } from '../../src/model/tree.js';
import { probePath } from '../../src/readers/probe.js';
import { qcow2Reader } from '../../src/readers/qcow2/index.js';
import { tempDir } from '../helpers/cli.js';

const qemu = spawnSync('qemu-img', ['--version']).status === 0 && spawnSync('qemu-io', ['--version']).status === 0;
if (!qemu)
  console.warn('SKIPPED qcow2 identity cases: qemu-img/qemu-io are not installed (apt-get install qemu-utils)');

const MiB = 1024 * 1024;
const dir = tempDir();
let made = 0;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: dir });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
}
const io = (path: string, ...commands: string[]): void =>
  run('qemu-io', [...commands.flatMap((command) => ['-c', command]), path]);

/** 16 MiB: 1 MiB of 0x41 before s1; s2 adds 64 KiB of 0x42 at 5 MiB; the current state 4 KiB of 0x43 at 12 MiB. */
function imageWithTwoSnapshots(options: string[] = [], backing?: string, format = 'raw'): string {
  const path = join(dir, `image-${++made}.qcow2`);
  const base = backing ? ['-b', backing, '-F', format] : [];
  run('qemu-img', ['create', '-q', '-f', 'qcow2', ...options, ...base, path, '16M']);
  io(path, 'write -P 0x41 0 1M');
  run('qemu-img', ['snapshot', '-c', 's1', path]);
  io(path, 'write -P 0x42 5M 64k', 'write -P 0x44 8k 2k');
  run('qemu-img', ['snapshot', '-c', 's2', path]);
  io(path, 'write -P 0x43 12M 4k');
  return path;
}

async function open(path: string): Promise<Snapshot> {
  const probe = await probePath(path);
  return qcow2Reader.open(probe, await qcow2Reader.detect(probe), { showSecrets: false });
}

async function content(snapshot: Snapshot, selector?: string): Promise<Source> {
  const view = selector === undefined ? snapshot : await snapshot.children.find((c) => c.selector === selector)?.open();
  const [node] = view ? await childrenOf(view.root) : [];
  if (!node?.content?.identity) throw new Error(`no disk with identity in ${selector ?? 'the image'}`);
  return node.content;
}

/** Every read any file source makes from here on: where, how much, and whether it served any guest pattern byte. */
function countFileReads(): { bytes: number; patterns: Set<number> } {
  const seen = { bytes: 0, patterns: new Set<number>() };
  const original = FileSource.prototype.read;
  vi.spyOn(FileSource.prototype, 'read').mockImplementation(async function (this: FileSource, offset, length) {
    const bytes = await original.call(this, offset, length);
    seen.bytes += bytes.length;
    for (const pattern of [0x41, 0x42, 0x43, 0x44, 0x61])
      if (bytes.includes(pattern) && bytes.filter((b) => b === pattern).length > 512) seen.patterns.add(pattern);
    return bytes;
  });
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.skipIf(!qemu)('identity of qcow2 snapshots', () => {
  it('lets firstDifference skip unchanged clusters: only the cluster map and the changed block are read', async () => {
    const image = await open(imageWithTwoSnapshots());
    const [s1, s2, current] = await Promise.all([content(image, 's1'), content(image, 's2'), content(image)]);
    const reads = countFileReads();
    expect(await firstDifference(s2, current)).toBe(12 * MiB);
    // Two 64 KiB L2 tables, the 4 KiB written at 12 MiB; not one byte of the 1 MiB and 64 KiB both share.
    expect(reads.bytes).toBeLessThanOrEqual(2 * 65536 + 4096);
    expect([...reads.patterns]).toEqual([0x43]);
    // Opening a view reads its partition table; only the comparison is counted.
    const s1Again = await content(image, 's1');
    const again = countFileReads();
    expect(await firstDifference(s1, s1Again)).toBeNull();
    expect([...again.patterns]).toEqual([]);
    expect(again.bytes).toBeLessThanOrEqual(2 * 65536);
    vi.restoreAllMocks();
    const blind = countFileReads();
    const withoutIdentity = (source: Source): Source => ({ size: source.size, read: (o, l) => source.read(o, l) });
    expect(await firstDifference(withoutIdentity(s2), withoutIdentity(current))).toBe(12 * MiB);
    expect(blind.bytes).toBeGreaterThan(2 * MiB);
    expect([...blind.patterns].sort()).toEqual([0x41, 0x42, 0x43, 0x44]);
  });

  it('gives equal keys only to ranges with equal bytes, across snapshots, offsets and subclusters', async () => {
    const raw = join(dir, `base-${++made}.raw`);
    writeFileSync(raw, Buffer.alloc(3 * MiB + 100, 0x61));
    for (const [options, backing] of [
      [[], undefined],
      [['-o', 'extended_l2=on,cluster_size=64k'], raw],
      [['-o', 'cluster_size=4k'], raw],
    ] as const) {
      const image = await open(imageWithTwoSnapshots([...options], backing));
      const views = await Promise.all([content(image, 's1'), content(image, 's2'), content(image)]);
      let equal = 0;
      let different = 0;
      for (const [offset, length] of [
        [0, MiB],
        [4096, 8192],
        [10000, 70000],
        [5 * MiB - 100, 300],
        [3 * MiB - 50, 4096],
        [12 * MiB, 65536],
        [15 * MiB, MiB],
      ] as const) {
        for (const [a, b] of [
          [0, 1],
          [1, 2],
          [0, 2],
        ] as const) {
          const [left, right] = [views[a], views[b]];
          if (!left?.identity || !right?.identity) throw new Error('no identity');
          const [keyA, keyB] = await Promise.all([left.identity(offset, length), right.identity(offset, length)]);
          expect(keyA).not.toBeNull();
          const same = Buffer.compare(await left.read(offset, length), await right.read(offset, length)) === 0;
          if (keyA === keyB) {
            equal++;
            expect(same, `${options.join(' ')} views ${a},${b} at ${offset}+${length}`).toBe(true);
          } else if (!same) different++;
        }
      }
      expect([equal > 5, different > 3]).toEqual([true, true]);
    }
  });

  it('never gives two image files the same key, even for identical copies', async () => {
    const path = imageWithTwoSnapshots();
    const copy = join(dir, `copy-${++made}.qcow2`);
    copyFileSync(path, copy);
    const [left, right] = await Promise.all([content(await open(path)), content(await open(copy))]);
    for (let offset = 0; offset < 16 * MiB; offset += MiB) {
      const [a, b] = await Promise.all([left.identity?.(offset, MiB), right.identity?.(offset, MiB)]);
      expect(a).not.toBe(b);
    }
    expect(await firstDifference(left, right)).toBeNull();
  });

  for (const format of ['raw', 'qcow2'])
    it(`names the ${format} base of an overlay by its own clusters, so snapshots over it compare without reading it`, async () => {
      const raw = join(dir, `base-${++made}.raw`);
      writeFileSync(raw, Buffer.alloc(16 * MiB, 0x61));
      const base = format === 'raw' ? raw : join(dir, `base-${made}.qcow2`);
      if (format === 'qcow2') run('qemu-img', ['convert', '-O', 'qcow2', raw, base]);
      const image = await open(imageWithTwoSnapshots([], base, format));
      expect(image.metadata.backing_chain).toEqual([{ name: base, format }]);
      const [s1, s2] = await Promise.all([content(image, 's1'), content(image, 's2')]);
      const reads = countFileReads();
      expect(await firstDifference(s1, s2)).toBe(8192);
      expect(reads.patterns.has(0x61)).toBe(false);
      expect(await s1.identity?.(6 * MiB, MiB)).toBe(await s2.identity?.(6 * MiB, MiB));
    });
});
