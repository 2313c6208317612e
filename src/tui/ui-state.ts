import { actionFor, type Action } from './keys.js';
import { hasContentDiff, type Entry } from './entries.js';
import { groupClasses, groupSize, type PageClass } from './page-map.js';
import { selectedEntry, treeReducer, type TreeAction, type TreeState } from './tree-state.js';

/** A full-screen panel over the tree; its lines are loaded by effects and arrive as actions. */
export type Overlay =
  | { kind: 'help'; top: number }
  | { kind: 'diagnostics'; top: number }
  | { kind: 'children'; cursor: number }
  | { kind: 'text'; entry: Entry; top: number; lines: string[] | null; sideBySide: boolean }
  | { kind: 'hex'; entry: Entry; top: number; lines: string[] | null }
  | { kind: 'memory'; entry: Entry; cursor: number; map: PageMap | null; progress: number; dump: string[] | null };

/** A memory's pages drawn into the cells there is room for, `group` pages per cell. */
export interface PageMap {
  cells: PageClass[];
  group: number;
  pages: number;
}

export interface UiState {
  view: 'browse' | 'diff';
  tree: TreeState;
  pane: 'tree' | 'details';
  detailsTop: number;
  overlay: Overlay | null;
  /** The filter line is open in the status line: its keys toggle change kinds, the tree follows live. */
  filtering: boolean;
  /** Rows the main area has (terminal height minus header and status line). */
  height: number;
  /** Cells per row of the memory page map. */
  mapWidth: number;
  quit: boolean;
  /** A child snapshot picked in the switcher, for the shell to open. */
  openChild: number | null;
}

export type Dispatch = (action: UiAction) => void;

export type UiAction =
  | { type: 'press'; name: string; input: string }
  | { type: 'key'; action: Action }
  | { type: 'tree'; action: TreeAction }
  | { type: 'resize'; height: number; mapWidth: number }
  | { type: 'lines'; lines: string[] }
  | { type: 'memory'; classes: PageClass[] | null; progress: number }
  | { type: 'dump'; lines: string[] };

export function initialUi(view: UiState['view'], tree: TreeState, height: number, mapWidth: number): UiState {
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
    openChild: null,
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
    case 'key':
      return keyReducer(state, action.action);
    case 'press':
      return pressReducer(state, action.name, action.input);
  }
}

/** A key press: text for the search line while it is open, otherwise the key table's action. */
function pressReducer(state: UiState, name: string, input: string): UiState {
  const search = state.tree.search;
  if (search?.editing) return { ...state, tree: treeReducer(state.tree, searchKey(name, input, search.text)) };
  const action = actionFor(name, {
    view: state.view,
    searched: search !== null,
    filtering: state.filtering && !state.overlay,
  });
  if (!action) return state;
  if (action === 'toggle' && state.overlay?.kind === 'children') return { ...state, openChild: state.overlay.cursor };
  return keyReducer(state, action);
}

function searchKey(name: string, input: string, text: string): TreeAction {
  if (name === 'esc') return { type: 'searchCancel' };
  if (name === 'enter') return { type: 'searchDone' };
  if (name === 'backspace') return { type: 'searchText', text: text.slice(0, -1) };
  return { type: 'searchText', text: input.length === 1 ? text + input : text };
}

/** The map takes the upper half of the main area; the selected page's hex dump the rest. */
export function mapRows(height: number): number {
  return Math.max(1, Math.floor((height - 3) / 2));
}

function pageMap(classes: PageClass[], state: UiState): PageMap {
  const group = groupSize(classes.length, state.mapWidth * mapRows(state.height));
  return { cells: groupClasses(classes, group), group, pages: classes.length };
}

function keyReducer(state: UiState, action: Action): UiState {
  if (action === 'quit') return { ...state, quit: true };
  if (state.overlay) return overlayKey(state, state.overlay, action);
  switch (action) {
    case 'back':
      return state.tree.search
        ? { ...state, tree: treeReducer(state.tree, { type: 'searchCancel' }) }
        : { ...state, quit: true };
    case 'help':
      return { ...state, overlay: { kind: 'help', top: 0 } };
    case 'filter':
      return state.view === 'diff' ? { ...state, filtering: true } : state;
    case 'filterDone':
      return { ...state, filtering: false };
    case 'diagnostics':
      return { ...state, overlay: { kind: 'diagnostics', top: 0 } };
    case 'children':
      return state.view === 'browse' ? { ...state, overlay: { kind: 'children', cursor: 0 } } : state;
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

const scrollActions: readonly Action[] = ['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'];

function isScroll(action: Action): boolean {
  return scrollActions.includes(action);
}

/** A new first line for a scrolled list of `count` lines in a window of `height`. */
export function scrollTo(top: number, action: Action, height: number, count: number): number {
  const page = Math.max(1, height - 1);
  const last = Math.max(0, count - height);
  const moved: Partial<Record<Action, number>> = {
    up: top - 1,
    down: top + 1,
    pageUp: top - page,
    pageDown: top + page,
    top: 0,
    bottom: last,
  };
  return Math.max(0, Math.min(moved[action] ?? top, last));
}

function overlayKey(state: UiState, overlay: Overlay, action: Action): UiState {
  if (action === 'back' || (action === 'help' && overlay.kind === 'help')) return { ...state, overlay: null };
  switch (overlay.kind) {
    case 'memory':
      return { ...state, overlay: memoryKey(overlay, action, state.mapWidth) };
    case 'children':
      return {
        ...state,
        overlay: { ...overlay, cursor: overlay.cursor + (action === 'down' ? 1 : action === 'up' ? -1 : 0) },
      };
    case 'text':
      if (action === 'view' && hasContentDiff(overlay.entry))
        return { ...state, overlay: { ...overlay, sideBySide: !overlay.sideBySide, lines: null, top: 0 } };
      if (action === 'hex') return { ...state, overlay: { kind: 'hex', entry: overlay.entry, top: 0, lines: null } };
      return isScroll(action)
        ? {
            ...state,
            overlay: { ...overlay, top: scrollTo(overlay.top, action, state.height - 1, overlay.lines?.length ?? 0) },
          }
        : state;
    case 'hex': {
      const count = Math.ceil(overlay.entry.node.size / 16);
      return isScroll(action)
        ? {
            ...state,
            overlay: { ...overlay, top: scrollTo(overlay.top, action, state.height - 1, count), lines: null },
          }
        : state;
    }
    default:
      return isScroll(action)
        ? {
            ...state,
            overlay: { ...overlay, top: scrollTo(overlay.top, action, state.height - 1, Number.MAX_SAFE_INTEGER) },
          }
        : state;
  }
}

/** Arrows move the selected cell of the page map by one cell or one row of cells. */
function memoryKey(overlay: Extract<Overlay, { kind: 'memory' }>, action: Action, width: number): Overlay {
  const cells = overlay.map?.cells.length ?? 0;
  const steps: Partial<Record<Action, number>> = {
    up: -width,
    down: width,
    collapse: -1,
    expand: 1,
    pageUp: -width * 8,
    pageDown: width * 8,
    top: -cells,
    bottom: cells,
  };
  const step = steps[action];
  if (step === undefined || cells === 0) return overlay;
  return { ...overlay, cursor: Math.max(0, Math.min(cells - 1, overlay.cursor + step)), dump: null };
}
