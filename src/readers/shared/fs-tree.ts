import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BigIntStats } from 'node:fs';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../../model/limits.js';
import { Instant } from '../../model/metadata.js';
import { FileSource } from '../../model/source.js';
import { lazy, type NodeKind, type TreeNode } from '../../model/tree.js';

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
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'device';
  return 'file';
}

/**
 * A node for one path on disk. Symlinks are shown, never followed, so nothing outside the
 * snapshot folder is ever read; directories list lazily, capped at `limits.dirEntries`.
 */
export async function diskNode(path: string, name: string, diagnostics: Diagnostic[], displayPath: string): Promise<TreeNode> {
  const stats = await lstat(path, { bigint: true });
  const kind = kindOf(stats);
  const node: TreeNode = { name, kind, size: kind === 'file' ? Number(stats.size) : 0, attrs: {}, ...statFields(stats) };
  if (kind === 'file') node.content = new FileSource(path, node.size);
  if (kind === 'symlink') node.linkTarget = await readlink(path);
  if (kind === 'dir') node.children = lazy(() => diskChildren(path, diagnostics, displayPath));
  return node;
}

export async function diskChildren(dir: string, diagnostics: Diagnostic[], displayPath: string): Promise<TreeNode[]> {
  const names = await listDir(dir, diagnostics, displayPath);
  const nodes: TreeNode[] = [];
  for (const name of names) {
    const childPath = displayPath ? `${displayPath}/${name}` : name;
    try {
      nodes.push(await diskNode(join(dir, name), name, diagnostics, childPath));
    } catch (error) {
      diagnostics.push(diagnostic('warning', 'UNREADABLE_ENTRY', `cannot read ${childPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, childPath));
    }
  }
  return nodes;
}

/** Sorted names of a directory, cut at the entry limit with a diagnostic. */
export async function listDir(dir: string, diagnostics: Diagnostic[], displayPath: string): Promise<string[]> {
  const names = (await readdir(dir)).sort();
  if (names.length <= limits.dirEntries) return names;
  diagnostics.push(
    diagnostic('warning', 'TOO_MANY_ENTRIES', `${displayPath || 'folder'} has ${names.length} entries; only the first ${limits.dirEntries} are listed`, displayPath),
  );
  return names.slice(0, limits.dirEntries);
}
