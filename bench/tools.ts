import { spawnSync } from 'node:child_process';

/** The tools the bench compares against: the test suite's, and diffoscope (Debian's minimal package) when it is missing and we may. */
export function ensureTools(): void {
  // The disk rows need qemu-img, qemu-io, sgdisk, mke2fs, debugfs and Sleuth Kit, as the tests do.
  spawnSync('bash', [new URL('../scripts/test-tools.sh', import.meta.url).pathname], { stdio: 'inherit' });
  if (spawnSync('diffoscope', ['--version']).status === 0) return;
  if (process.getuid?.() !== 0) {
    console.warn('diffoscope is missing and we are not root: install diffoscope-minimal to get that baseline');
    return;
  }
  console.warn('installing diffoscope-minimal for the diff baseline…');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  spawnSync('apt-get', ['install', '-y', '-qq', 'diffoscope-minimal'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
