import type { DiffResult } from '../diff/types.js';
import type { Snapshot } from '../model/snapshot.js';
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

/** What the UI shows: one snapshot, or two and their diff. Built once the inputs are open. */
export type ViewModel =
  | { kind: 'browse'; snapshot: Snapshot; root: Entry; load: ChildLoader; flagged: ReadonlySet<string> }
  | {
      kind: 'diff';
      before: Snapshot;
      after: Snapshot;
      result: DiffResult;
      index: DiffIndex;
      root: Entry;
      load: ChildLoader;
      flagged: ReadonlySet<string>;
    };

export function browseModel(snapshot: Snapshot): ViewModel {
  return {
    kind: 'browse',
    snapshot,
    root: rootEntry(snapshot.root),
    load: browseChildren,
    flagged: diagnosticPaths(snapshot.diagnostics),
  };
}

export function diffModel(before: Snapshot, after: Snapshot, result: DiffResult): ViewModel {
  const index = indexDiff(result);
  return {
    kind: 'diff',
    before,
    after,
    result,
    index,
    root: diffRootEntry(before.root, after.root),
    load: diffChildren(index),
    flagged: diagnosticPaths(after.diagnostics),
  };
}
