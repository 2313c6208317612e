import type { Action } from './keys.js';
import type { DiffIndex, Entry } from './entries.js';
import type { SortKey } from './sort.js';
import { defaultHidden, toggledKind, toggleKind } from './filter.js';
import {
  applyScan,
  cancelSearch,
  clearNameFilter,
  finishTyping,
  stepMatch,
  typeSearch,
  type ScanResult,
} from './search.js';
import { moveTo, relayout, scrolled, type TreeState } from './tree-layout.js';

export type { NameFilter, Row, Search, TreeState } from './tree-layout.js';
export { selectedEntry } from './tree-layout.js';

export type TreeAction =
  | { type: 'key'; action: Action }
  | { type: 'loaded'; path: string; children: Entry[] }
  | { type: 'sizes'; sizes: [string, number][] }
  | { type: 'resize'; height: number }
  | { type: 'searchText'; text: string }
  | { type: 'searchDone' }
  | { type: 'searchCancel' }
  | { type: 'scanned'; result: ScanResult }
  | { type: 'clearNameFilter' };

export function initialTree(root: Entry, height: number, diff: DiffIndex | null = null): TreeState {
  const base: TreeState = {
    root,
    children: new Map(),
    expanded: new Set(['']),
    loading: new Set(['']),
    sizes: new Map(),
    sort: null,
    hidden: diff ? defaultHidden : null,
    diff,
    rows: [],
    cursor: 0,
    top: 0,
    height: Math.max(1, height),
    search: null,
    nameFilter: null,
  };
  return base;
}

export function treeReducer(state: TreeState, action: TreeAction): TreeState {
  switch (action.type) {
    case 'loaded': {
      const loading = new Set(state.loading);
      loading.delete(action.path);
      return relayout({ ...state, loading, children: new Map(state.children).set(action.path, action.children) });
    }
    case 'sizes':
      return relayout({ ...state, sizes: new Map([...state.sizes, ...action.sizes]) }, state.sort?.key === 'size');
    case 'resize':
      return scrolled({ ...state, height: Math.max(1, action.height) });
    case 'searchText':
      return typeSearch(state, action.text);
    case 'searchDone':
      return finishTyping(state);
    case 'searchCancel':
      return cancelSearch(state);
    case 'scanned':
      return applyScan(state, action.result);
    case 'clearNameFilter':
      return clearNameFilter(state);
    case 'key':
      return keyAction(state, action.action);
  }
}

function keyAction(state: TreeState, action: Action): TreeState {
  const page = Math.max(1, state.height - 1);
  switch (action) {
    case 'up':
      return moveTo(state, state.cursor - 1);
    case 'down':
      return moveTo(state, state.cursor + 1);
    case 'top':
      return moveTo(state, 0);
    case 'bottom':
      return moveTo(state, state.rows.length - 1);
    case 'pageUp':
      return moveTo(state, state.cursor - page);
    case 'pageDown':
      return moveTo(state, state.cursor + page);
    case 'expand':
      return setOpen(state, true);
    case 'toggle':
      return setOpen(state, !state.rows[state.cursor]?.expanded);
    case 'collapse':
      return collapseOrParent(state);
    case 'sortName':
      return sortBy(state, 'name');
    case 'sortSize':
      return sortBy(state, 'size');
    case 'sortMtime':
      return sortBy(state, 'mtime');
    case 'search':
      return { ...state, search: { text: '', editing: true, origin: state.cursor, matches: null, index: 0 } };
    case 'nextMatch':
      return stepMatch(state, 1);
    case 'previousMatch':
      return stepMatch(state, -1);
    default:
      return toggleFilter(state, action);
  }
}

function toggleFilter(state: TreeState, action: Action): TreeState {
  const kind = toggledKind(action);
  if (kind === undefined || state.hidden === null) return state;
  return relayout({ ...state, hidden: toggleKind(state.hidden, kind) });
}

function setOpen(state: TreeState, open: boolean): TreeState {
  const row = state.rows[state.cursor];
  if (!row?.expandable || row.expanded === open) return state;
  const expanded = new Set(state.expanded);
  const loading = new Set(state.loading);
  if (open) {
    expanded.add(row.entry.path);
    if (!state.children.has(row.entry.path)) loading.add(row.entry.path);
  } else {
    expanded.delete(row.entry.path);
  }
  return relayout({ ...state, expanded, loading });
}

function collapseOrParent(state: TreeState): TreeState {
  const row = state.rows[state.cursor];
  if (!row) return state;
  if (row.expanded) return setOpen(state, false);
  for (let index = state.cursor - 1; index >= 0; index--) {
    if ((state.rows[index]?.depth ?? 0) < row.depth) return moveTo(state, index);
  }
  return state;
}

function sortBy(state: TreeState, key: SortKey): TreeState {
  const reverse = state.sort?.key === key ? !state.sort.reverse : false;
  return relayout({ ...state, sort: { key, reverse } });
}
