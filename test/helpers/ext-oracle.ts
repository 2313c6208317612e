import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Source } from '../../src/model/source.js';
import type { TreeNode } from '../../src/model/tree.js';
import { debugfs, debugfsRequest, listAll, openImage } from './ext-tools.js';

export interface OracleEntry {
  inode: number;
  /** Full st_mode (type and permission bits). */
  mode: number;
  uid: number;
  gid: number;
  /** Empty for folders. */
  size: string;
}

/** `ls -p` of every folder, breadth first: what debugfs lists, keyed by path (`.`, `..` left out). */
export function oracleListing(image: string): Map<string, OracleEntry> {
  const found = new Map<string, OracleEntry>();
  const pending = [''];
  for (let folder = pending.shift(); folder !== undefined; folder = pending.shift()) {
    for (const line of debugfs(image, [`ls -p "/${folder}"`]).split('\n')) {
      const fields = /^\/(\d+)\/(\d+)\/(\d+)\/(\d+)\/(.*)\/(\d*)\/$/.exec(line);
      if (!fields || fields[1] === '0' || fields[5] === '.' || fields[5] === '..') continue;
      const path = folder ? `${folder}/${fields[5]}` : (fields[5] ?? '');
      const entry = {
        inode: Number(fields[1]),
        mode: parseInt(fields[2] ?? '0', 8),
        uid: Number(fields[3]),
        gid: Number(fields[4]),
        size: fields[6] ?? '',
      };
      found.set(path, entry);
      if ((entry.mode & 0o170000) === 0o040000) pending.push(path);
    }
  }
  return found;
}

export interface OracleStat {
  links: number;
  mtimeSeconds: number;
  mtimeExtra: number;
  device?: string;
  fastLink?: string;
}

/** debugfs `stat` of each path in one run. */
export function oracleStats(image: string, paths: string[]): Map<string, OracleStat> {
  const output = debugfs(
    image,
    paths.map((path) => `stat "/${path}"`),
  );
  const found = new Map<string, OracleStat>();
  for (const part of output.split(/^debugfs: stat /m).slice(1)) {
    const path = /^"\/(.*)"/.exec(part)?.[1] ?? '';
    const mtime = /^ ?mtime: 0x([0-9a-f]+)(?::([0-9a-f]+))?/m.exec(part);
    const device = /Device major\/minor number: (\d+):(\d+)/.exec(part);
    const fastLink = /Fast link dest: "(.*)"/.exec(part);
    found.set(path, {
      links: Number(/Links: (\d+)/.exec(part)?.[1] ?? -1),
      mtimeSeconds: parseInt(mtime?.[1] ?? '0', 16) | 0,
      mtimeExtra: parseInt(mtime?.[2] ?? '0', 16),
      ...(device ? { device: `${Number(device[1])}:${Number(device[2])}` } : {}),
      ...(fastLink ? { fastLink: fastLink[1] } : {}),
    });
  }
  return found;
}

/** The bytes debugfs dumps for each path, in one run (for inline data it dumps the whole 60-byte area). */
export function oracleContents(image: string, paths: string[], scratchDir: string): Map<string, Buffer> {
  debugfs(
    image,
    paths.map((path, i) => `dump "/${path}" ${join(scratchDir, `dumped-${i}`)}`),
  );
  return new Map(paths.map((path, i) => [path, readFileSync(join(scratchDir, `dumped-${i}`))]));
}

const kinds: Record<number, string> = {
  0o010000: 'fifo',
  0o020000: 'device',
  0o040000: 'dir',
  0o060000: 'device',
  0o100000: 'file',
  0o120000: 'symlink',
  0o140000: 'socket',
};

/** What debugfs and the tree must agree on for every entry. */
function summary(node: TreeNode): Record<string, unknown> {
  return {
    kind: node.kind,
    mode: node.mode,
    uid: node.uid,
    gid: node.gid,
    size: node.kind === 'file' ? node.size : null,
  };
}

/**
 * Opens `image` (or `volume`, the same bytes) and checks every entry against debugfs: names, kinds,
 * modes, owners and sizes from `ls -p`; mtimes with nanoseconds, device numbers, link targets and
 * link counts from `stat`; and the bytes of every non-empty file under 1 MB from `dump`.
 */
export async function expectSameAsDebugfs(image: string, scratchDir: string, volume?: Source): Promise<void> {
  const fs = await openImage(image, volume);
  expect(fs.diagnostics).toEqual([]);
  const ours = await listAll(fs.root);
  const expected = new Map(
    [...oracleListing(image)].map(([path, entry]) => {
      const kind = kinds[entry.mode & 0o170000] ?? 'file';
      const size = kind === 'file' ? Number(entry.size) : null;
      return [path, { kind, mode: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid, size }];
    }),
  );
  expect(new Map([...ours].map(([path, node]) => [path, summary(node)]))).toEqual(expected);
  expect([...ours.values()].flatMap((node) => node.raised ?? [])).toEqual([]);
  expectDetailsAsDebugfs(image, ours);
  await expectContentAsDebugfs(image, ours, scratchDir);
}

function expectDetailsAsDebugfs(image: string, ours: Map<string, TreeNode>): void {
  const stats = oracleStats(image, [...ours.keys()]);
  for (const [path, node] of ours) {
    const stat = stats.get(path);
    if (!stat) throw new Error(`debugfs has no stat for ${path}`);
    const seconds = BigInt(stat.mtimeSeconds) + (BigInt(stat.mtimeExtra & 3) << 32n);
    const ns = seconds * 1_000_000_000n + BigInt(stat.mtimeExtra >>> 2);
    expect({ path, mtime: node.mtime?.epochNs }).toEqual({ path, mtime: ns });
    if (stat.device) expect(node.attrs.device).toMatch(new RegExp(` ${stat.device}$`));
    if (node.kind === 'symlink')
      expect({ path, target: node.linkTarget }).toEqual({
        path,
        target: stat.fastLink ?? debugfsRequest(image, `cat "/${path}"`),
      });
    if (node.kind === 'file' && stat.links > 1) expect(node.attrs).toMatchObject({ links: stat.links });
  }
}

async function expectContentAsDebugfs(image: string, ours: Map<string, TreeNode>, scratchDir: string): Promise<void> {
  const small = [...ours].filter(([, node]) => node.kind === 'file' && node.size > 0 && node.size < 1_000_000);
  const dumped = oracleContents(
    image,
    small.map(([path]) => path),
    scratchDir,
  );
  for (const [path, node] of small) {
    const bytes = Buffer.from((await node.content?.read(0, node.size)) ?? []);
    const same = bytes.equals(dumped.get(path)?.subarray(0, node.size) ?? Buffer.alloc(0));
    expect({ path, same }).toEqual({ path, same: true });
  }
}
