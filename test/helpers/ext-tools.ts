import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  linkSync,
  chownSync,
  chmodSync,
  utimesSync,
  mkdtempSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource, type Source } from '../../src/model/source.js';
import { walk, type TreeNode } from '../../src/model/tree.js';
import { extDriver } from '../../src/readers/shared/disk/ext/index.js';
import type { OpenedFilesystem } from '../../src/readers/shared/disk/types.js';

const MKE2FS = '/usr/sbin/mke2fs';
const DEBUGFS = '/usr/sbin/debugfs';

/** Whether e2fsprogs is installed; suites print a visible SKIPPED line when it is not. */
export const hasE2fsprogs = existsSync(MKE2FS) && existsSync(DEBUGFS);

export function warnIfSkipped(suite: string): void {
  if (!hasE2fsprogs)
    console.warn(`SKIPPED ${suite}: e2fsprogs (mke2fs, debugfs) is not installed (apt-get install e2fsprogs)`);
}

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function run(command: string, args: string[]): string {
  return execFileSync(command, args, {
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** debugfs output for one or more requests (run from a command file, one request a line). */
export function debugfs(image: string, requests: string[], write = false): string {
  const commands = `${image}.cmds`;
  writeFileSync(commands, `${requests.join('\n')}\n`);
  return run(DEBUGFS, [...(write ? ['-w'] : []), '-f', commands, image]);
}

/** debugfs output for a single request, without the echo of the request that a command file adds. */
export function debugfsRequest(image: string, request: string): string {
  return run(DEBUGFS, ['-R', request, image]);
}

/**
 * Rebuilds large folders as hashed b-tree directories (mke2fs -d writes them linear): e2fsck -fyD,
 * whose exit status 1 means it changed the filesystem as asked.
 */
export function hashDirectories(image: string): void {
  const result = spawnSync('/usr/sbin/e2fsck', ['-fyD', image], { stdio: 'ignore' });
  if (result.status !== 0 && result.status !== 1) throw new Error(`e2fsck -fyD ${image} exited ${result.status}`);
}

export function mke2fs(image: string, options: string[], source: string, size: string): string {
  run(MKE2FS, ['-q', '-F', ...options, '-d', source, image, size]);
  return image;
}

/**
 * The source tree the images are made from: nested folders, a hashed 3000-entry folder, sparse files
 * (one over 4 GiB), fast and slow symlinks, a FIFO, a character device, a hard link pair, high and
 * low owners, setuid and private modes, and user xattrs and an ACL where the scratch filesystem has them.
 */
export function buildSourceTree(root: string): void {
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
  writeFileSync(join(root, 'a/b/c/deep.txt'), 'deep\n');
  writeFileSync(join(root, 'a/medium.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251)));
  mkdirSync(join(root, 'many'));
  for (let i = 0; i < 3000; i++) writeFileSync(join(root, 'many', `entry-${i}`), i % 100 === 0 ? `n${i}` : '');
  writeFileSync(join(root, 'sparse.bin'), '');
  truncateSync(join(root, 'sparse.bin'), 5_000_004);
  writeAt(join(root, 'sparse.bin'), 5_000_000, 'tail');
  writeFileSync(join(root, 'huge.bin'), '');
  truncateSync(join(root, 'huge.bin'), 5 * 1024 ** 3);
  writeAt(join(root, 'huge.bin'), 5 * 1024 ** 3 - 5, 'end!\n');
  symlinkSync('a/b/c/deep.txt', join(root, 'fast-link'));
  symlinkSync(`/${'long-directory-name/'.repeat(5)}target`, join(root, 'slow-link'));
  run('mkfifo', [join(root, 'fifo')]);
  run('mknod', [join(root, 'null-dev'), 'c', '1', '3']);
  run('mknod', [join(root, 'disk-dev'), 'b', '259', '300000']);
  writeFileSync(join(root, 'run'), '#!/bin/sh\n');
  linkSync(join(root, 'run'), join(root, 'run-hardlink'));
  chmodSync(join(root, 'run'), 0o4755);
  writeFileSync(join(root, 'private.txt'), 'secret\n');
  chmodSync(join(root, 'private.txt'), 0o600);
  chownSync(join(root, 'private.txt'), 1000, 1000);
  writeFileSync(join(root, 'high-owner'), 'x');
  chownSync(join(root, 'high-owner'), 70000, 70001);
  utimesSync(join(root, 'private.txt'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
  addXattrs(root);
}

function writeAt(path: string, offset: number, text: string): void {
  run('dd', [`of=${path}`, 'bs=1', `seek=${offset}`, 'conv=notrunc', 'status=none', `if=${writeTemp(text)}`]);
}

function writeTemp(text: string): string {
  const path = join(tmpdir(), `ext-tools-${process.pid}-${text.length}.tmp`);
  writeFileSync(path, text);
  return path;
}

/** The xattrs and ACL set when the scratch filesystem supports them; returns whether it did. */
function addXattrs(root: string): boolean {
  try {
    run('python3', [
      '-c',
      'import os, sys; os.setxattr(sys.argv[1], "user.color", b"blue")',
      join(root, 'a/b/c/deep.txt'),
    ]);
    run('setfacl', ['-m', 'u:1000:r', join(root, 'private.txt')]);
    run('setfacl', ['-d', '-m', 'u:1000:rx', join(root, 'a')]);
    return true;
  } catch {
    return false;
  }
}

/** getfacl's access (or default) entries for `path`, comma-joined, numeric ids: the oracle for ACL attributes. */
export function getfaclShort(path: string, which: '-a' | '-d' = '-a'): string {
  const lines = run('getfacl', ['-c', '-n', '-E', '-p', which, path]).split('\n');
  return lines.filter((line) => line.trim() !== '').join(',');
}

export async function openImage(image: string, volume?: Source): Promise<OpenedFilesystem> {
  return extDriver.open(volume ?? new FileSource(image, statSync(image).size), 'p1');
}

/** Every node by its path, with the diagnostics raised while listing. */
export async function listAll(root: TreeNode): Promise<Map<string, TreeNode>> {
  const byPath = new Map<string, TreeNode>();
  for await (const { node, segments } of walk(root)) byPath.set(segments.join('/'), node);
  return byPath;
}

/** A volume with some bytes replaced: damage without copying the image. */
export class PatchedSource implements Source {
  private readonly patches: { at: number; bytes: Uint8Array }[] = [];

  constructor(private readonly base: Source) {}

  get size(): number {
    return this.base.size;
  }

  patch(at: number, bytes: Uint8Array | number[]): this {
    this.patches.push({ at, bytes: Uint8Array.from(bytes) });
    return this;
  }

  patchU32(at: number, value: number): this {
    return this.patch(at, [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(await this.base.read(offset, length));
    for (const { at, bytes: patch } of this.patches) {
      for (let i = 0; i < patch.length; i++) {
        const target = at + i - offset;
        if (target >= 0 && target < bytes.length) bytes[target] = patch[i] ?? 0;
      }
    }
    return bytes;
  }
}

export function fileSource(image: string): FileSource {
  return new FileSource(image, statSync(image).size);
}

/** Where debugfs says inode of `path` lives: its byte offset in the image. */
export function inodeOffset(image: string, path: string, blockSize: number): number {
  const found = /located at block (\d+), offset 0x([0-9a-f]+)/.exec(debugfsRequest(image, `imap "${path}"`));
  if (!found) throw new Error(`debugfs imap found no inode for ${path}`);
  return Number(found[1]) * blockSize + parseInt(found[2] ?? '0', 16);
}

/** The first extent tree block (ETB0) of a file, from debugfs stat. */
export function extentTreeBlock(image: string, path: string): number {
  const found = /\(ETB0\):(\d+)/.exec(debugfsRequest(image, `stat "${path}"`));
  if (!found) throw new Error(`${path} has no extent tree block`);
  return Number(found[1]);
}
