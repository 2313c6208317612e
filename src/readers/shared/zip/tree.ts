import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import type { Source } from '../../../model/source.js';
import { fixedChildren, type TreeNode } from '../../../model/tree.js';
import { ensureParents, normaliseMemberPath } from '../tar-tree.js';
import { unreadableReason, ZipMemberSource } from './member.js';
import type { ZipEntry } from './types.js';

/** A zip member as a tree node, keeping the directory record for verify. */
export interface ZipNode extends TreeNode {
  entry?: ZipEntry;
}

export interface ZipTree {
  root: ZipNode;
  /** Every node by its normalised path ('' is the root). */
  byPath: Map<string, ZipNode>;
}

/**
 * The folders a zip describes. Directory entries are optional (some writers omit them), so folders
 * are derived from member paths either way; a later member of the same name wins, as on extraction.
 */
export function buildZipTree(
  entries: readonly ZipEntry[],
  archive: Source,
  diagnostics: Diagnostic[],
  where = '',
): ZipTree {
  const root: ZipNode = { name: '', kind: 'dir', size: 0, attrs: {} };
  const byPath = new Map<string, ZipNode>([['', root]]);
  const childMaps = new Map<ZipNode, Map<string, ZipNode>>([[root, new Map()]]);
  for (const entry of entries) {
    const { segments, escaped } = normaliseMemberPath(entry.name);
    const path = segments.join('/');
    if (escaped)
      diagnostics.push(
        diagnostic(
          'warning',
          'ZIP_PATH_ESCAPE',
          `member ${where}${entry.name} points outside the archive root; shown as ${path || '/'}`,
          where + path,
        ),
      );
    if (path === '') continue;
    const parent = ensureParents(segments.slice(0, -1), byPath, childMaps, diagnostics, 'ZIP_NOT_A_DIRECTORY');
    const existing = byPath.get(path);
    if (existing?.kind === 'dir' && entry.isDirectory) {
      Object.assign(existing, folderFields(entry));
      continue;
    }
    if (existing)
      diagnostics.push(
        diagnostic(
          'info',
          'ZIP_DUPLICATE',
          `${where}${path} appears more than once; the later member wins, as on extraction`,
          where + path,
        ),
      );
    const node = memberNode(entry, segments[segments.length - 1] ?? '', archive, diagnostics, where + path);
    childMaps.get(parent)?.set(node.name, node);
    byPath.set(path, node);
    if (node.kind === 'dir') childMaps.set(node, new Map());
  }
  for (const [dir, children] of childMaps) dir.children = fixedChildren(byteOrder([...children.values()]));
  return { root, byPath };
}

function folderFields(entry: ZipEntry): Partial<ZipNode> {
  return { mtime: entry.mtime, entry, ...(entry.mode !== undefined ? { mode: entry.mode } : {}) };
}

function memberNode(entry: ZipEntry, name: string, archive: Source, diagnostics: Diagnostic[], path: string): ZipNode {
  if (entry.isDirectory) return { name, kind: 'dir', size: 0, attrs: {}, ...folderFields(entry) };
  const node: ZipNode = { name, kind: 'file', size: entry.size, attrs: memberAttrs(entry), ...folderFields(entry) };
  const reason = unreadableReason(entry);
  if (reason) {
    node.note = `cannot be read: ${reason}`;
    diagnostics.push(
      diagnostic(
        'warning',
        reason === 'encrypted' ? 'ZIP_ENCRYPTED' : 'ZIP_UNSUPPORTED_METHOD',
        `${path} is ${reason}; it is listed but cannot be read`,
        path,
      ),
    );
  } else {
    node.content = new ZipMemberSource(archive, entry);
  }
  return node;
}

function memberAttrs(entry: ZipEntry): ZipNode['attrs'] {
  return {
    method: entry.method === 8 ? 'deflate' : entry.method === 0 ? 'stored' : entry.method,
    compressed_size: entry.compressedSize,
    crc32: entry.crc32.toString(16).padStart(8, '0'),
  };
}

/** Names in byte order, as tar trees and folders list them; each name is encoded once, not per comparison. */
function byteOrder(nodes: ZipNode[]): ZipNode[] {
  const keyed = nodes.map((node) => ({ node, key: Buffer.from(node.name) }));
  return keyed.sort((a, b) => Buffer.compare(a.key, b.key)).map(({ node }) => node);
}
