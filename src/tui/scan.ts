import { useEffect, useRef } from 'react';
import { isExpandable, type ChildLoader, type Entry } from './entries.js';
import { folderSizes } from './loaders.js';
import type { ViewModel } from './model.js';
import type { ScanResult } from './search.js';
import { shown } from './tree-layout.js';
import type { TreeState } from './tree-state.js';
import type { Dispatch, Scan, UiState } from './ui-types.js';

/** How long the scan runs before it lets keys (esc) and a progress frame through. */
const SLICE_MS = 30;

interface Visit {
  entry: Entry;
  /** The visit of the folder above, so a match finds the paths down to it. */
  parent: Visit | null;
}

const chainOf = (visit: Visit): string[] => {
  const chain: string[] = [];
  for (let at: Visit | null = visit; at?.parent; at = at.parent) chain.push(at.entry.path);
  return chain.reverse();
};

export interface ScanOptions {
  tree: TreeState;
  load: ChildLoader;
  scan: Scan;
  cancelled: () => boolean;
  progress: (folders: number, matches: number) => void;
}

/**
 * Walks the whole tree depth-first, in the order the rows show before any sort, loading each
 * folder not yet loaded; entries the diff filter hides are left out. Null once cancelled.
 */
export async function scanTree({ tree, load, scan, cancelled, progress }: ScanOptions): Promise<ScanResult | null> {
  const needle = scan.text.toLowerCase();
  const loaded: [string, Entry[]][] = [];
  const matches: string[][] = [];
  const stack: Visit[] = [{ entry: tree.root, parent: null }];
  // The scan looks through the name filter, so a new filter can find what the old one hid.
  const unfiltered: TreeState = { ...tree, nameFilter: null };
  let folders = 0;
  let sliceStart = Date.now();
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    if (visit.parent && visit.entry.lowerName.includes(needle)) matches.push(chainOf(visit));
    if (!isExpandable(visit.entry) && visit.parent) continue;
    let children = tree.children.get(visit.entry.path);
    if (!children) {
      children = await load(visit.entry).catch(() => []);
      loaded.push([visit.entry.path, children]);
    }
    folders++;
    for (let index = children.length - 1; index >= 0; index--) {
      const entry = children[index] as Entry;
      if (shown(unfiltered, entry)) stack.push({ entry, parent: visit });
    }
    if (Date.now() - sliceStart >= SLICE_MS) {
      progress(folders, matches.length);
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled()) return null;
      sliceStart = Date.now();
    }
  }
  return cancelled() ? null : { purpose: scan.purpose, text: scan.text, loaded, matches };
}

/**
 * The folders on the way to a match whose size is not known yet: they show now, and were loaded by
 * this scan or an earlier one rather than opened, which is when sizes are computed otherwise.
 */
function shownFolders(tree: TreeState, { loaded, matches }: ScanResult): Entry[] {
  const onTheWay = new Set<string>();
  for (const chain of matches) for (const path of chain) if (!tree.sizes.has(path)) onTheWay.add(path);
  const folders: Entry[] = [];
  const lists = [...tree.children.values(), ...loaded.map(([, children]) => children)];
  for (const children of lists) for (const entry of children) if (onTheWay.delete(entry.path)) folders.push(entry);
  return folders;
}

/** Runs the scan the reducer asked for; a newer scan or leaving the view drops the answer. */
export function useScan(state: UiState, model: ViewModel, dispatch: Dispatch): void {
  const latest = useRef(state.tree);
  latest.current = state.tree;
  // The scan's end clears the scan and so its effect; the sizes after it stop only when the view goes.
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  const scan = state.scan;
  const id = scan?.id;
  useEffect(() => {
    if (!scan) return;
    let cancelled = false;
    scanTree({
      tree: latest.current,
      load: model.load,
      scan,
      cancelled: () => cancelled,
      progress: (folders, matches) => dispatch({ type: 'scanProgress', id: scan.id, folders, matches }),
    })
      .then((result) => {
        if (!result) return;
        dispatch({ type: 'scanDone', id: scan.id, result });
        return folderSizes(
          shownFolders(latest.current, result),
          (sizes) => dispatch({ type: 'tree', action: { type: 'sizes', sizes } }),
          () => !alive.current,
        );
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
    // Progress changes the scan object; only a new scan starts a walk.
  }, [id, model, dispatch]);
}
