import type { Diagnostic } from './diagnostics.js';
import type { MetaRecord, Instant } from './metadata.js';
import type { Source } from './source.js';

export type NodeKind =
  'dir' | 'file' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'socket' | 'memory' | 'record' | 'whiteout';

/**
 * Cheap identities of a memory's pages, valid only among nodes with the same `scope` (one file):
 * equal tokens mean the same stored bytes, 0 means unallocated (reads as zeros). qcow2 snapshots
 * of one disk compare this way, cluster by cluster, without reading data.
 */
export interface PageTokens {
  scope: string;
  tokens: BigUint64Array;
}

/** Marks a user should notice in any listing: secrets, format stubs, tool leftovers. */
export type NodeFlag = 'secret' | 'stub' | 'leftover';

export interface TreeNode {
  name: string;
  kind: NodeKind;
  /** Bytes of content; for directories 0 (see `treeSize`). */
  size: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Instant;
  linkTarget?: string;
  /** Format-specific facts shown in details and compared by diff. */
  attrs: MetaRecord;
  /** The real bytes: what diff compares, hash digests and verify checks. */
  content?: Source;
  /**
   * What is printed instead of `content` when the real bytes hold credentials and secrets are hidden
   * (a redacted copy). cat, text diffs and the viewer print it; diff and hash still read `content`,
   * so a changed secret is seen as a change without its value being shown.
   */
  shown?: Source;
  /** sha256 of the content when known without reading it (page-hash manifests). */
  sha256?: string;
  /** Present on memory images: they are compared page by page. */
  pageSize?: number;
  pageTokens?: () => Promise<PageTokens>;
  flags?: NodeFlag[];
  /** One line that says what this entry is, for leftovers and decoded parts. */
  note?: string;
  children?: () => Promise<TreeNode[]>;
  /**
   * A folder that only splits its parent's entries into pages (`page N` of a large stable map):
   * diff matches its entries as the parent's own, so an insertion that shifts page boundaries
   * does not turn every later entry into a removal and an addition.
   */
  pageGroup?: boolean;
  /**
   * Diagnostics raised while loading `children`, kept with the folder that raised them (empty
   * until it is loaded), so a command reports what it loaded whatever another loaded before.
   */
  raised?: readonly Diagnostic[];
}

/** Memoises a children loader so a tree is read at most once, whoever expands it. */
export function lazy(load: () => Promise<TreeNode[]>): () => Promise<TreeNode[]> {
  let pending: Promise<TreeNode[]> | undefined;
  return () => (pending ??= load());
}

/** Gives `node` memoised children whose loading may raise diagnostics; they land in `node.raised`. */
export type FolderLoader = (raised: Diagnostic[]) => Promise<TreeNode[]>;

export function lazyFolder<T extends TreeNode>(node: T, load: FolderLoader): T {
  const raised: Diagnostic[] = [];
  node.raised = raised;
  node.children = lazy(() => load(raised));
  return node;
}

/**
 * The diagnostics raised by `root` and everything below it that `enter` lets the walk load, in
 * tree order. Iterative, so a deep tree cannot exhaust the stack.
 */
export async function raisedBelow(root: TreeNode, enter: (node: TreeNode) => boolean): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const pending: TreeNode[] = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const children = node === root || enter(node) ? await childrenOf(node) : [];
    for (const diagnostic of node.raised ?? []) found.push(diagnostic);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) pending.push(child);
    }
  }
  return found;
}

/**
 * Folders and memories: what `info` and `verify` load. Not the page folders of entries decoded
 * from a memory (possibly millions), nor archives inside the snapshot (opening them inflates them).
 */
export function isFolderOrMemory(node: TreeNode): boolean {
  return (node.kind === 'dir' && !node.pageGroup) || node.kind === 'memory';
}

export function fixedChildren(children: TreeNode[]): () => Promise<TreeNode[]> {
  return () => Promise.resolve(children);
}

export function dirNode(name: string, children: TreeNode[], extra: Partial<TreeNode> = {}): TreeNode {
  return { name, kind: 'dir', size: 0, attrs: {}, ...extra, children: fixedChildren(children) };
}

export async function childrenOf(node: TreeNode): Promise<TreeNode[]> {
  return node.children ? node.children() : [];
}

export async function findNode(root: TreeNode, segments: readonly string[]): Promise<TreeNode | undefined> {
  let node: TreeNode | undefined = root;
  for (const segment of segments) {
    if (!node) return undefined;
    const children: TreeNode[] = await childrenOf(node);
    node = children.find((child) => child.name === segment);
  }
  return node;
}

export interface WalkEntry {
  node: TreeNode;
  segments: string[];
}

/** Depth-first, parents before children, children in their stored order. */
export function walk(root: TreeNode, prefix: string[] = []): AsyncGenerator<WalkEntry> {
  return walkWhere(
    root,
    prefix,
    () => true,
    () => true,
  );
}

/**
 * Every memory image, top level and nested (virtual memories), in tree order. Other children of
 * a memory are contents decoded from its bytes (stable-structure entries, possibly millions), so
 * the walk does not enter them; a file with children is an archive inside the snapshot, and opening
 * it to look for memories would inflate it.
 */
export function walkMemories(root: TreeNode, prefix: string[] = []): AsyncGenerator<WalkEntry> {
  return walkWhere(
    root,
    prefix,
    (node, parent) => node.kind === 'memory' || (node.kind === 'dir' && parent.kind !== 'memory'),
    (node) => node.kind === 'memory',
  );
}

/**
 * The walk both share, with a stack instead of recursion so a tree thousands of levels deep costs
 * memory, not call stack. `enter` says which nodes the walk goes through, `show` which it yields.
 */
async function* walkWhere(
  root: TreeNode,
  prefix: string[],
  enter: (node: TreeNode, parent: TreeNode) => boolean,
  show: (node: TreeNode) => boolean,
): AsyncGenerator<WalkEntry> {
  const stack = [{ parent: root, children: await childrenOf(root), next: 0, segments: prefix }];
  for (let top = stack[0]; top; top = stack[stack.length - 1]) {
    const child = top.children[top.next++];
    if (!child) {
      stack.pop();
      continue;
    }
    if (!enter(child, top.parent)) continue;
    const segments = [...top.segments, child.name];
    if (show(child)) yield { node: child, segments };
    stack.push({ parent: child, children: await childrenOf(child), next: 0, segments });
  }
}

const totalSizes = new WeakMap<TreeNode, Promise<number>>();

/** Size of a node with everything below it; computed once per node. */
export function treeSize(node: TreeNode): Promise<number> {
  let cached = totalSizes.get(node);
  if (!cached) {
    cached = computeTreeSize(node);
    totalSizes.set(node, cached);
  }
  return cached;
}

/** Sums the files below `node` with a stack, not recursion, caching every folder's total on the way. */
async function computeTreeSize(node: TreeNode): Promise<number> {
  if (node.kind !== 'dir') return node.size;
  const pending: { folder: TreeNode; children: readonly TreeNode[]; next: number; total: number }[] = [
    { folder: node, children: await childrenOf(node), next: 0, total: 0 },
  ];
  for (;;) {
    const top = pending[pending.length - 1];
    if (!top) return 0;
    const child = top.children[top.next++];
    if (child === undefined) {
      pending.pop();
      const parent = pending[pending.length - 1];
      if (!parent) return top.total;
      if (!totalSizes.has(top.folder)) totalSizes.set(top.folder, Promise.resolve(top.total));
      parent.total += top.total;
    } else if (child.kind !== 'dir') {
      top.total += child.size;
    } else if (totalSizes.has(child)) {
      top.total += (await totalSizes.get(child)) ?? 0;
    } else {
      pending.push({ folder: child, children: await childrenOf(child), next: 0, total: 0 });
    }
  }
}

/** The bytes to print for a node: its redacted copy when it has one, else its content. */
export function printable(node: TreeNode): Source | undefined {
  return node.shown ?? node.content;
}
