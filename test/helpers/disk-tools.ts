/** The real partitioning tools as oracles: sgdisk writes GPT, sfdisk writes MBR and dumps both. */
import { spawnSync } from 'node:child_process';
import { statSync, truncateSync, writeFileSync } from 'node:fs';
import { readPartitionTable } from '../../src/readers/shared/disk/index.js';
import { FileSource } from '../../src/model/source.js';
import type { PartitionTable } from '../../src/readers/shared/disk/index.js';

/** An empty sparse file of `bytes` at `path`, for partitioning tools to write a table into. */
export function sparseFile(path: string, bytes: number): string {
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

export const hasTool = (tool: string, flag = '--version'): boolean => spawnSync(tool, [flag]).error === undefined;

export function run(tool: string, args: string[], input?: string): string {
  const result = spawnSync(tool, args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** One partition as `sfdisk -d` dumps it. */
export interface Dumped {
  number: number;
  start: number;
  size: number;
  type: string;
  uuid?: string;
  name?: string;
  attrs?: string;
  bootable?: boolean;
}

export function sfdiskDump(path: string): { labelId: string; partitions: Dumped[] } {
  const text = run('sfdisk', ['-d', path]);
  const labelId = /^label-id: (\S+)$/m.exec(text)?.[1] ?? '';
  const partitions = [...text.matchAll(/^\S+?(\d+) : (.*)$/gm)].map(([, number, fields]) => {
    const field = (key: string): string | undefined =>
      new RegExp(`${key}=\\s*("[^"]*"|[^,]+)`).exec(fields ?? '')?.[1]?.replace(/^"|"$/g, '');
    const dumped: Dumped = {
      number: Number(number),
      start: Number(field('start')),
      size: Number(field('size')),
      type: field('type') ?? '',
    };
    for (const key of ['uuid', 'name', 'attrs'] as const) {
      const value = field(key);
      if (value !== undefined) dumped[key] = value;
    }
    if (/\bbootable\b/.test(fields ?? '')) dumped.bootable = true;
    return dumped;
  });
  return { labelId, partitions };
}

export function tableOf(path: string): Promise<PartitionTable> {
  return readPartitionTable(new FileSource(path, statSync(path).size));
}
