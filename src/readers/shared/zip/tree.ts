import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { decodeName } from '../../../model/display.js';
import { errorMessage } from '../../../model/errors.js';
import { readAll, type Source } from '../../../model/source.js';
import { limits } from '../limits.js';
import type { TreeNode } from '../../../model/tree.js';
import { PathTreeBuilder, type PathTree } from '../path-tree.js';
import { unreadableReason, ZipMemberSource } from './member.js';
import type { ZipEntry } from './types.js';
import { normalisePath } from '../../../model/paths.js';

/** A zip member as a tree node, keeping the directory record for verify. */
export interface ZipNode extends TreeNode {
  entry?: ZipEntry;
}

export type ZipTree = PathTree<ZipNode>;

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
  const builder = new PathTreeBuilder(root, { ...ZIP_CONFLICTS, where }, diagnostics);
  for (const entry of entries) {
    const { segments, escaped } = normalisePath(entry.name);
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
    if (path !== '')
      builder.place(
        segments,
        memberNode(entry, segments[segments.length - 1] ?? '', archive, diagnostics, where + path),
      );
  }
  return builder.build();
}

const ZIP_CONFLICTS = { notADirectory: 'ZIP_NOT_A_DIRECTORY', duplicate: 'ZIP_DUPLICATE' };

function folderFields(entry: ZipEntry): Partial<ZipNode> {
  return { mtime: entry.mtime, entry, ...(entry.mode !== undefined ? { mode: entry.mode } : {}) };
}

function memberNode(entry: ZipEntry, name: string, archive: Source, diagnostics: Diagnostic[], path: string): ZipNode {
  if (entry.isDirectory) return { name, kind: 'dir', size: 0, attrs: {}, ...folderFields(entry) };
  if (entry.isSymlink && !unreadableReason(entry))
    return { name, kind: 'symlink', size: 0, linkTarget: '', attrs: memberAttrs(entry), ...folderFields(entry) };
  const node: ZipNode = { name, kind: 'file', size: entry.size, attrs: memberAttrs(entry), ...folderFields(entry) };
  const reason = unreadableReason(entry);
  if (reason) {
    node.note = `cannot be read: ${reason}`;
    // Overlaps are said once for the whole archive (ZIP_OVERLAP); a bomb has thousands.
    if (!entry.overlaps)
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

/**
 * A zip stores a Unix symlink's target as the member's data, so each is read (small, bounded by
 * `pathBytes`) once the tree stands; one that cannot be inflated keeps an empty target and says why.
 */
export async function readZipSymlinks(tree: ZipTree, archive: Source, diagnostics: Diagnostic[]): Promise<void> {
  for (const [path, node] of tree.byPath) {
    if (node.kind !== 'symlink' || !node.entry) continue;
    try {
      const target = await readAll(new ZipMemberSource(archive, node.entry), limits.pathBytes);
      if (target) node.linkTarget = decodeName(target);
      else
        diagnostics.push(
          diagnostic(
            'warning',
            'ZIP_BAD_SYMLINK',
            `${path}: its target is longer than the pathBytes limit of ${limits.pathBytes}`,
            path,
          ),
        );
    } catch (error) {
      diagnostics.push(
        diagnostic('warning', 'ZIP_BAD_SYMLINK', `${path}: its target cannot be read: ${errorMessage(error)}`, path),
      );
    }
  }
}
