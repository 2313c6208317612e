import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';

// Made by qemu-img and qemu-io themselves: the external data file feature cannot be faked convincingly.
const hasQemu = spawnSync('qemu-io', ['--version']).status === 0 && spawnSync('qemu-img', ['--version']).status === 0;
if (!hasQemu)
  console.warn('SKIPPED qcow2 external data file test: qemu-img and qemu-io (qemu-utils) are not installed');

describe.skipIf(!hasQemu)('a qcow2 image whose data lives in an external file', () => {
  it('is said once to be unreadable here, and its clusters are not taken for clusters past its end', async () => {
    const dir = tempDir();
    const image = join(dir, 'ext.qcow2');
    const data = join(dir, 'ext.raw');
    expect(spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', `data_file=${data}`, image, '4M']).status).toBe(
      0,
    );
    const written = spawnSync('qemu-io', ['-c', 'write -P 0x41 1M 64k', '-c', 'write -P 0x42 3M 64k', image]);
    expect(written.status).toBe(0);
    const verified = await cli(['verify', image]);
    expect(verified).toMatchObject({
      code: 0,
      stdout: `info    QCOW2_EXTERNAL_DATA: guest data lives in an external data file (${data}): contents are not readable here; the cluster map still is\nOK: ext.qcow2 passes all qcow2 checks\n`,
    });
  });
});
