import { execFileSync } from 'node:child_process';

/** The suite runs the sources, but worker threads and the binary tests need the bundle: build it once first. */
export function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
