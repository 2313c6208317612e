import { describe, fileLine, fileLines, memoryLines, metadataLines as metadataChangeLines } from '../app/diff.js';
import { nodeLines } from '../app/node-info.js';
import { escapeForDisplay } from '../model/display.js';
import type { MetaRecord } from '../model/metadata.js';
import type { Snapshot } from '../model/snapshot.js';
import { metadataLines } from '../format/meta-text.js';
import { formatValue } from '../format/values.js';
import type { Entry } from './entries.js';
import { filterLine, filterLabel } from './filter.js';
import { fit, plain, wrapLines, type Line } from './lines.js';
import type { ViewModel } from './model.js';
import { overlayLines } from './overlay-lines.js';
import { treeLines } from './tree-lines.js';
import { selectedEntry, type Search } from './tree-state.js';
import type { UiState } from './ui-state.js';
import { pushAll } from '../model/arrays.js';

export const HEADER_ROWS = 2;
export const STATUS_ROWS = 1;

/** The tree pane takes 60% of a wide terminal; below this width the details pane is left out. */
const DETAILS_MIN_WIDTH = 70;

export function treeWidth(width: number): number {
  return width >= DETAILS_MIN_WIDTH ? Math.floor(width * 0.6) : width;
}

/** Every line of the screen, each exactly `width` cells: header, main area, status line. */
export function frameLines(state: UiState, model: ViewModel, width: number): Line[] {
  const main = state.overlay
    ? overlayLines(state.overlay, model, state.tree, state.height, width).map((line) => fit(line, width))
    : paneLines(state, model, width);
  while (main.length < state.height) main.push(fit([], width));
  return [
    ...headerLines(state, model).map((line) => fit(line, width)),
    ...main.slice(0, state.height),
    fit(statusLine(state), width),
  ];
}

function paneLines(state: UiState, model: ViewModel, width: number): Line[] {
  const left = treeWidth(width);
  const tree = treeLines(state.tree, left, model.flagged, state.pane === 'tree');
  if (left === width) return tree;
  // Long attributes (Candid signatures, notes) wrap rather than being cut; the pane scrolls over the wrapped lines.
  const details = wrapLines(detailsLines(selectedEntry(state.tree), state, model), width - left - 1).slice(
    state.detailsTop,
    state.detailsTop + state.height,
  );
  // The heavier rule marks the focused details pane, visible without colour too.
  const rule = state.pane === 'details' ? '┃' : '│';
  return tree.map((line, index) => [...line, { text: rule }, ...fit(plain(details[index] ?? ''), width - left - 1)]);
}

export function detailsLines(entry: Entry | undefined, state: UiState, model: ViewModel): string[] {
  const lines: string[] = [];
  if (entry) {
    pushAll(lines, [
      ...nodeLines(entry.node, entry.path, {
        totalSize: state.tree.sizes.get(entry.path) ?? (entry.node.kind === 'dir' ? undefined : entry.node.size),
      }),
    ]);
    if (entry.change) lines.push('Change:', fileLine(entry.change));
    if (entry.memoryChange) pushAll(lines, memoryLines([entry.memoryChange]));
  }
  if (model.kind === 'browse') {
    pushAll(lines, ['', 'Snapshot metadata:', ...metadataLines(model.snapshot.metadata)]);
    if (model.snapshot.children.length > 0)
      lines.push(`Child snapshots: ${model.snapshot.children.length} (c lists them)`);
  } else {
    const changes = metadataChangeLines(model.result);
    pushAll(lines, ['', ...(changes.length > 0 ? changes : ['Metadata: same'])]);
  }
  return lines;
}

function headerLines(state: UiState, model: ViewModel): Line[] {
  if (model.kind === 'diff') {
    const { summary } = model.result;
    const pages = summary.memoryPagesChanged + summary.memoryPagesAdded + summary.memoryPagesRemoved;
    const parts = [
      `filter: ${filterLabel(state.tree.hidden ?? new Set())}`,
      (fileLines(model.result)[0] ?? '').replace('Files: ', 'files: '),
      pages
        ? `memory pages: ${summary.memoryPagesChanged} changed, ${summary.memoryPagesAdded} added, ${summary.memoryPagesRemoved} removed`
        : '',
      summary.metadataFields ? `metadata: ${summary.metadataFields} fields` : '',
    ];
    return [
      [
        { text: `--- ${describe(model.before)}  `, color: 'red' },
        { text: `+++ ${describe(model.after)}`, color: 'green' },
      ],
      [{ text: parts.filter(Boolean).join(' · '), bold: true }],
    ];
  }
  return [[{ text: `${title(model.snapshot)}`, bold: true }], plain(keyFacts(model.snapshot))];
}

function title(snapshot: Snapshot): string {
  return `${snapshot.format}${snapshot.variant ? ` (${snapshot.variant})` : ''} · ${escapeForDisplay(snapshot.title)}`;
}

/** The first few one-line metadata fields, then the counts a user looks for first. */
function keyFacts(snapshot: Snapshot): string {
  const scalar = (record: MetaRecord): [string, string][] =>
    Object.entries(record)
      .filter(([, value]) => typeof value !== 'object' || value === null || value instanceof Uint8Array)
      .map(([key, value]) => [escapeForDisplay(key), formatValue(value)]);
  const facts = scalar(snapshot.metadata)
    .slice(0, 4)
    .map(([key, value]) => `${key}: ${value}`);
  const errors = snapshot.diagnostics.filter((d) => d.severity === 'error').length;
  facts.push(
    `${snapshot.children.length} child snapshots`,
    `${snapshot.diagnostics.length} diagnostics${errors ? ` (${errors} errors)` : ''}`,
  );
  return facts.join(' · ');
}

function statusLine(state: UiState): Line {
  const { search, sort, loading, nameFilter } = state.tree;
  if (state.scan) {
    const { purpose, text, folders, matches } = state.scan;
    const verb = purpose === 'search' ? 'searching' : 'filtering by';
    return [
      { text: ` ${verb} "${escapeForDisplay(text)}"… ${folders} folders, ${matches} matches`, bold: true },
      { text: ' · esc cancels' },
    ];
  }
  if (state.nameInput !== null)
    return [{ text: `filter names: ${escapeForDisplay(state.nameInput)}`, bold: true }, { text: '▏ (enter applies)' }];
  if (search?.editing)
    return [{ text: `/${escapeForDisplay(search.text)}`, bold: true }, { text: '▏ (enter searches the whole tree)' }];
  if (state.filtering && state.tree.hidden) return filterLine(state.tree.hidden);
  const parts = [
    '? help',
    'tab pane',
    'q quit',
    `${state.tree.rows.length ? state.tree.cursor + 1 : 0}/${state.tree.rows.length}`,
  ];
  if (sort) parts.push(`sort: ${sort.key}${sort.reverse ? ' (reversed)' : ''}`);
  if (nameFilter) parts.push(`filter: ${escapeForDisplay(nameFilter.text)} (${countText(nameFilter.count)})`);
  if (search) parts.push(`search: ${escapeForDisplay(search.text)} (${searchPosition(search)})`);
  if (loading.size > 0) parts.push('loading…');
  const status = plain(` ${parts.join(' · ')}`);
  return state.notice ? [{ text: ` ${state.notice}`, bold: true, color: 'yellow' }, { text: ' ·' }, ...status] : status;
}

const countText = (count: number): string => (count === 0 ? 'no match' : count === 1 ? '1 match' : `${count} matches`);

/** `k of N` once the whole tree was searched, `no match` when nothing matched; before that only the keys. */
function searchPosition({ matches, index }: Search): string {
  if (!matches) return 'n/N';
  return matches.length === 0 ? 'no match' : `${index + 1} of ${matches.length}, n/N`;
}
