import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CLUSTER = 65536;

/**
 * Carries the changes between two raw images into a qcow2's current state the way a guest would
 * write them: qemu-io writes each 64 KiB block where `after` differs from `before`, from a file in
 * `scratch` holding the new bytes. Snapshots taken before keep the old clusters.
 */
export function writeChangedClusters(before: string, after: string, qcow2: string, scratch: string): void {
  const [a, b] = [openSync(before, 'r'), openSync(after, 'r')];
  const [left, right] = [Buffer.alloc(CLUSTER), Buffer.alloc(CLUSTER)];
  const commands: string[] = [];
  for (let offset = 0; ; offset += CLUSTER) {
    const got = readSync(b, right, 0, CLUSTER, offset);
    if (got === 0) break;
    left.fill(0);
    readSync(a, left, 0, CLUSTER, offset);
    if (left.equals(right)) continue;
    const block = join(scratch, `block-${offset}`);
    writeFileSync(block, right.subarray(0, got));
    commands.push('-c', `write -q -s ${block} ${offset} ${got}`);
  }
  closeSync(a);
  closeSync(b);
  if (commands.length > 0) execFileSync('qemu-io', ['-f', 'qcow2', ...commands, qcow2]);
}
