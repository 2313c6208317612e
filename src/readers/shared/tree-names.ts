import type { TreeNode } from '../../model/tree.js';

/** Node names must be unique and slash-free to be addressable; duplicates get a counter. */
export function uniqueNames(nodes: TreeNode[]): TreeNode[] {
  const seen = new Map<string, number>();
  for (const node of nodes) {
    const base = node.name.replaceAll('/', '%2F');
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    node.name = count === 1 ? base : `${base} (${count})`;
  }
  return nodes;
}
