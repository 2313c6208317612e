import type { Diagnostic } from './diagnostics.js';
import type { MetaRecord, Instant } from './metadata.js';
import type { Source } from './source.js';

export type NodeKind = 'dir' | 'file' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'memory' | 'record' | 'whiteout';

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
  content?: Source;
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
export async function* walk(root: TreeNode, prefix: string[] = []): AsyncGenerator<WalkEntry> {
  for (const child of await childrenOf(root)) {
    const segments = [...prefix, child.name];
    yield { node: child, segments };
    yield* walk(child, segments);
  }
}

/**
 * Every memory image, top level and nested (virtual memories), in tree order. Other children of
 * a memory are contents decoded from its bytes (stable-structure entries, possibly millions), so
 * the walk does not enter them.
 */
export async function* walkMemories(root: TreeNode, prefix: string[] = []): AsyncGenerator<WalkEntry> {
  for (const child of await childrenOf(root)) {
    if (root.kind === 'memory' && child.kind !== 'memory') continue;
    const segments = [...prefix, child.name];
    if (child.kind === 'memory') yield { node: child, segments };
    // A file with children is an archive inside the snapshot: opening it to look for memories would inflate it.
    if (child.kind === 'dir' || child.kind === 'memory') yield* walkMemories(child, segments);
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

async function computeTreeSize(node: TreeNode): Promise<number> {
  if (node.kind !== 'dir') return node.size;
  let total = 0;
  for (const child of await childrenOf(node)) total += await treeSize(child);
  return total;
}
