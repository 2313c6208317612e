import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import { normalisePath, splitPath } from '../../model/paths.js';
import { SliceSource, type Source } from '../../model/source.js';
import type { NodeKind, TreeNode } from '../../model/tree.js';
import { PathTreeBuilder } from './path-tree.js';
import { symlinkLoops } from './symlink-loops.js';
import { SparseSource } from './tar/sparse-source.js';
import type { TarEntry, TarEntryKind } from './tar/types.js';
import { pushAll } from '../../model/arrays.js';

const nodeKinds: Record<TarEntryKind, NodeKind> = {
  file: 'file',
  sparse: 'file',
  unknown: 'file',
  hardlink: 'hardlink',
  symlink: 'symlink',
  chardev: 'device',
  blockdev: 'device',
  dir: 'dir',
  fifo: 'fifo',
};

/** A tar member as a tree node, with the member record kept for diff and verify. */
export interface TarNode extends TreeNode {
  entry?: TarEntry;
}

export interface TarTree {
  root: TarNode;
  /** Every node by its normalised path ('' is the root). */
  byPath: Map<string, TarNode>;
  diagnostics: Diagnostic[];
}

const TAR_CONFLICTS = { notADirectory: 'TAR_NOT_A_DIRECTORY', duplicate: 'TAR_DUPLICATE' };

/** Builds the filesystem a tar describes; later members replace earlier ones, as extraction does. */
export function buildTarTree(entries: readonly TarEntry[], archive: Source): TarTree {
  const root: TarNode = { name: '', kind: 'dir', size: 0, attrs: {} };
  const diagnostics: Diagnostic[] = [];
  const builder = new PathTreeBuilder(root, TAR_CONFLICTS, diagnostics);
  for (const entry of entries) {
    const { segments, escaped } = normalisePath(entry.path);
    const path = segments.join('/');
    if (escaped)
      diagnostics.push(
        diagnostic(
          'warning',
          'TAR_PATH_ESCAPE',
          `member ${entry.path} points outside the archive root; shown as ${path || '/'}`,
          path,
        ),
      );
    const node = nodeFor(entry, segments[segments.length - 1] ?? '', archive);
    if (path === '') Object.assign(root, pick(node));
    else builder.place(segments, node);
  }
  const { byPath } = builder.build();
  const broken = new Set<TarNode>();
  for (const [path, node] of byPath)
    if (node.kind === 'hardlink') resolveHardlink(path, node, byPath, broken, diagnostics);
  pushAll(diagnostics, symlinkLoops(byPath));
  return { root, byPath, diagnostics };
}

/** What the root takes from a member named `./`: its owner, mode and time, never its kind or data. */
function pick({ mode, uid, gid, mtime, attrs, entry }: TarNode): Partial<TarNode> {
  return { mode, uid, gid, mtime, attrs, entry };
}

function nodeFor(entry: TarEntry, name: string, archive: Source): TarNode {
  const kind = nodeKinds[entry.kind];
  const node: TarNode = {
    name,
    kind,
    size: kind === 'file' ? (entry.sparse?.realSize ?? entry.size) : 0,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    mtime: entry.mtime,
    attrs: entryAttrs(entry),
    entry,
  };
  if (kind === 'file') {
    const stored = new SliceSource(archive, entry.dataOffset, entry.present ?? entry.size);
    node.content = entry.sparse ? new SparseSource(stored, entry.sparse) : stored;
  }
  if (entry.linkTarget !== undefined && (kind === 'symlink' || kind === 'hardlink')) node.linkTarget = entry.linkTarget;
  return node;
}

function entryAttrs(entry: TarEntry): MetaRecord {
  const attrs: MetaRecord = {};
  if (entry.uname) attrs.uname = entry.uname;
  if (entry.gname) attrs.gname = entry.gname;
  if (entry.kind === 'chardev' || entry.kind === 'blockdev')
    attrs.device = `${entry.kind} ${entry.devMajor ?? 0}:${entry.devMinor ?? 0}`;
  if (entry.kind === 'sparse') attrs.sparse = true;
  for (const [key, value] of Object.entries(entry.xattrs)) attrs[`xattr ${key}`] = value;
  return attrs;
}

/**
 * A hard link shares its target's data (so `cat` works) but keeps size 0 as the archive does: the
 * bytes are stored, and counted, once. A link to a link is followed to the file, as extraction links
 * each name to the same inode; every link on the way takes the data, so a chain is walked once in all.
 * A link to a member that is not there, or a ring of links, is reported.
 */
function resolveHardlink(
  path: string,
  link: TarNode,
  byPath: Map<string, TarNode>,
  broken: Set<TarNode>,
  diagnostics: Diagnostic[],
): void {
  const targetPath = splitPath(link.linkTarget ?? '').join('/');
  link.linkTarget = targetPath;
  const chain: TarNode[] = [link];
  const seen = new Set<TarNode>(chain);
  let target = byPath.get(targetPath);
  while (target?.kind === 'hardlink' && !target.content && !seen.has(target) && !broken.has(target)) {
    seen.add(target);
    chain.push(target);
    target = byPath.get(splitPath(target.linkTarget ?? '').join('/'));
  }
  if ((target?.kind === 'file' || target?.kind === 'hardlink') && target.content) {
    for (const member of chain) member.content = target.content;
    return;
  }
  // Each link on a broken chain is reported when its own turn comes, without walking the chain again.
  for (const member of chain) broken.add(member);
  diagnostics.push(
    diagnostic(
      'warning',
      'TAR_HARDLINK_MISSING',
      `hard link ${path} points at ${targetPath || '/'}, which is not a file in the archive`,
      path,
    ),
  );
}
