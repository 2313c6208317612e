import type { Action } from './keys.js';
import { hasContentDiff } from './entries.js';
import type { Overlay, UiState } from './ui-types.js';

const scrollActions: readonly Action[] = ['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'];

export function isScroll(action: Action): boolean {
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

export function overlayKey(state: UiState, overlay: Overlay, action: Action): UiState {
  if (action === 'back' || action === 'parent' || (action === 'help' && overlay.kind === 'help'))
    return { ...state, overlay: null };
  switch (overlay.kind) {
    case 'memory':
      return { ...state, overlay: memoryKey(overlay, action, state.mapWidth) };
    case 'children':
      return childrenKey(state, overlay, action);
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

type ChildList = Extract<Overlay, { kind: 'children' }>;

/** Arrows move through the list, enter opens, space marks up to two children, D diffs a pair. */
function childrenKey(state: UiState, overlay: ChildList, action: Action): UiState {
  const last = Math.max(0, state.childCount - 1);
  const step: Partial<Record<Action, number>> = { up: -1, down: 1, top: -last, bottom: last };
  const cursor = Math.max(0, Math.min(last, overlay.cursor + (step[action] ?? 0)));
  if (state.childCount === 0) return state;
  if (action === 'toggle') return { ...state, request: { kind: 'child', index: cursor } };
  if (action === 'mark') {
    const marked = overlay.marked.includes(cursor)
      ? overlay.marked.filter((index) => index !== cursor)
      : [...overlay.marked, cursor].slice(-2);
    return { ...state, overlay: { ...overlay, marked } };
  }
  if (action === 'diffChildren') {
    const [first, second] = overlay.marked.length === 2 ? overlay.marked : [overlay.marked[0], cursor];
    if (first === undefined || second === undefined || first === second)
      return { ...state, notice: 'mark a child snapshot with space, then press D on another' };
    return { ...state, request: { kind: 'diff', indices: [first, second] } };
  }
  return { ...state, overlay: { ...overlay, cursor } };
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
