import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import { parentPath as parentOf } from '../../model/paths.js';
import { SliceSource, type Source } from '../../model/source.js';
import { fixedChildren, type NodeKind, type TreeNode } from '../../model/tree.js';
import { symlinkLoops } from './symlink-loops.js';
import type { TarEntry, TarEntryKind } from './tar/types.js';

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

/**
 * Normalises a member name as extraction would: no leading `./` or `/`, no trailing `/`, and `..`
 * never climbing above the root. Returns the segments and whether the name tried to escape.
 */
export function normaliseMemberPath(name: string): { segments: string[]; escaped: boolean } {
  const segments: string[] = [];
  let escaped = name.startsWith('/');
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (segments.length === 0) escaped = true;
      segments.pop();
    } else {
      segments.push(part);
    }
  }
  return { segments, escaped };
}

/** Builds the filesystem a tar describes; later members replace earlier ones, as extraction does. */
export function buildTarTree(entries: readonly TarEntry[], archive: Source): TarTree {
  const root: TarNode = { name: '', kind: 'dir', size: 0, attrs: {} };
  const byPath = new Map<string, TarNode>([['', root]]);
  const childMaps = new Map<TarNode, Map<string, TarNode>>([[root, new Map()]]);
  const diagnostics: Diagnostic[] = [];
  const hardlinks: TarNode[] = [];
  for (const entry of entries) {
    const { segments, escaped } = normaliseMemberPath(entry.path);
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
    if (path === '') {
      Object.assign(root, {
        mode: node.mode,
        uid: node.uid,
        gid: node.gid,
        mtime: node.mtime,
        attrs: node.attrs,
        entry,
      });
      continue;
    }
    const parent = ensureParents(segments.slice(0, -1), byPath, childMaps, diagnostics);
    const siblings = childMaps.get(parent);
    const existing = siblings?.get(node.name);
    if (existing) replaceExisting(existing, node, path, byPath, childMaps, diagnostics);
    else siblings?.set(node.name, node);
    if (existing?.kind === 'dir' && node.kind === 'dir') continue;
    byPath.set(path, node);
    if (node.kind === 'dir') childMaps.set(node, new Map());
    if (node.kind === 'hardlink') hardlinks.push(node);
  }
  for (const link of hardlinks) resolveHardlink(link, byPath, diagnostics);
  diagnostics.push(...symlinkLoops(byPath));
  for (const [dir, children] of childMaps) {
    const sorted = [...children.values()].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    dir.children = fixedChildren(sorted);
  }
  return { root, byPath, diagnostics };
}

function nodeFor(entry: TarEntry, name: string, archive: Source): TarNode {
  const kind = nodeKinds[entry.kind];
  const node: TarNode = {
    name,
    kind,
    size: kind === 'file' ? entry.size : 0,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    mtime: entry.mtime,
    attrs: entryAttrs(entry),
    entry,
  };
  if (kind === 'file') node.content = new SliceSource(archive, entry.dataOffset, entry.size);
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

/** Parents named only implicitly (`var/cache/z` without `var/cache/`) become plain directories; zip trees use this too. */
export function ensureParents(
  segments: string[],
  byPath: Map<string, TreeNode>,
  childMaps: Map<TreeNode, Map<string, TreeNode>>,
  diagnostics: Diagnostic[],
  notADirectory = 'TAR_NOT_A_DIRECTORY',
): TreeNode {
  let parent = byPath.get('') as TreeNode;
  for (let i = 0; i < segments.length; i++) {
    const path = segments.slice(0, i + 1).join('/');
    let node = byPath.get(path);
    if (node && node.kind !== 'dir') {
      diagnostics.push(
        diagnostic(
          'warning',
          notADirectory,
          `${path} is a ${node.kind} but later members sit below it; it is shown as a directory`,
          path,
        ),
      );
      node = undefined;
    }
    if (!node) {
      node = { name: segments[i] ?? '', kind: 'dir', size: 0, attrs: {} };
      childMaps.get(parent)?.set(node.name, node);
      childMaps.set(node, new Map());
      byPath.set(path, node);
    }
    parent = node;
  }
  return parent;
}

function replaceExisting(
  existing: TarNode,
  node: TarNode,
  path: string,
  byPath: Map<string, TarNode>,
  childMaps: Map<TarNode, Map<string, TarNode>>,
  diagnostics: Diagnostic[],
): void {
  if (existing.kind === 'dir' && node.kind === 'dir') {
    // A directory listed twice keeps its children and takes the later attributes.
    Object.assign(existing, {
      mode: node.mode,
      uid: node.uid,
      gid: node.gid,
      mtime: node.mtime,
      attrs: node.attrs,
      entry: node.entry,
    });
    return;
  }
  diagnostics.push(
    diagnostic(
      'info',
      'TAR_DUPLICATE',
      `${path} appears more than once; the later member wins, as on extraction`,
      path,
    ),
  );
  if (existing.kind === 'dir') removeSubtree(path, byPath, childMaps);
  const parentPath = parentOf(path);
  const parent = byPath.get(parentPath);
  if (parent) childMaps.get(parent)?.set(node.name, node);
}

function removeSubtree(
  path: string,
  byPath: Map<string, TarNode>,
  childMaps: Map<TarNode, Map<string, TarNode>>,
): void {
  for (const key of [...byPath.keys()]) {
    if (key !== path && !key.startsWith(`${path}/`)) continue;
    const node = byPath.get(key);
    if (node) childMaps.delete(node);
    byPath.delete(key);
  }
}

/**
 * A hard link shares its target's data (so `cat` works) but keeps size 0 as the archive does: the
 * bytes are stored, and counted, once. A link to a member that is not there is reported.
 */
function resolveHardlink(link: TarNode, byPath: Map<string, TarNode>, diagnostics: Diagnostic[]): void {
  const targetPath = normaliseMemberPath(link.linkTarget ?? '').segments.join('/');
  link.linkTarget = targetPath;
  const target = byPath.get(targetPath);
  if (target?.kind === 'file' && target.content) {
    link.content = target.content;
    return;
  }
  const path = [...byPath].find(([, node]) => node === link)?.[0] ?? link.name;
  diagnostics.push(
    diagnostic(
      'warning',
      'TAR_HARDLINK_MISSING',
      `hard link ${path} points at ${targetPath || '/'}, which is not a file in the archive`,
      path,
    ),
  );
}
