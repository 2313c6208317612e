import { volumePath } from '../volume-path.js';
import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import { decodeName } from '../../../../model/display.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import { sortByName } from '../../../../model/paths.js';
import { fixedChildren, lazyFolder, type TreeNode } from '../../../../model/tree.js';
import { isDotEntry, type DirEntry } from './directory.js';
import type { Content, ExtFs } from './fs.js';
import { deviceText, kindOf, S_IFDIR, type Inode } from './inode.js';
import { aclText } from './xattr.js';

/**
 * The directory tree as lazily loaded TreeNodes, following the tar tree's conventions (permission
 * bits in `mode`, `xattr NAME` attributes, size 0 for anything but files) so an ext filesystem and a
 * docker export of the same files diff cleanly. Each directory inode gets children once: a second
 * entry for it (a cycle through an ancestor or a directory hard link) is shown empty and reported.
 */
export class ExtTree {
  private readonly listedAt = new Map<number, string>();

  constructor(
    private readonly fs: ExtFs,
    private readonly where: string,
  ) {}

  root(inode: Inode): TreeNode {
    this.listedAt.set(inode.number, '');
    return this.folder({ name: '', kind: 'dir', size: 0, ...ownership(inode), attrs: {} }, inode, '');
  }

  private folder(node: TreeNode, inode: Inode, path: string): TreeNode {
    return lazyFolder(node, (raised) => this.children(inode, path, raised));
  }

  private async children(inode: Inode, path: string, raised: Diagnostic[]): Promise<TreeNode[]> {
    const { entries, problems } = await this.fs.entries(inode);
    for (const problem of problems)
      raised.push(this.report('EXT_BAD_DIRECTORY', `directory ${show(path)}: ${problem}`, path));
    const nodes: TreeNode[] = [];
    for (const entry of entries) {
      if (isDotEntry(entry.name)) continue;
      const node = await this.child(entry, path, raised);
      if (node) nodes.push(node);
    }
    return this.withoutDuplicates(sortByName(nodes), path, raised);
  }

  /** Two entries of one name (only damage makes them) would make a path ambiguous: the first is kept. */
  private withoutDuplicates(sorted: TreeNode[], path: string, raised: Diagnostic[]): TreeNode[] {
    return sorted.filter((node, i) => {
      if (i === 0 || sorted[i - 1]?.name !== node.name) return true;
      const message = `directory ${show(path)} holds ${node.name} twice; the second is not listed`;
      raised.push(this.report('EXT_BAD_DIRECTORY', message, path));
      return false;
    });
  }

  private async child(entry: DirEntry, parent: string, raised: Diagnostic[]): Promise<TreeNode | null> {
    const name = entryName(entry.name);
    if (name === '') {
      raised.push(this.report('EXT_BAD_DIRECTORY', `directory ${show(parent)} has an entry without a name`, parent));
      return null;
    }
    const path = parent ? `${parent}/${name}` : name;
    const inode = await this.fs.inode(entry.inode);
    if (!inode || inode.type === 0) {
      raised.push(this.report('EXT_BAD_INODE', `${path} names inode ${entry.inode}, which cannot be read`, path));
      return null;
    }
    const node: TreeNode = { name, kind: kindOf(inode), size: 0, ...ownership(inode), attrs: {} };
    await this.describe(node, inode, path, raised);
    if (inode.type !== S_IFDIR) return node;
    const earlier = this.listedAt.get(inode.number);
    if (earlier === undefined) {
      this.listedAt.set(inode.number, path);
      return this.folder(node, inode, path);
    }
    node.children = fixedChildren([]);
    raised.push(
      this.report(
        'EXT_DIRECTORY_CYCLE',
        `${path} is directory inode ${inode.number}, already listed at ${show(earlier)}; shown empty`,
        path,
      ),
    );
    return node;
  }

  /** Kind-specific facts: content and size of files, link targets, device numbers, attributes. */
  private async describe(node: TreeNode, inode: Inode, path: string, raised: Diagnostic[]): Promise<void> {
    const attrs = node.attrs;
    if (node.kind === 'symlink') node.linkTarget = await this.linkTarget(inode, path, raised);
    if (node.kind === 'file') {
      const content = await this.contentOf(inode, path, raised);
      node.content = content.source;
      node.size = content.source.size;
    }
    if (node.kind === 'file' && inode.links > 1) {
      attrs.inode = inode.number;
      attrs.links = inode.links;
    }
    if (node.kind === 'device') attrs.device = deviceText(inode);
    const xattrs = await this.fs.xattrs(inode);
    for (const problem of xattrs.problems) raised.push(this.report('EXT_BAD_XATTR', `${path}: ${problem}`, path));
    addXattrs(attrs, xattrs.values);
  }

  private async contentOf(inode: Inode, path: string, raised: Diagnostic[]): Promise<Content> {
    const content = await this.fs.content(inode);
    for (const problem of content.problems)
      raised.push(this.report('EXT_BAD_EXTENT_TREE', `${path}: ${problem}`, path));
    return content;
  }

  /** A symlink's target: in i_block for short ones, inline data or a data block for the rest. */
  private async linkTarget(inode: Inode, path: string, raised: Diagnostic[]): Promise<string> {
    const content = await this.contentOf(inode, path, raised);
    const length = Math.min(content.source.size, this.fs.volume.blockSize);
    return decodeName(await content.source.read(0, length));
  }

  private report(code: string, message: string, path: string): Diagnostic {
    return diagnostic('warning', code, message, volumePath(this.where, path));
  }
}

function ownership(inode: Inode): Partial<TreeNode> {
  return { mode: inode.mode, uid: inode.uid, gid: inode.gid, mtime: inode.mtime };
}

/** A slash cannot be part of a name in the tree, so a damaged entry's slash is shown escaped. */
function entryName(bytes: Uint8Array): string {
  return decodeName(bytes).replaceAll('/', '\\x2f');
}

function show(path: string): string {
  return path === '' ? '/' : path;
}

/** `system.data` is the inline-data store, not an attribute a user set; ACLs are shown as getfacl text. */
function addXattrs(attrs: MetaRecord, values: Map<string, Uint8Array>): void {
  for (const [name, value] of values) {
    if (name === 'system.data') continue;
    const isAcl = name === 'system.posix_acl_access' || name === 'system.posix_acl_default';
    attrs[`xattr ${name}`] = (isAcl ? aclText(value) : null) ?? value;
  }
}
