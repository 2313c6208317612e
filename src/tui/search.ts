import type { Entry } from './entries.js';
import { moveTo, relayout, scrolled, type TreeState } from './tree-layout.js';

/** What a finished whole-tree scan hands back: the folders it loaded and every match, each as the paths down to it. */
export interface ScanResult {
  purpose: 'search' | 'filter';
  text: string;
  loaded: [string, Entry[]][];
  matches: (readonly string[])[];
}

/** Typing searches the rows shown, from where the search began; enter then searches the whole tree. */
export function typeSearch(state: TreeState, text: string): TreeState {
  const origin = state.search?.origin ?? state.cursor;
  return findInRows({ ...state, search: { text, editing: true, origin, matches: null, index: 0 } }, origin, 1);
}

export function finishTyping(state: TreeState): TreeState {
  if (!state.search) return state;
  return { ...state, search: state.search.text ? { ...state.search, editing: false } : null };
}

export function cancelSearch(state: TreeState): TreeState {
  return scrolled({ ...state, cursor: state.search?.origin ?? state.cursor, search: null });
}

/** n / N: the next match of the whole tree once it was searched, opening the folders on the way; before that the next row shown. */
export function stepMatch(state: TreeState, step: 1 | -1): TreeState {
  const search = state.search;
  if (!search?.matches) return findInRows(state, state.cursor + step, step);
  const count = search.matches.length;
  if (count === 0) return state;
  const index = (((search.index + step) % count) + count) % count;
  return reveal({ ...state, search: { ...search, index } }, search.matches[index] ?? []);
}

function findInRows(state: TreeState, from: number, step: 1 | -1): TreeState {
  const needle = state.search?.text.toLowerCase();
  if (!needle) return state;
  const count = state.rows.length;
  for (let offset = 0; offset < count; offset++) {
    const index = (((from + offset * step) % count) + count) % count;
    if (state.rows[index]?.entry.lowerName.includes(needle)) return moveTo(state, index);
  }
  return state;
}

/** Opens every folder on the way to the last path of `chain` and puts the cursor on it. */
function reveal(state: TreeState, chain: readonly string[]): TreeState {
  const expanded = new Set(state.expanded);
  for (const path of chain.slice(0, -1)) expanded.add(path);
  const laid = relayout({ ...state, expanded });
  const target = chain[chain.length - 1];
  const index = laid.rows.findIndex((row) => row.entry.path === target);
  return index < 0 ? laid : moveTo(laid, index);
}

/** Folders the scan loaded join those already loaded; a folder loaded both ways keeps the entries its rows show. */
function withLoaded(state: TreeState, loaded: [string, Entry[]][]): TreeState {
  const children = new Map(state.children);
  for (const [path, entries] of loaded) if (!children.has(path)) children.set(path, entries);
  return { ...state, children };
}

export function applyScan(state: TreeState, result: ScanResult): TreeState {
  const loaded = withLoaded(state, result.loaded);
  return result.purpose === 'search' ? applySearch(loaded, result) : applyNameFilter(loaded, result);
}

/** The cursor goes to the match it already stands on (found while typing), or the first one. */
function applySearch(state: TreeState, { text, matches }: ScanResult): TreeState {
  if (!state.search || state.search.text !== text) return state;
  const current = state.rows[state.cursor]?.entry.path;
  const index = Math.max(
    0,
    matches.findIndex((chain) => chain[chain.length - 1] === current),
  );
  const search = { ...state.search, matches, index };
  const chain = matches[index];
  return chain ? reveal({ ...state, search }, chain) : { ...state, search };
}

function applyNameFilter(state: TreeState, { text, matches }: ScanResult): TreeState {
  if (matches.length === 0) return { ...state, nameFilter: { text, count: 0, keep: null } };
  const keep = new Set<string>(['']);
  const expanded = new Set(state.expanded);
  for (const chain of matches) {
    chain.forEach((path, index) => {
      keep.add(path);
      if (index < chain.length - 1) expanded.add(path);
    });
  }
  return reveal({ ...state, expanded, nameFilter: { text, count: matches.length, keep } }, matches[0] ?? []);
}

export function clearNameFilter(state: TreeState): TreeState {
  return relayout({ ...state, nameFilter: null });
}
