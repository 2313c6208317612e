// Runs the snapinspect CLI in this process and reports its peak RSS (KiB) on fd 3, so the bench
// measures the real command without depending on GNU time being installed.
import { writeSync } from 'node:fs';

process.argv = [
  process.argv[0],
  new URL('../dist/snapinspect.mjs', import.meta.url).pathname,
  ...process.argv.slice(2),
];
process.on('exit', () => {
  writeSync(3, `${process.resourceUsage().maxRSS}\n`);
});
await import('../dist/snapinspect.mjs');
