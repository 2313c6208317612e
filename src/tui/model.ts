import type { SecretsPolicy } from '../app/printed.js';
import type { DiffResult } from '../diff/types.js';
import type { ChildSnapshot, Snapshot } from '../model/snapshot.js';
import {
  browseChildren,
  diagnosticPaths,
  diffChildren,
  diffRootEntry,
  indexDiff,
  rootEntry,
  type ChildLoader,
  type DiffIndex,
  type Entry,
} from './entries.js';

/** The child snapshots `c` lists: the snapshot's own, or in a child without any, its parent's. */
export interface ChildList {
  owner: 'own' | 'parent';
  /** Title of the snapshot the children belong to. */
  title: string;
  children: readonly ChildSnapshot[];
}

/** What the UI shows: one snapshot, or two and their diff. Built once the inputs are open. */
export type ViewModel =
  | {
      kind: 'browse';
      snapshot: Snapshot;
      secrets: SecretsPolicy;
      root: Entry;
      load: ChildLoader;
      flagged: ReadonlySet<string>;
      childList: ChildList;
    }
  | {
      kind: 'diff';
      secrets: SecretsPolicy;
      before: Snapshot;
      after: Snapshot;
      result: DiffResult;
      index: DiffIndex;
      root: Entry;
      load: ChildLoader;
      flagged: ReadonlySet<string>;
    };

/** `parent` is the list the snapshot was picked from, which stays reachable when it has no children of its own. */
export function browseModel(snapshot: Snapshot, secrets: SecretsPolicy, parent?: ChildList): ViewModel {
  const own: ChildList = { owner: 'own', title: snapshot.title, children: snapshot.children };
  return {
    kind: 'browse',
    snapshot,
    secrets,
    root: rootEntry(snapshot.root),
    load: browseChildren,
    flagged: diagnosticPaths(snapshot.diagnostics),
    childList: snapshot.children.length > 0 || !parent ? own : { ...parent, owner: 'parent' },
  };
}

export function childListOf(model: ViewModel): ChildList | null {
  return model.kind === 'browse' ? model.childList : null;
}

export function diffModel(before: Snapshot, after: Snapshot, result: DiffResult, secrets: SecretsPolicy): ViewModel {
  const index = indexDiff(result);
  return {
    kind: 'diff',
    secrets,
    before,
    after,
    result,
    index,
    root: diffRootEntry(before.root, after.root),
    load: diffChildren(index),
    flagged: diagnosticPaths(after.diagnostics),
  };
}
