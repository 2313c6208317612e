/**
 * A Multipass instance whose disk holds a real filesystem: each snapshot and the current state show
 * its files, and diff compares them file by file. The disk is made by mke2fs, changed by debugfs and
 * carried into the qcow2 by qemu-io, so both states come from the real tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { hasE2fsprogs, mke2fs } from '../../helpers/ext-tools.js';
import { writeChangedClusters } from '../../helpers/qemu-io.js';

const hasQemu = ['qemu-img', 'qemu-io'].every((tool) => spawnSync(tool, ['--version']).status === 0);
if (!hasE2fsprogs || !hasQemu)
  console.warn('SKIPPED Multipass disk files: e2fsprogs and qemu-utils (qemu-img, qemu-io) are needed');

const root = tempDir('snapinspect-multipass-disk-');

function instanceWithFilesystem(): string {
  const tree = join(root, 'tree');
  mkdirSync(join(tree, 'etc'), { recursive: true });
  writeFileSync(join(tree, 'etc/hostname'), 'primary\n');
  writeFileSync(join(tree, 'etc/motd'), 'welcome\n');
  const raw = mke2fs(join(root, 'disk.raw'), ['-t', 'ext4', '-b', '4096'], tree, '4M');
  const dir = join(root, 'primary');
  mkdirSync(dir);
  const image = join(dir, 'ubuntu-24.04-server-cloudimg-amd64.img');
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, image]);
  execFileSync('qemu-img', ['snapshot', '-c', '@s1', image]);
  const changed = join(root, 'changed.raw');
  copyFileSync(raw, changed);
  const hostname = join(root, 'hostname');
  writeFileSync(hostname, 'renamed-host\n');
  execFileSync('debugfs', ['-w', '-R', `write ${hostname} /etc/hostname.new`, changed], { stdio: 'ignore' });
  writeChangedClusters(raw, changed, image, root);
  const snapshot = {
    name: 'snapshot1',
    index: 1,
    parent: 0,
    comment: '',
    creation_timestamp: '2026-11-22T01:11:31.120Z',
  };
  writeFileSync(join(dir, '0001.snapshot.json'), JSON.stringify({ snapshot: { ...snapshot, mounts: [], state: 1 } }));
  writeFileSync(join(dir, 'snapshot-head'), '1\n');
  writeFileSync(join(dir, 'snapshot-count'), '1\n');
  return dir;
}

describe.skipIf(!hasE2fsprogs || !hasQemu)('a Multipass instance whose disk holds ext4', () => {
  const dir = instanceWithFilesystem();

  it('lists the files of the snapshot beside its disk', async () => {
    const result = await cli(['ls', '-R', `${dir}#snapshot1`]);
    expect(result.stdout.split('\n').filter((line) => !line.includes('lost+found'))).toEqual([
      'disk',
      'fs/',
      'fs/etc/',
      'fs/etc/hostname',
      'fs/etc/motd',
      '',
    ]);
  });

  it('diffs the snapshot against the current state file by file', async () => {
    const result = await cli(['diff', '--only', 'files', `${dir}#snapshot1`, `${dir}#current`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  + fs/etc/hostname.new  13 B');
    expect(result.stdout).not.toContain('fs/etc/motd');
    expect((await cli(['cat', `${dir}#current:fs/etc/hostname.new`])).stdout).toBe('renamed-host\n');
  });
});
