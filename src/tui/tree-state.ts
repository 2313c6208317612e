import { parentPath } from '../model/paths.js';
import type { Action } from './keys.js';
import { isExpandable, type DiffIndex, type Entry } from './entries.js';
import { sortOrder, type Order, type Sort, type SortKey } from './sort.js';
import { defaultHidden, passesFilter, toggledKind, toggleKind, type FilterKind } from './filter.js';

export interface Row {
  entry: Entry;
  depth: number;
  expandable: boolean;
  expanded: boolean;
  loading: boolean;
}

export interface Search {
  text: string;
  /** True while the text is being typed; keys go to the search line. */
  editing: boolean;
  /** The row the search started from: typing searches again from there. */
  origin: number;
}

/** The tree pane: which folders are open, what is loaded, the rows that result and the cursor. */
export interface TreeState {
  root: Entry;
  children: ReadonlyMap<string, Entry[]>;
  expanded: ReadonlySet<string>;
  loading: ReadonlySet<string>;
  /** Folder sizes with everything below, filled in as they are computed. */
  sizes: ReadonlyMap<string, number>;
  sort: Sort | null;
  /** What the diff filter hides; null in the browse view. */
  hidden: ReadonlySet<FilterKind> | null;
  diff: DiffIndex | null;
  rows: Row[];
  cursor: number;
  top: number;
  height: number;
  search: Search | null;
}

export type TreeAction =
  | { type: 'key'; action: Action }
  | { type: 'loaded'; path: string; children: Entry[] }
  | { type: 'sizes'; sizes: [string, number][] }
  | { type: 'resize'; height: number }
  | { type: 'searchText'; text: string }
  | { type: 'searchDone' }
  | { type: 'searchCancel' };

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
      return findMatch(
        { ...state, search: { text: action.text, editing: true, origin: state.search?.origin ?? state.cursor } },
        state.search?.origin ?? state.cursor,
        1,
      );
    case 'searchDone':
      return state.search
        ? { ...state, search: state.search.text ? { ...state.search, editing: false } : null }
        : state;
    case 'searchCancel':
      return scrolled({ ...state, cursor: state.search?.origin ?? state.cursor, search: null });
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
      return { ...state, search: { text: '', editing: true, origin: state.cursor } };
    case 'nextMatch':
      return findMatch(state, state.cursor + 1, 1);
    case 'previousMatch':
      return findMatch(state, state.cursor - 1, -1);
    default:
      return toggleFilter(state, action);
  }
}

function toggleFilter(state: TreeState, action: Action): TreeState {
  const kind = toggledKind(action);
  if (kind === undefined || state.hidden === null) return state;
  return relayout({ ...state, hidden: toggleKind(state.hidden, kind) });
}

function moveTo(state: TreeState, cursor: number): TreeState {
  return scrolled({ ...state, cursor: Math.max(0, Math.min(cursor, state.rows.length - 1)) });
}

/** Keeps the cursor inside the visible window. */
function scrolled(state: TreeState): TreeState {
  const cursor = Math.max(0, Math.min(state.cursor, state.rows.length - 1));
  const top = Math.max(0, Math.min(state.top, cursor, Math.max(0, state.rows.length - state.height)));
  return { ...state, cursor, top: cursor >= top + state.height ? cursor - state.height + 1 : top };
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

function findMatch(state: TreeState, from: number, step: 1 | -1): TreeState {
  const needle = state.search?.text.toLowerCase();
  if (!needle) return state;
  const count = state.rows.length;
  for (let offset = 0; offset < count; offset++) {
    const index = (((from + offset * step) % count) + count) % count;
    if (state.rows[index]?.entry.lowerName.includes(needle)) return moveTo(state, index);
  }
  return state;
}

/** Rebuilds the rows after the open folders, the loaded children, the sort or the filter changed; the cursor stays on its entry. */
function relayout(state: TreeState, needed = true): TreeState {
  if (!needed) return state;
  // Entries keep their identity across layouts: comparing them is cheaper than comparing 100k paths.
  const selected = state.rows[state.cursor]?.entry;
  const rows: Row[] = [];
  appendRows(state, state.root, 0, rows);
  const kept = selected === undefined ? -1 : rows.findIndex((row) => row.entry === selected);
  return scrolled({ ...state, rows, cursor: kept >= 0 ? kept : Math.min(state.cursor, rows.length - 1) });
}

function appendRows(state: TreeState, parent: Entry, depth: number, rows: Row[]): void {
  const children = state.children.get(parent.path);
  if (!children) return;
  const order = state.sort ? sortOrder(children, state.sort, state.sizes) : null;
  if (!hasOpenChild(state, parent.path)) {
    for (const row of closedRows(state, children, order, depth)) rows.push(row);
    return;
  }
  for (const entry of order ? order.map((index) => children[index] as Entry) : children) {
    if (!shown(state, entry)) continue;
    const expandable = isExpandable(entry);
    const expanded = expandable && state.expanded.has(entry.path);
    rows.push({ entry, depth, expandable, expanded, loading: state.loading.has(entry.path) });
    if (expanded) appendRows(state, entry, depth + 1, rows);
  }
}

const shown = (state: TreeState, entry: Entry): boolean =>
  !state.hidden || !state.diff || passesFilter(state.hidden, state.diff, entry);

/** Whether a folder has an expanded or loading child; the sets hold the few folders a user opened. */
function hasOpenChild(state: TreeState, folder: string): boolean {
  const isChild = (path: string): boolean => path !== '' && parentPath(path) === folder;
  for (const path of state.expanded) if (isChild(path)) return true;
  for (const path of state.loading) if (isChild(path)) return true;
  return false;
}

/** A folder's children as closed rows, made once: every order and filter picks from them. */
const baseRows = new WeakMap<Entry[], Row[]>();
/** The rows of a closed folder per order, for the filter they were made with. */
const closedCache = new WeakMap<Order | Entry[], { hidden: TreeState['hidden']; rows: Row[] }>();

/**
 * The rows of a folder none of whose children is open. Moving through, sorting back and filtering
 * a folder of 100k entries then copies rows instead of making them.
 */
function closedRows(state: TreeState, children: Entry[], order: Order | null, depth: number): Row[] {
  const key = order ?? children;
  const cached = closedCache.get(key);
  if (cached && cached.hidden === state.hidden && cached.rows[0]?.depth === depth) return cached.rows;
  let base = baseRows.get(children);
  if (base?.[0]?.depth !== depth) {
    base = children.map((entry): Row => ({
      entry,
      depth,
      expandable: isExpandable(entry),
      expanded: false,
      loading: false,
    }));
    baseRows.set(children, base);
  }
  const all = order ? order.map((index) => base[index] as Row) : base;
  const rows = state.hidden ? all.filter((row) => shown(state, row.entry)) : all;
  closedCache.set(key, { hidden: state.hidden, rows });
  return rows;
}

export function selectedEntry(state: TreeState): Entry | undefined {
  return state.rows[state.cursor]?.entry;
}
