import type { FileChangeKind } from '../diff/types.js';
import type { Action } from './keys.js';
import type { DiffIndex, Entry } from './entries.js';
import type { Line } from './lines.js';

/** What the diff filter can hide: each change kind, and entries with no change at all. */
export type FilterKind = FileChangeKind | 'unchanged';
export const filterKinds: readonly FilterKind[] = ['added', 'removed', 'modified', 'metadata', 'unchanged'];

/** The diff view starts with unchanged entries hidden, as `diff -r` lists only what differs. */
export const defaultHidden: ReadonlySet<FilterKind> = new Set(['unchanged']);

const toggles: Partial<Record<Action, FilterKind>> = {
  filterAdded: 'added',
  filterRemoved: 'removed',
  filterModified: 'modified',
  filterMetadata: 'metadata',
  filterUnchanged: 'unchanged',
};

/** The kind a filter-line key toggles, if it is one. */
export function toggledKind(action: Action): FilterKind | undefined {
  return toggles[action];
}

export function toggleKind(hidden: ReadonlySet<FilterKind>, kind: FilterKind): ReadonlySet<FilterKind> {
  const next = new Set(hidden);
  if (!next.delete(kind)) next.add(kind);
  return next;
}

/**
 * Whether a diff entry shows: its own change kind is shown, or a shown kind lies below it (so the
 * way down stays open). Folders with changes below count as unchanged themselves.
 */
export function passesFilter(hidden: ReadonlySet<FilterKind>, diff: DiffIndex, entry: Entry): boolean {
  const mark = entry.mark ?? 'unchanged';
  const own: FilterKind = mark === 'inside' ? 'unchanged' : mark;
  if (!hidden.has(own)) return true;
  const below = diff.below.get(entry.path);
  if (!below) return false;
  for (const kind of below) if (!hidden.has(kind)) return true;
  return false;
}

/** The header's short name for what is shown: `changed` (the default), `all`, or the shown kinds. */
export function filterLabel(hidden: ReadonlySet<FilterKind>): string {
  if (hidden.size === 0) return 'all';
  if (hidden.size === 1 && hidden.has('unchanged')) return 'changed';
  const shown = filterKinds.filter((kind) => !hidden.has(kind));
  return shown.length > 0 ? shown.join(', ') : 'nothing';
}

/** The key that toggles each kind on the filter line: the mark the tree shows for it. */
const kindKeys: Record<FilterKind, string> = { added: '+', removed: '-', modified: 'M', metadata: 'm', unchanged: 'u' };

/** The open filter line: each kind with its key and a box that says whether it is shown. */
export function filterLine(hidden: ReadonlySet<FilterKind>): Line {
  const kinds = filterKinds.map((kind) => `[${hidden.has(kind) ? ' ' : 'x'}] ${kindKeys[kind]} ${kind}`);
  return [{ text: ` show: ${kinds.join('  ')}`, bold: true }, { text: '  · f closes' }];
}
