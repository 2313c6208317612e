import { actionFor, type Action } from './keys.js';
import { groupClasses, groupSize, type PageClass } from './page-map.js';
import { isScroll, overlayKey, scrollTo } from './overlay-keys.js';
import { selectedEntry, treeReducer, type TreeAction, type TreeState } from './tree-state.js';
import type { PageMap, UiAction, UiState } from './ui-types.js';

export type { Dispatch, Overlay, PageMap, Scan, ShellRequest, UiAction, UiState } from './ui-types.js';
export { scrollTo } from './overlay-keys.js';

/** Where a snapshot sits: opened from another one (so esc goes back), and how many children `c` lists. */
export interface UiPlace {
  nested?: boolean;
  childCount?: number;
}

export function initialUi(
  view: UiState['view'],
  tree: TreeState,
  height: number,
  mapWidth: number,
  place: UiPlace = {},
): UiState {
  return {
    view,
    tree,
    pane: 'tree',
    detailsTop: 0,
    overlay: null,
    filtering: false,
    height,
    mapWidth,
    quit: false,
    nested: place.nested ?? false,
    childCount: place.childCount ?? 0,
    request: null,
    scan: null,
    scans: 0,
    nameInput: null,
    notice: null,
  };
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'tree':
      return { ...state, tree: treeReducer(state.tree, action.action) };
    case 'resize':
      return {
        ...state,
        height: action.height,
        mapWidth: action.mapWidth,
        tree: treeReducer(state.tree, { type: 'resize', height: action.height }),
      };
    case 'lines':
      return state.overlay?.kind === 'text' || state.overlay?.kind === 'hex'
        ? { ...state, overlay: { ...state.overlay, lines: action.lines } }
        : state;
    case 'memory':
      return state.overlay?.kind === 'memory'
        ? {
            ...state,
            overlay: {
              ...state.overlay,
              map: action.classes && pageMap(action.classes, state),
              progress: action.progress,
            },
          }
        : state;
    case 'dump':
      return state.overlay?.kind === 'memory' ? { ...state, overlay: { ...state.overlay, dump: action.lines } } : state;
    case 'scanProgress':
      return state.scan?.id === action.id
        ? { ...state, scan: { ...state.scan, folders: action.folders, matches: action.matches } }
        : state;
    case 'scanDone':
      return state.scan?.id === action.id
        ? { ...state, scan: null, tree: treeReducer(state.tree, { type: 'scanned', result: action.result }) }
        : state;
    case 'key':
      return keyReducer(state, action.action);
    case 'press':
      return pressReducer(state.notice ? { ...state, notice: null } : state, action.name, action.input);
  }
}

/** A key press: text for a line being typed while it is open, otherwise the key table's action. */
function pressReducer(state: UiState, name: string, input: string): UiState {
  if (state.scan) return scanKey(state, name);
  if (state.nameInput !== null) return nameInputKey(state, name, input, state.nameInput);
  const search = state.tree.search;
  if (search?.editing) return searchKey(state, name, input, search.text);
  const action = actionFor(name, {
    view: state.view,
    searched: search !== null,
    filtering: state.filtering && !state.overlay,
    children: state.overlay?.kind === 'children',
  });
  return action ? keyReducer(state, action) : state;
}

/** While the whole tree is scanned, esc cancels it and q still quits. */
function scanKey(state: UiState, name: string): UiState {
  if (name === 'esc') return { ...state, scan: null, notice: `${state.scan?.purpose ?? 'search'} cancelled` };
  return actionFor(name, { view: state.view, searched: false }) === 'quit' ? { ...state, quit: true } : state;
}

function startScan(state: UiState, purpose: 'search' | 'filter', text: string): UiState {
  const id = state.scans + 1;
  return { ...state, scans: id, scan: { id, purpose, text, folders: 0, matches: 0 } };
}

function searchKey(state: UiState, name: string, input: string, text: string): UiState {
  const tree = (action: TreeAction): UiState => ({ ...state, tree: treeReducer(state.tree, action) });
  if (name === 'esc') return tree({ type: 'searchCancel' });
  if (name === 'enter') {
    const done = tree({ type: 'searchDone' });
    return text ? startScan(done, 'search', text) : done;
  }
  if (name === 'backspace') return tree({ type: 'searchText', text: text.slice(0, -1) });
  return tree({ type: 'searchText', text: input.length === 1 ? text + input : text });
}

/** The name filter's line: enter scans the whole tree for the text, an empty text shows everything again. */
function nameInputKey(state: UiState, name: string, input: string, text: string): UiState {
  if (name === 'esc') return { ...state, nameInput: null };
  if (name === 'enter') {
    const closed = { ...state, nameInput: null };
    return text
      ? startScan(closed, 'filter', text)
      : { ...closed, tree: treeReducer(state.tree, { type: 'clearNameFilter' }) };
  }
  if (name === 'backspace') return { ...state, nameInput: text.slice(0, -1) };
  return { ...state, nameInput: input.length === 1 && name !== 'tab' ? text + input : text };
}

/** The map takes the upper half of the main area; the selected page's hex dump the rest. */
export function mapRows(height: number): number {
  return Math.max(1, Math.floor((height - 3) / 2));
}

function pageMap(classes: PageClass[], state: UiState): PageMap {
  const group = groupSize(classes.length, state.mapWidth * mapRows(state.height));
  return { cells: groupClasses(classes, group), group, pages: classes.length };
}

/** esc and Backspace close what is open, innermost first, then leave a child snapshot; esc at the top quits. */
function backReducer(state: UiState, action: 'back' | 'parent'): UiState {
  if (state.tree.search) return { ...state, tree: treeReducer(state.tree, { type: 'searchCancel' }) };
  if (state.tree.nameFilter) return { ...state, tree: treeReducer(state.tree, { type: 'clearNameFilter' }) };
  if (state.nested) return { ...state, request: { kind: 'parent' } };
  return action === 'back' ? { ...state, quit: true } : { ...state, notice: 'this is the first snapshot (q quits)' };
}

function keyReducer(state: UiState, action: Action): UiState {
  if (action === 'quit') return { ...state, quit: true };
  if (state.overlay) return overlayKey(state, state.overlay, action);
  switch (action) {
    case 'back':
    case 'parent':
      return backReducer(state, action);
    case 'help':
      return { ...state, overlay: { kind: 'help', top: 0 } };
    case 'filter':
      return state.view === 'diff' ? { ...state, filtering: true } : state;
    case 'filterDone':
      return { ...state, filtering: false };
    case 'nameFilter':
      return { ...state, nameInput: state.tree.nameFilter?.text ?? '' };
    case 'diagnostics':
      return { ...state, overlay: { kind: 'diagnostics', top: 0 } };
    case 'children':
      return state.view === 'browse' ? { ...state, overlay: { kind: 'children', cursor: 0, marked: [] } } : state;
    case 'switchPane':
      return { ...state, pane: state.pane === 'tree' ? 'details' : 'tree' };
    case 'view':
    case 'hex':
      return openContent(state, action);
    case 'toggle': {
      const row = state.tree.rows[state.tree.cursor];
      if (row && !row.expandable) return openContent(state, 'view');
      break;
    }
  }
  if (state.pane === 'details' && isScroll(action))
    return { ...state, detailsTop: scrollTo(state.detailsTop, action, state.height, Number.MAX_SAFE_INTEGER) };
  const tree = treeReducer(state.tree, { type: 'key', action });
  return tree.cursor === state.tree.cursor ? { ...state, tree } : { ...state, tree, detailsTop: 0 };
}

function openContent(state: UiState, action: 'view' | 'hex'): UiState {
  const entry = selectedEntry(state.tree);
  if (!entry) return state;
  const { node } = entry;
  if (action === 'view' && node.kind === 'memory' && node.pageSize) {
    return { ...state, overlay: { kind: 'memory', entry, cursor: 0, map: null, progress: 0, dump: null } };
  }
  if (!node.content) return state;
  return {
    ...state,
    overlay:
      action === 'hex'
        ? { kind: 'hex', entry, top: 0, lines: null }
        : { kind: 'text', entry, top: 0, lines: null, sideBySide: false },
  };
}
