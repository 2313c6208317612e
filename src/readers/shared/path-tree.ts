import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { sortByName } from '../../model/paths.js';
import { fixedChildren, type TreeNode } from '../../model/tree.js';
import { limits } from './limits.js';

/** How a format names its conflicts and which of its nodes hold members. */
export interface PathTreeRules<T extends TreeNode> {
  /** Code for a member below something that is not a folder (e.g. `TAR_NOT_A_DIRECTORY`). */
  notADirectory: string;
  /** Code for a name that appears twice, the later member replacing the earlier (e.g. `TAR_DUPLICATE`). */
  duplicate: string;
  /** Prefix of every reported path, for trees nested inside another archive. */
  where?: string;
  /** Which nodes may have members below them: folders in an archive (the default); any node in a manifest. */
  holdsChildren?: (node: T) => boolean;
}

export interface PathTree<T extends TreeNode> {
  root: T;
  /** Every node by its normalised path ('' is the root), parents before children, siblings in byte order. */
  byPath: Map<string, T>;
}

/**
 * A filesystem assembled from members named by path, the way extraction builds it: parents the list leaves
 * out become plain folders, a later member replaces an earlier one of the same name (a folder listed twice
 * keeps its children and takes the later attributes), and a member below a non-folder turns that into a
 * folder. Every step is a lookup per path segment, so the cost follows the total length of the names.
 */
export class PathTreeBuilder<T extends TreeNode> {
  private readonly folders = new Map<T, Map<string, T>>();

  private readonly where: string;
  private readonly holdsChildren: (node: T) => boolean;

  constructor(
    readonly root: T,
    private readonly rules: PathTreeRules<T>,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.where = rules.where ?? '';
    this.holdsChildren = rules.holdsChildren ?? ((node) => node.kind === 'dir');
    this.folders.set(root, new Map());
  }

  /** Puts `node` at `segments` (at least one); a path deeper than `pathDepth` is reported and left out. */
  place(segments: readonly string[], node: T): void {
    if (segments.length > limits.pathDepth) return this.tooDeep(segments);
    const siblings = this.folderAt(segments);
    const name = segments[segments.length - 1] ?? '';
    const existing = siblings.get(name);
    if (existing?.kind === 'dir' && node.kind === 'dir') {
      const { name: _name, children: _children, ...fields } = node;
      Object.assign(existing, fields);
      return;
    }
    if (existing)
      this.report(
        'info',
        this.rules.duplicate,
        segments,
        'appears more than once; the later member wins, as on extraction',
      );
    siblings.set(name, node);
    if (this.holdsChildren(node)) this.folders.set(node, new Map());
  }

  /** Only the start of the name is quoted: a path this deep is hundreds of kilobytes long. */
  private tooDeep(segments: readonly string[]): void {
    const shown = this.where + segments.slice(0, 8).join('/');
    const message = `a member ${segments.length} folders deep (${shown}/…) is over the pathDepth limit of ${limits.pathDepth} and is not listed`;
    this.diagnostics.push(diagnostic('warning', 'PATH_TOO_DEEP', message, shown));
  }

  /** Gives every folder its children in byte order and indexes the tree by path, in pre-order. */
  build(): PathTree<T> {
    const byPath = new Map<string, T>();
    const pending: [T, string][] = [[this.root, '']];
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [node, path] = next;
      byPath.set(path, node);
      const folder = this.folders.get(node);
      if (!folder || (folder.size === 0 && node.kind !== 'dir')) continue;
      const children = sortByName([...folder.values()]);
      node.children = fixedChildren([...children]);
      for (const child of children.reverse()) pending.push([child, path ? `${path}/${child.name}` : child.name]);
    }
    return { root: this.root, byPath };
  }

  /** The children map of the folder holding `segments`, creating (or turning into folders) what is missing. */
  private folderAt(segments: readonly string[]): Map<string, T> {
    let folder = this.root;
    for (let depth = 0; depth < segments.length - 1; depth++) {
      const children = this.folders.get(folder) ?? new Map<string, T>();
      const name = segments[depth] ?? '';
      let child = children.get(name);
      if (child && !this.holdsChildren(child)) {
        this.report(
          'warning',
          this.rules.notADirectory,
          segments.slice(0, depth + 1),
          `is a ${child.kind} but later members sit below it; it is shown as a directory`,
        );
        child = undefined;
      }
      if (!child) {
        // What a node type adds to TreeNode is optional, so a bare folder is one of them.
        child = { name, kind: 'dir', size: 0, attrs: {} } as T;
        children.set(name, child);
        this.folders.set(child, new Map());
      }
      folder = child;
    }
    return this.folders.get(folder) ?? new Map();
  }

  private report(severity: 'info' | 'warning', code: string, segments: readonly string[], what: string): void {
    const path = this.where + segments.join('/');
    this.diagnostics.push(diagnostic(severity, code, `${path} ${what}`, path));
  }
}
