import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../', import.meta.url).pathname;

export interface Timing {
  medianMs: number;
  runs: number[];
}

/** Median wall time of `runs` executions after one warm-up, so the page cache is hot for both sides. */
export function timeCommand(command: string, args: string[], runs = 5, okCodes = [0]): Timing {
  const once = (): number => {
    const start = performance.now();
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = performance.now() - start;
    if (!okCodes.includes(result.status ?? -1))
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return elapsed;
  };
  once();
  const samples = Array.from({ length: runs }, once);
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, runs: samples };
}

/** Peak RSS in MiB of one snapinspect run, reported by bench/measure.mjs on fd 3. */
export function peakRssMiB(args: string[], workDir: string, okCodes = [0]): number {
  const report = join(workDir, 'rss.txt');
  const fd = openSync(report, 'w');
  // Linux keeps a process's peak RSS across exec, and a forked child starts with its parent's pages:
  // spawned straight from this (large) bench process, the command would report the bench's own size.
  // A small shell in between forks the command from itself, so only the command's memory counts.
  const command = [process.execPath, join(repoRoot, 'bench/measure.mjs'), ...args];
  const result = spawnSync('/bin/sh', ['-c', '"$@"; exit $?', 'sh', ...command], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
  });
  closeSync(fd);
  if (!okCodes.includes(result.status ?? -1))
    throw new Error(`snapinspect ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(readFileSync(report, 'utf8').trim()) / 1024;
}

export const snapinspect = (...args: string[]): [string, string[]] => [
  process.execPath,
  [join(repoRoot, 'bin/snapinspect.js'), ...args],
];
