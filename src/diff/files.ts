import { childrenOf, type TreeNode } from '../model/tree.js';
import { sha256Of } from '../model/source.js';
import { firstDifference } from './content.js';
import { globMatcher } from './glob.js';
import { canonical } from './metadata.js';
import type { DiffOptions, EntrySide, FileChange } from './types.js';
import { sortByName } from '../model/paths.js';

/** One name in a directory of either snapshot, with the change it carries (none when unchanged). */
export interface EntryDiff {
  name: string;
  path: string;
  before?: TreeNode;
  after?: TreeNode;
  change?: FileChange;
}

const ATTR_FIELDS: [string, (node: TreeNode) => unknown][] = [
  ['owner', (node) => `${String(node.attrs.uname ?? '')}:${String(node.attrs.gname ?? '')}`],
  [
    'xattrs',
    (node) =>
      JSON.stringify(
        Object.entries(node.attrs)
          .filter(([key]) => key.startsWith('xattr '))
          .map(([key, value]) => [key, canonical(value)]),
      ),
  ],
  ['device', (node) => node.attrs.device],
];

/**
 * Compares two trees one directory at a time and remembers each answer, so a viewer can expand
 * only what it shows while a report walks everything; neither tree is modified.
 */
export class TreeDiffer {
  private readonly memo = new Map<string, Promise<EntryDiff[]>>();
  /** Every entry compared so far, by path, for rename detection. */
  readonly seen = new Map<string, EntryDiff>();
  private readonly excluded: (path: string) => boolean;

  constructor(
    private readonly before: TreeNode,
    private readonly after: TreeNode,
    private readonly options: DiffOptions,
  ) {
    this.excluded = globMatcher(options.exclude);
  }

  /** Entries of the directory at `path` ('' = root) on either side; `pair` skips finding it again. */
  entries(path: string, pair?: Pick<EntryDiff, 'before' | 'after'>): Promise<EntryDiff[]> {
    let pending = this.memo.get(path);
    if (!pending) {
      pending = this.compareDirectory(path, pair);
      this.memo.set(path, pending);
    }
    return pending;
  }

  /** Every change below the root, parents before children; a stack, not recursion, however deep the tree. */
  async *changes(path = '', pair?: Pick<EntryDiff, 'before' | 'after'>): AsyncGenerator<FileChange> {
    const isDir = (node?: TreeNode): boolean => node !== undefined && node.children !== undefined;
    const stack = [{ entries: await this.entries(path, pair), next: 0 }];
    for (let top = stack[0]; top; top = stack[stack.length - 1]) {
      const entry = top.entries[top.next++];
      if (!entry) {
        stack.pop();
        continue;
      }
      if (entry.change) yield entry.change;
      if ((isDir(entry.before) || isDir(entry.after)) && !(await sameMemory(entry)))
        stack.push({ entries: await this.entries(entry.path, entry), next: 0 });
    }
  }

  private async compareDirectory(path: string, pair?: Pick<EntryDiff, 'before' | 'after'>): Promise<EntryDiff[]> {
    const [left, right] = pair
      ? [pair.before, pair.after]
      : await Promise.all([this.nodeAt(this.before, path), this.nodeAt(this.after, path)]);
    const [leftChildren, rightChildren] = await Promise.all([ungrouped(left, path), ungrouped(right, path)]);
    const byName = new Map<string, EntryDiff>();
    const entryFor = (name: string, entryPath: string): EntryDiff => {
      let entry = byName.get(name);
      if (!entry) byName.set(name, (entry = { name, path: entryPath }));
      return entry;
    };
    for (const child of leftChildren) entryFor(child.node.name, child.path).before = child.node;
    // An entry that moved to another page is reported where it is now.
    for (const child of rightChildren)
      Object.assign(entryFor(child.node.name, child.path), { after: child.node, path: child.path });
    const entries = [...byName.values()].filter((entry) => !this.excluded(entry.path));
    for (const entry of entries) {
      this.seen.set(entry.path, entry);
      const change = await this.compareEntry(entry);
      if (change) entry.change = change;
    }
    return sortByName(entries);
  }

  private async nodeAt(root: TreeNode, path: string): Promise<TreeNode | undefined> {
    let node: TreeNode | undefined = root;
    for (const segment of path ? path.split('/') : []) {
      node = node ? (await childrenOf(node)).find((child) => child.name === segment) : undefined;
    }
    return node;
  }

  private async compareEntry({ path, before, after }: EntryDiff): Promise<FileChange | undefined> {
    const stub = Boolean(before?.flags?.includes('stub') || after?.flags?.includes('stub'));
    const base = {
      path,
      ...(before ? { before: side(before) } : {}),
      ...(after ? { after: side(after) } : {}),
      ...(stub ? { stub } : {}),
    };
    if (!before || !after) return { ...base, change: before ? 'removed' : 'added' };
    // Memory images are compared page by page in the memory section.
    if (before.kind === 'memory' && after.kind === 'memory') return undefined;
    if (before.kind !== after.kind) return { ...base, change: 'modified', fields: ['kind'] };
    const contentChange = await this.compareContent(before, after);
    const fields = this.metadataFields(before, after);
    if (contentChange)
      return { ...base, change: 'modified', ...contentChange, fields: [...contentChange.fields, ...fields] };
    return fields.length ? { ...base, change: 'metadata', fields } : undefined;
  }

  private async compareContent(
    before: TreeNode,
    after: TreeNode,
  ): Promise<{ fields: string[]; firstDifference?: number } | undefined> {
    if (before.kind === 'dir') return undefined;
    if (before.content && after.content) {
      const difference = await firstDifference(before.content, after.content);
      if (difference === null) return undefined;
      return { fields: before.size === after.size ? ['content'] : ['size', 'content'], firstDifference: difference };
    }
    if ((before.sha256 || before.content) && (after.sha256 || after.content)) {
      const [left, right] = await Promise.all([digestOf(before), digestOf(after)]);
      if (left === right) return undefined;
      return { fields: before.size === after.size ? ['content'] : ['size', 'content'] };
    }
    if (before.kind === 'record' && canonical(before.attrs) !== canonical(after.attrs)) return { fields: ['attrs'] };
    return before.size === after.size ? undefined : { fields: ['size'] };
  }

  private metadataFields(before: TreeNode, after: TreeNode): string[] {
    const fields: string[] = [];
    if (before.mode !== after.mode) fields.push('mode');
    if (before.uid !== after.uid) fields.push('uid');
    if (before.gid !== after.gid) fields.push('gid');
    for (const [field, read] of ATTR_FIELDS) if (read(before) !== read(after)) fields.push(field);
    if (before.linkTarget !== after.linkTarget) fields.push('linkTarget');
    const mtimeCounts = !this.options.ignoreMtime && (before.kind !== 'dir' || this.options.dirMtimes);
    if (mtimeCounts && before.mtime?.epochNs !== after.mtime?.epochNs) fields.push('mtime');
    return fields;
  }
}

/** A directory's children with their paths; the entries of page-group folders stand in for the folders. */
async function ungrouped(dir: TreeNode | undefined, path: string): Promise<{ node: TreeNode; path: string }[]> {
  const children = dir ? await childrenOf(dir) : [];
  const join = (parent: string, name: string): string => (parent ? `${parent}/${name}` : name);
  if (children.length === 0 || !children.every((child) => child.pageGroup))
    return children.map((node) => ({ node, path: join(path, node.name) }));
  const pages = await Promise.all(
    children.map(async (page) =>
      (await childrenOf(page)).map((node) => ({ node, path: join(join(path, page.name), node.name) })),
    ),
  );
  return pages.flat();
}

/** Identical memory images hold identical decoded contents, however many entries those are. */
async function sameMemory({ before, after }: Pick<EntryDiff, 'before' | 'after'>): Promise<boolean> {
  if (before?.kind !== 'memory' || after?.kind !== 'memory' || !before.content || !after.content) return false;
  return (await firstDifference(before.content, after.content)) === null;
}

/** A manifest side knows only digests; the other side is hashed to match. */
async function digestOf(node: TreeNode): Promise<string | undefined> {
  return node.sha256 ?? (node.content ? sha256Of(node.content) : undefined);
}

function side(node: TreeNode): EntrySide {
  return {
    kind: node.kind,
    size: node.size,
    ...(node.mode !== undefined ? { mode: node.mode } : {}),
    ...(node.linkTarget !== undefined ? { linkTarget: node.linkTarget } : {}),
  };
}

/**
 * Marks added files whose bytes equal a removed file's as renames. Removed files are bucketed by
 * size, and a bucket is hashed once, the first time an added file of that size asks for it, into a
 * digest → paths index: cost follows the files of sizes that occur on both sides, never added × removed.
 */
export async function detectRenames(changes: FileChange[], entries: ReadonlyMap<string, EntryDiff>): Promise<void> {
  const removedBySize = new Map<number, string[]>();
  for (const change of changes) {
    const size = change.before?.size ?? 0;
    if (change.change !== 'removed' || change.before?.kind !== 'file' || size === 0) continue;
    const bucket = removedBySize.get(size);
    if (bucket) bucket.push(change.path);
    else removedBySize.set(size, [change.path]);
  }
  const digestOfSide = async (path: string, sideName: 'before' | 'after'): Promise<string | undefined> => {
    const content = entries.get(path)?.[sideName]?.content;
    return content ? sha256Of(content) : undefined;
  };
  const indexes = new Map<number, Map<string, string[]>>();
  const indexOf = async (size: number, paths: readonly string[]): Promise<Map<string, string[]>> => {
    let index = indexes.get(size);
    if (index) return index;
    index = new Map();
    for (const path of paths) {
      const digest = await digestOfSide(path, 'before');
      if (digest === undefined) continue;
      const same = index.get(digest);
      if (same) same.push(path);
      else index.set(digest, [path]);
    }
    indexes.set(size, index);
    return index;
  };
  for (const change of changes) {
    if (change.change !== 'added' || change.after?.kind !== 'file') continue;
    const size = change.after.size ?? 0;
    const candidates = removedBySize.get(size);
    if (!candidates) continue;
    const index = await indexOf(size, candidates);
    const digest = await digestOfSide(change.path, 'after');
    const source = digest === undefined ? undefined : index.get(digest)?.[0];
    if (source !== undefined) change.renamedFrom = source;
  }
}
