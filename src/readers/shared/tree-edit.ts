import { childrenOf, fixedChildren, type TreeNode } from '../../model/tree.js';
import { sortByName } from '../../model/paths.js';

/**
 * Places `node` at `segments` below `root`, replacing whatever was there (as a mount hides the
 * image's content below its mount point). Missing parent directories are created.
 */
export async function graftNode(root: TreeNode, segments: readonly string[], node: TreeNode): Promise<void> {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const children = [...(await childrenOf(root))];
  const index = children.findIndex((child) => child.name === head);
  if (rest.length === 0) {
    const grafted = { ...node, name: head };
    if (index >= 0) children[index] = grafted;
    else children.push(grafted);
  } else {
    let parent = index >= 0 ? children[index] : undefined;
    if (!parent || parent.kind !== 'dir') {
      parent = { name: head, kind: 'dir', size: 0, attrs: {} };
      if (index >= 0) children[index] = parent;
      else children.push(parent);
    }
    await graftNode(parent, rest, node);
  }
  root.children = fixedChildren(sortByName(children));
}
