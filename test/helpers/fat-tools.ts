import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { FileSource } from '../../src/model/source.js';
import { walk, type TreeNode } from '../../src/model/tree.js';

const SEARCH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin'];

/** The full path of a tool, or undefined when it is not installed (mkfs.vfat often sits outside PATH). */
export function findTool(name: string): string | undefined {
  for (const folder of SEARCH) {
    const candidate = path.join(folder, name);
    if (folder && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The tools missing among `names`, for a visible SKIPPED line. */
export function missingTools(names: readonly string[]): string[] {
  return names.filter((name) => findTool(name) === undefined);
}

// mtools refuses images whose size is not a floppy geometry unless told not to check.
const TOOL_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1', MTOOLS_NO_VFAT: '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

export function tool(name: string, args: readonly string[]): Buffer {
  const found = findTool(name);
  if (!found) throw new Error(`${name} is not installed`);
  return execFileSync(found, args, { env: TOOL_ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

export function toolText(name: string, args: readonly string[]): string {
  return tool(name, args).toString('utf8');
}

export function imageSource(image: string): FileSource {
  return new FileSource(image, statSync(image).size);
}

/** One entry as `mdir -/ -a` lists it. */
export interface MdirEntry {
  dir: boolean;
  size: number;
  /** `YYYY-MM-DD HH:MM` as mdir prints it (hours unpadded there, padded here). */
  minute: string;
}

/**
 * Parses `mdir -/ -a` output into entries by path (no leading slash). Each line is the 8.3 name in
 * two columns, the size or `<DIR>`, date and time, then the long name when there is one.
 */
export function parseMdir(text: string): Map<string, MdirEntry> {
  const entries = new Map<string, MdirEntry>();
  let folder = '';
  for (const line of text.split('\n')) {
    const header = /^Directory for ::\/(.*)$/.exec(line);
    if (header) {
      folder = header[1] ?? '';
      continue;
    }
    const match = /^(.{8}) (.{3}) +(<DIR>|\d+) +(\d{4}-\d\d-\d\d) +(\d+):(\d\d)(?: {2}(.*)| ?)$/u.exec(line);
    if (!match) continue;
    const [, base = '', extension = '', size = '', date = '', hour = '', minute = '', long] = match;
    const short = extension.trim() ? `${base.trim()}.${extension.trim()}` : base.trim();
    const name = long ?? short;
    if (name === '.' || name === '..') continue;
    entries.set(folder ? `${folder}/${name}` : name, {
      dir: size === '<DIR>',
      size: size === '<DIR>' ? 0 : Number(size),
      minute: `${date} ${hour.padStart(2, '0')}:${minute}`,
    });
  }
  return entries;
}

/** Our tree in the same shape, walked to the end. */
export async function listTree(root: TreeNode): Promise<Map<string, MdirEntry>> {
  const entries = new Map<string, MdirEntry>();
  for await (const { node, segments } of walk(root)) {
    const iso = node.mtime?.toISOString() ?? '';
    entries.set(segments.join('/'), {
      dir: node.kind === 'dir',
      size: node.size,
      minute: `${iso.slice(0, 10)} ${iso.slice(11, 16)}`,
    });
  }
  return entries;
}

/** Deterministic bytes, so content checks do not depend on a random source. */
export function patterned(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

export const FAT_TOOLS = ['mkfs.vfat', 'mdir', 'mtype', 'mcopy', 'mmd', 'mdel', 'mattrib', 'minfo', 'mshowfat'];

/** Sizes mkfs.vfat accepts for each type with its default cluster size (FAT32 wants ~33 MB at least). */
export const IMAGE_KB = { 12: 4096, 16: 20480, 32: 40960 } as const;

export interface BuiltImage {
  image: string;
  /** Files whose bytes the test compares with mtype, by path inside the volume. */
  files: string[];
}

/** FAT32 allocates after FSInfo's next-free hint; without it mtools fills the gap a deletion left. */
function forgetNextFree(image: string): void {
  const fd = openSync(image, 'r+');
  try {
    const boot = Buffer.alloc(512);
    readSync(fd, boot, 0, 512, 0);
    writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, boot.readUInt16LE(48) * 512 + 492);
  } finally {
    closeSync(fd);
  }
}

/**
 * A volume with what the driver must get right: long names (spaces, mixed case, unicode; mtools
 * cannot write a name outside the BMP), a lower-case 8.3 name, an empty file, deep folders, a folder of 600 entries, a multi-cluster
 * file, a fragmented one (made by deleting a file between two others and writing a larger one),
 * and a read-only hidden file.
 */
export function buildImage(dir: string, bits: 12 | 16 | 32, label: string): BuiltImage {
  const image = path.join(dir, `fat${bits}.img`);
  tool('mkfs.vfat', ['-F', String(bits), '-n', label, '-C', image, String(IMAGE_KB[bits])]);
  const put = (name: string, bytes: Buffer, target: string): void => {
    const local = path.join(dir, `local-${bits}-${name.replaceAll('/', '_')}`);
    writeFileSync(local, bytes);
    tool('mcopy', ['-i', image, local, `::/${target}`]);
  };
  const files = [
    'a long Name.txt',
    'lower.txt',
    'é.txt',
    'Ünïcödé 名前.md',
    'empty',
    'big.bin',
    'deep/d1/d2/d3/d4/d5/d6/d7/d8/leaf.txt',
  ];
  put('a long Name.txt', Buffer.from('long name\n'), 'a long Name.txt');
  put('lower.txt', Buffer.from('lower\n'), 'lower.txt');
  put('e.txt', Buffer.from('accent\n'), 'é.txt');
  put('unicode', Buffer.from('unicode\n'), 'Ünïcödé 名前.md');
  put('empty', Buffer.alloc(0), 'empty');
  put('big', patterned(300_000, 1), 'big.bin');
  tool('mmd', ['-i', image, '::/deep', '::/deep/d1', '::/deep/d1/d2', '::/deep/d1/d2/d3', '::/deep/d1/d2/d3/d4']);
  tool('mmd', ['-i', image, '::/deep/d1/d2/d3/d4/d5', '::/deep/d1/d2/d3/d4/d5/d6', '::/deep/d1/d2/d3/d4/d5/d6/d7']);
  tool('mmd', ['-i', image, '::/deep/d1/d2/d3/d4/d5/d6/d7/d8', '::/many', '::/frag']);
  put('leaf', Buffer.from('leaf\n'), 'deep/d1/d2/d3/d4/d5/d6/d7/d8/leaf.txt');
  const many = path.join(dir, `many-${bits}`);
  mkdirSync(many);
  for (let i = 0; i < 600; i++) writeFileSync(path.join(many, `Entry number ${i}.txt`), `entry ${i}\n`);
  tool('mcopy', ['-i', image, '-s', ...readdirSync(many).map((name) => path.join(many, name)), '::/many/']);
  files.push('many/Entry number 0.txt', 'many/Entry number 599.txt');
  for (const [index, size] of [30_000, 30_000, 30_000].entries())
    put(`frag${index}`, patterned(size, 10 + index), `frag/part${index}.bin`);
  tool('mdel', ['-i', image, '::/frag/part1.bin']);
  if (bits === 32) forgetNextFree(image);
  put('fragmented', patterned(90_000, 20), 'frag/fragmented.bin');
  files.push('frag/part0.bin', 'frag/part2.bin', 'frag/fragmented.bin');
  put('readonly', Buffer.from('do not touch\n'), 'Read Only.txt');
  tool('mattrib', ['-i', image, '+r', '+h', '::/Read Only.txt']);
  files.push('Read Only.txt');
  return { image, files };
}
