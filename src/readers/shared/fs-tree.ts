import { constants } from 'node:fs';
import { access, lstat, readdir, readlink } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { decodeName } from '../../model/display.js';
import { limits } from './limits.js';
import { Instant } from '../../model/metadata.js';
import { FileSource } from '../../model/source.js';
import { lazyFolder, type NodeKind, type TreeNode } from '../../model/tree.js';
import { symlinkLoops } from './symlink-loops.js';
import { pushAll } from '../../model/arrays.js';

/**
 * One directory entry. File names are bytes on Linux; `path` keeps them raw so an entry whose
 * name is not UTF-8 can still be opened, while `name` is its readable form.
 */
export interface DirEntry {
  name: string;
  path: Buffer;
}

export function childPath(dir: Buffer | string, name: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(dir), Buffer.from('/'), Buffer.from(name)]);
}

/** Attributes every node read from disk carries, the same for all folder-based formats. */
export function statFields(stats: BigIntStats): Pick<TreeNode, 'mode' | 'uid' | 'gid' | 'mtime'> {
  return {
    mode: Number(stats.mode & 0o7777n),
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    mtime: new Instant(stats.mtimeNs),
  };
}

function kindOf(stats: BigIntStats): NodeKind {
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'device';
  return 'file';
}

/**
 * A node for one entry on disk. Symlinks are shown, never followed, so nothing outside the
 * snapshot folder is ever read; FIFOs, sockets and devices are listed, never opened; directories
 * list lazily, capped at `limits.dirEntries`. A file this process may not read is listed without
 * content and said once, so every other entry still serves.
 */
export async function diskNode(entry: DirEntry, diagnostics: Diagnostic[], displayPath: string): Promise<TreeNode> {
  const stats = await lstat(entry.path, { bigint: true });
  const kind = kindOf(stats);
  const node: TreeNode = {
    name: entry.name,
    kind,
    size: kind === 'file' ? Number(stats.size) : 0,
    attrs: {},
    ...statFields(stats),
  };
  if (kind === 'file') {
    const denied = mayRead(stats) ? undefined : await unreadable(entry.path);
    if (denied) {
      node.note = `cannot be read: ${denied}`;
      diagnostics.push(diagnostic('warning', 'UNREADABLE_ENTRY', `cannot read ${displayPath}: ${denied}`, displayPath));
    } else {
      node.content = new FileSource(entry.path, node.size);
    }
  }
  if (kind === 'device') node.attrs.device = deviceName(stats);
  if (kind === 'symlink') node.linkTarget = decodeName(await readlink(entry.path, { encoding: 'buffer' }));
  if (kind === 'dir') lazyFolder(node, (raised) => diskChildren(entry.path, raised, displayPath));
  return node;
}

/** Nodes of a directory's entries; an entry that vanished or cannot be read becomes a diagnostic. */
export async function diskChildren(
  dir: Buffer | string,
  diagnostics: Diagnostic[],
  displayPath: string,
): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  const byPath = new Map<string, TreeNode>();
  for (const entry of await listDir(dir, diagnostics, displayPath)) {
    const path = displayPath ? `${displayPath}/${entry.name}` : entry.name;
    const node = await readableNode(entry, diagnostics, path);
    if (!node) continue;
    nodes.push(node);
    byPath.set(path, node);
  }
  // Links are never followed, so only loops among one folder's entries are found: a whole-tree search would read every folder.
  pushAll(diagnostics, symlinkLoops(byPath, 'SYMLINK_LOOP'));
  return nodes;
}

export async function readableNode(
  entry: DirEntry,
  diagnostics: Diagnostic[],
  displayPath: string,
): Promise<TreeNode | undefined> {
  try {
    return await diskNode(entry, diagnostics, displayPath);
  } catch (error) {
    diagnostics.push(
      diagnostic(
        'warning',
        'UNREADABLE_ENTRY',
        `cannot read ${displayPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        displayPath,
      ),
    );
    return undefined;
  }
}

/** Entries of a directory in byte order, cut at the entry limit with a diagnostic. */
export async function listDir(
  dir: Buffer | string,
  diagnostics: Diagnostic[],
  displayPath: string,
): Promise<DirEntry[]> {
  const names = (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);
  if (names.length > limits.dirEntries) {
    const message = `${displayPath || 'folder'} has ${names.length} entries; only the first ${limits.dirEntries} are listed`;
    diagnostics.push(diagnostic('warning', 'TOO_MANY_ENTRIES', message, displayPath));
  }
  return names.slice(0, limits.dirEntries).map((raw) => ({ name: decodeName(raw), path: childPath(dir, raw) }));
}

/**
 * Whether the permission bits let this process read the file, judged without a system call per file
 * (a folder may hold hundreds of thousands); only a file they deny is tried for real.
 */
let reader: { uid: bigint | undefined; groups: Set<bigint> } | undefined;

function thisProcess(): { uid: bigint | undefined; groups: Set<bigint> } {
  const uid = process.getuid?.();
  return {
    uid: uid === undefined ? undefined : BigInt(uid),
    groups: new Set((process.getgroups?.() ?? []).map(BigInt)),
  };
}

function mayRead(stats: BigIntStats): boolean {
  reader ??= thisProcess();
  if (reader.uid === undefined || reader.uid === 0n) return true;
  if (reader.uid === stats.uid) return (stats.mode & 0o400n) !== 0n;
  if (reader.groups.has(stats.gid)) return (stats.mode & 0o040n) !== 0n;
  return (stats.mode & 0o004n) !== 0n;
}

/** Why the file cannot be opened for reading (EACCES for a mode-000 file), or undefined when it can. */
async function unreadable(path: Buffer): Promise<string | undefined> {
  try {
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** The same `chardev M:m` / `blockdev M:m` text tar members carry, from the device number as Linux packs it. */
function deviceName(stats: BigIntStats): string {
  const rdev = stats.rdev;
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n);
  return `${stats.isBlockDevice() ? 'blockdev' : 'chardev'} ${major}:${minor}`;
}
