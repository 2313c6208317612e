import type { FileChange, FileChangeKind, DiffResult, MemoryChange } from '../diff/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { childrenOf, type TreeNode } from '../model/tree.js';

/** How an entry of the diff tree changed; `inside` marks a folder with changes below it. */
export type Mark = FileChangeKind | 'unchanged' | 'inside';

/** One row's subject: a tree node (browse) or a pair of nodes with their change (diff). */
export interface Entry {
  /** Path from the snapshot root, `/`-joined; the root is ''. */
  path: string;
  name: string;
  /** The name in lower case, made once: search compares it on every key typed. */
  lowerName: string;
  /** The node shown: the after side in a diff, the before side when removed. */
  node: TreeNode;
  before?: TreeNode;
  mark?: Mark;
  change?: FileChange;
  memoryChange?: MemoryChange;
}

/** Loads the children of an entry; browse and diff trees differ only here. */
export type ChildLoader = (entry: Entry) => Promise<Entry[]>;

export const joinPath = (parent: string, name: string): string => (parent === '' ? name : `${parent}/${name}`);

export function rootEntry(root: TreeNode): Entry {
  return { path: '', name: root.name, lowerName: root.name.toLowerCase(), node: root };
}

export const browseChildren: ChildLoader = async (entry) =>
  (await childrenOf(entry.node)).map((node) => ({
    path: joinPath(entry.path, node.name),
    name: node.name,
    lowerName: node.name.toLowerCase(),
    node,
  }));

/** A file whose content differs on both sides: its view is a diff rather than its text. */
export function hasContentDiff(entry: Entry): boolean {
  return entry.change?.change === 'modified' && Boolean(entry.change.fields?.includes('content'));
}

export function isExpandable(entry: Entry): boolean {
  return Boolean(entry.node.children ?? entry.before?.children);
}

/** The changes of a diff indexed by path, with the change kinds found below each folder. */
export interface DiffIndex {
  files: Map<string, FileChange>;
  memory: Map<string, MemoryChange>;
  below: Map<string, Set<FileChangeKind>>;
}

export function indexDiff(result: DiffResult): DiffIndex {
  const files = new Map(result.files.map((change) => [change.path, change]));
  // Every compared memory is listed, also when it is the same; only changed ones are marked.
  const changed = result.memory.filter(
    (change) => change.changedPages.length + change.addedPages.length + change.removedPages.length > 0,
  );
  const memory = new Map(changed.map((change) => [change.path, change]));
  const below = new Map<string, Set<FileChangeKind>>();
  const note = (path: string, kind: FileChangeKind): void => {
    for (let slash = path.lastIndexOf('/'); ; slash = path.lastIndexOf('/', slash - 1)) {
      const parent = slash < 0 ? '' : path.slice(0, slash);
      const kinds = below.get(parent) ?? new Set<FileChangeKind>();
      kinds.add(kind);
      below.set(parent, kinds);
      if (slash < 0) break;
    }
  };
  for (const change of result.files) note(change.path, change.change);
  for (const change of changed) note(change.path, 'modified');
  return { files, memory, below };
}

/** Children of a diff entry: the union of both sides by name, each marked with its change. */
export function diffChildren(index: DiffIndex): ChildLoader {
  return async (entry) => {
    const [before, after] = await Promise.all([
      entry.before ? childrenOf(entry.before) : [],
      entry.mark === 'removed' ? [] : childrenOf(entry.node),
    ]);
    const afterByName = new Map(after.map((node) => [node.name, node]));
    const beforeByName = new Map(before.map((node) => [node.name, node]));
    const names = [
      ...after.map((node) => node.name),
      ...before.filter((node) => !afterByName.has(node.name)).map((node) => node.name),
    ];
    return names.map((name) => {
      const path = joinPath(entry.path, name);
      const node = (afterByName.get(name) ?? beforeByName.get(name)) as TreeNode;
      return {
        path,
        name,
        lowerName: name.toLowerCase(),
        node,
        before: beforeByName.get(name),
        ...diffMark(index, path),
      };
    });
  };
}

function diffMark(index: DiffIndex, path: string): Pick<Entry, 'mark' | 'change' | 'memoryChange'> {
  const change = index.files.get(path);
  if (change) return { mark: change.change, change };
  const memoryChange = index.memory.get(path);
  if (memoryChange) return { mark: 'modified', memoryChange };
  return { mark: index.below.has(path) ? 'inside' : 'unchanged' };
}

export function diffRootEntry(before: TreeNode, after: TreeNode): Entry {
  return { path: '', name: after.name, lowerName: after.name.toLowerCase(), node: after, before, mark: 'inside' };
}

/** Paths with a diagnostic, and the folders above them, so a marker leads the way down. */
export function diagnosticPaths(diagnostics: readonly Diagnostic[]): Set<string> {
  const paths = new Set<string>();
  for (const { path } of diagnostics) {
    if (path === undefined) continue;
    const segments = path.split('/').filter(Boolean);
    for (let length = 1; length <= segments.length; length++) paths.add(segments.slice(0, length).join('/'));
  }
  return paths;
}
