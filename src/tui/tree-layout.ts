import { parentPath } from '../model/paths.js';
import { isExpandable, type DiffIndex, type Entry } from './entries.js';
import { sortOrder, type Order, type Sort } from './sort.js';
import { passesFilter, type FilterKind } from './filter.js';

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
  /** Every match of the whole tree once a scan finished, each as the paths down to it; null before. */
  matches: readonly (readonly string[])[] | null;
  /** The match the cursor went to last, into `matches`. */
  index: number;
}

/** Only entries whose name matched, with the folders above them (dive's ctrl+f). */
export interface NameFilter {
  text: string;
  count: number;
  /** The paths shown; null when nothing matched, so the whole tree stays in view. */
  keep: ReadonlySet<string> | null;
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
  nameFilter: NameFilter | null;
}

export function moveTo(state: TreeState, cursor: number): TreeState {
  return scrolled({ ...state, cursor: Math.max(0, Math.min(cursor, state.rows.length - 1)) });
}

/** Keeps the cursor inside the visible window. */
export function scrolled(state: TreeState): TreeState {
  const cursor = Math.max(0, Math.min(state.cursor, state.rows.length - 1));
  const top = Math.max(0, Math.min(state.top, cursor, Math.max(0, state.rows.length - state.height)));
  return { ...state, cursor, top: cursor >= top + state.height ? cursor - state.height + 1 : top };
}

/** Rebuilds the rows after the open folders, the loaded children, the sort or the filter changed; the cursor stays on its entry. */
export function relayout(state: TreeState, needed = true): TreeState {
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

const keepsFilter = (state: TreeState): ReadonlySet<string> | null => state.nameFilter?.keep ?? null;

/** Whether the diff filter and the name filter let an entry show. */
export function shown(state: TreeState, entry: Entry): boolean {
  const keep = keepsFilter(state);
  if (keep && !keep.has(entry.path)) return false;
  return !state.hidden || !state.diff || passesFilter(state.hidden, state.diff, entry);
}

/** Whether a folder has an expanded or loading child; the sets hold the few folders a user opened. */
function hasOpenChild(state: TreeState, folder: string): boolean {
  const isChild = (path: string): boolean => path !== '' && parentPath(path) === folder;
  for (const path of state.expanded) if (isChild(path)) return true;
  for (const path of state.loading) if (isChild(path)) return true;
  return false;
}

/** A folder's children as closed rows, made once: every order and filter picks from them. */
const baseRows = new WeakMap<Entry[], Row[]>();
/** The rows of a closed folder per order, for the filters they were made with. */
const closedCache = new WeakMap<
  Order | Entry[],
  { hidden: TreeState['hidden']; keep: ReadonlySet<string> | null; rows: Row[] }
>();

/**
 * The rows of a folder none of whose children is open. Moving through, sorting back and filtering
 * a folder of 100k entries then copies rows instead of making them.
 */
function closedRows(state: TreeState, children: Entry[], order: Order | null, depth: number): Row[] {
  const key = order ?? children;
  const keep = keepsFilter(state);
  const cached = closedCache.get(key);
  if (cached && cached.hidden === state.hidden && cached.keep === keep && cached.rows[0]?.depth === depth)
    return cached.rows;
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
  const rows = state.hidden || keep ? all.filter((row) => shown(state, row.entry)) : all;
  closedCache.set(key, { hidden: state.hidden, keep, rows });
  return rows;
}

export function selectedEntry(state: TreeState): Entry | undefined {
  return state.rows[state.cursor]?.entry;
}
