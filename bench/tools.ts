import { spawnSync } from 'node:child_process';

/** The bench compares against diffoscope; install Debian's minimal package when it is missing and we may. */
export function ensureTools(): void {
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
