import { pushAll } from '../../../model/arrays.js';
import { lazyFolder, type TreeNode } from '../../../model/tree.js';
import { openDiskContents } from './volumes.js';

/**
 * A file inside a snapshot that is a raw disk image (an LXD virtual machine's root disk) gains its
 * partitions as children, so `ls -R`, `cat` and `diff` reach the files on it. Nothing is read until
 * someone lists it; a disk without a table or filesystem simply has no children.
 */
export function browseDiskImage(node: TreeNode, where: string): void {
  const disk = node.content;
  if (node.kind !== 'file' || !disk) return;
  lazyFolder(node, async (raised) => {
    const contents = await openDiskContents(disk, where);
    pushAll(raised, contents.diagnostics);
    return contents.nodes;
  });
}
