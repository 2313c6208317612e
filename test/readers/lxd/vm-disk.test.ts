import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { hasE2fsprogs, mke2fs, warnIfSkipped } from '../../helpers/ext-tools.js';
import { lxdExportTar } from '../../helpers/lxd-builder.js';

const dir = tempDir('snapinspect-lxd-vm-');
warnIfSkipped('LXD virtual-machine disks');

/** An `lxc export` of a VM whose root disk is a bare ext4 image holding /etc/hostname and /srv/app.conf. */
function vmExport(hostname: string): string {
  const tree = join(dir, `tree-${hostname}`);
  mkdirSync(join(tree, 'etc'), { recursive: true });
  mkdirSync(join(tree, 'srv'));
  writeFileSync(join(tree, 'etc/hostname'), `${hostname}\n`);
  writeFileSync(join(tree, 'srv/app.conf'), 'port=8080\n');
  const image = mke2fs(join(dir, `${hostname}.ext4`), ['-t', 'ext4', '-E', 'root_owner=0:0'], tree, '2M');
  const path = join(dir, `${hostname}.tar`);
  writeFileSync(path, lxdExportTar({ shape: 'v2', kind: 'virtual-machine', vmDisk: readFileSync(image) }));
  return path;
}

describe.skipIf(!hasE2fsprogs)('the root disk of an LXD virtual machine export', () => {
  it('lists the files of its filesystem inside root.img', async () => {
    const result = await cli(['ls', '-R', `${vmExport('vm1')}:root.img`]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((line) => !line.includes('lost+found'))).toEqual([
      'root.img/fs/',
      'root.img/fs/etc/',
      'root.img/fs/etc/hostname',
      'root.img/fs/srv/',
      'root.img/fs/srv/app.conf',
      '',
    ]);
  });

  it('cats a file on it and diffs two exports file by file', async () => {
    const [one, two] = [vmExport('alpha'), vmExport('beta')];
    expect((await cli(['cat', `${one}:root.img/fs/etc/hostname`])).stdout).toBe('alpha\n');
    const diff = await cli(['diff', '--ignore-mtime', one, two]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('  M root.img/fs/etc/hostname  6 B → 5 B; content differs from byte 0');
    expect(diff.stdout).not.toContain('srv/app.conf');
  });
});
