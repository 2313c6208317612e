import { escapeForDisplay } from '../model/display.js';
import { humanBytes } from '../format/sizes.js';
import type { Mark } from './entries.js';
import { fit, highlight, type Line } from './lines.js';
import type { Row, TreeState } from './tree-state.js';

/** Plain-text marks, so a diff reads without colour too (NO_COLOR). */
export const markGlyphs: Record<Mark, string> = {
  added: '+',
  removed: '-',
  modified: 'M',
  metadata: 'm',
  inside: '~',
  unchanged: ' ',
};
export const markColors: Record<Mark, string | undefined> = {
  added: 'green',
  removed: 'red',
  modified: 'yellow',
  metadata: 'cyan',
  inside: undefined,
  unchanged: undefined,
};

const SIZE_WIDTH = 10;
const KIND_WIDTH = 8;

/** The visible rows of the tree pane, exactly `tree.height` lines of `width` cells. */
export function treeLines(tree: TreeState, width: number, flagged: ReadonlySet<string>, focused: boolean): Line[] {
  const lines: Line[] = [];
  const needle = tree.search?.text.toLowerCase();
  for (let index = tree.top; index < Math.min(tree.rows.length, tree.top + tree.height); index++) {
    const row = tree.rows[index] as Row;
    lines.push(rowLine(row, index === tree.cursor, focused, width, flagged, needle, tree.sizes.get(row.entry.path)));
  }
  if (tree.rows.length === 0) lines.push(fit([{ text: tree.loading.size > 0 ? '  loading…' : '  (empty)' }], width));
  while (lines.length < tree.height) lines.push(fit([], width));
  return lines;
}

function rowLine(
  row: Row,
  selected: boolean,
  focused: boolean,
  width: number,
  flagged: ReadonlySet<string>,
  needle: string | undefined,
  total: number | undefined,
): Line {
  const { entry } = row;
  const { node } = entry;
  const mark = entry.mark ?? 'unchanged';
  const twisty = row.loading ? '…' : row.expanded ? '▾' : row.expandable ? '▸' : ' ';
  const warn = flagged.has(entry.path) ? '!' : ' ';
  const link = node.linkTarget === undefined ? '' : ` → ${escapeForDisplay(node.linkTarget)}`;
  const flags = node.flags?.length ? ` [${node.flags.join(', ')}]` : '';
  const size = node.kind === 'dir' ? (total === undefined ? '' : humanBytes(total)) : humanBytes(node.size);
  const right = ` ${size.padStart(SIZE_WIDTH)} ${node.kind.padEnd(KIND_WIDTH)}`;
  const style = { color: markColors[mark], inverse: selected && focused, bold: selected };
  const prefix = `${selected ? '›' : ' '}${markGlyphs[mark]}${warn}${'  '.repeat(row.depth)}${twisty} `;
  const name = escapeForDisplay(entry.name) + (node.kind === 'dir' ? '/' : '');
  const left = fit(
    [{ text: prefix, ...style }, ...highlight(name, needle, style), { text: `${link}${flags}`, ...style }],
    Math.max(0, width - right.length),
    style,
  );
  return [...left, { text: right, ...style }];
}
