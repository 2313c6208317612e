import { diagnosticLines } from '../app/info.js';
import { escapeForDisplay } from '../model/display.js';
import { humanBytes } from '../format/sizes.js';
import { renderTable } from '../format/table.js';
import { formatValue } from '../format/values.js';
import { pushAll } from '../model/arrays.js';
import { uniqueDiagnostics, type Diagnostic } from '../model/diagnostics.js';
import type { TreeNode } from '../model/tree.js';
import { hasContentDiff, type Entry } from './entries.js';
import { helpLines } from './keys.js';
import { plain, type Line } from './lines.js';
import { childListOf, type ChildList, type ViewModel } from './model.js';
import { pageColors, pageGlyphs } from './page-map.js';
import type { TreeState } from './tree-state.js';
import { mapRows, type Overlay } from './ui-state.js';

/** The overlay's lines for a main area of `height` rows: a title line, then the scrolled content. */
export function overlayLines(
  overlay: Overlay,
  model: ViewModel,
  tree: TreeState,
  height: number,
  width: number,
): Line[] {
  const body = height - 1;
  switch (overlay.kind) {
    case 'help':
      return [title('Keys (esc or ? closes)'), ...window(helpLines(), overlay.top, body)];
    case 'diagnostics':
      return [
        title('Diagnostics (esc closes)'),
        ...diagnosticsOf(model, tree)
          .slice(overlay.top, overlay.top + body)
          .map(severityLine),
      ];
    case 'children':
      return childLines(model, overlay, body);
    case 'text':
    case 'hex': {
      const diff = overlay.kind === 'text' && hasContentDiff(overlay.entry);
      const what =
        overlay.kind === 'hex' ? 'hex' : diff ? (overlay.sideBySide ? 'side-by-side diff' : 'unified diff') : 'text';
      const header = title(
        `${escapeForDisplay(overlay.entry.path)} — ${what} (esc closes${diff ? ', v switches' : ''})`,
      );
      if (overlay.lines === null) return [header, plain('  reading…')];
      return [
        header,
        ...(overlay.kind === 'hex'
          ? overlay.lines.slice(0, body).map(plain)
          : window(overlay.lines, overlay.top, body)),
      ];
    }
    case 'memory':
      return memoryLines(overlay, height, width);
  }
}

const title = (text: string): Line => [{ text, bold: true }];

const severityColors: Record<string, string> = { error: 'red', warning: 'yellow', info: 'cyan' };

/** A diagnostic line with its severity word in the severity's colour. */
function severityLine(text: string): Line {
  const found = /^((?:[AB] )? {2})(error|warning|info)\b/.exec(text);
  if (!found) return plain(text);
  const [head, lead = '', severity = ''] = found;
  return [
    { text: lead },
    { text: severity, color: severityColors[severity], bold: severity === 'error' },
    { text: text.slice(head.length) },
  ];
}

function window(lines: readonly string[], top: number, height: number): Line[] {
  return lines.slice(top, top + height).map(plain);
}

/** What opening found, then what each folder the user has opened so far raised as it loaded. */
function diagnosticsOf(model: ViewModel, tree: TreeState): string[] {
  const loaded = loadedEntries(tree);
  const side = (found: readonly Diagnostic[], nodes: (TreeNode | undefined)[]): string[] =>
    diagnosticLines(uniqueDiagnostics([...found, ...nodes.flatMap((node) => node?.raised ?? [])]));
  if (model.kind === 'browse')
    return side(
      model.snapshot.diagnostics,
      loaded.map((entry) => entry.node),
    );
  return [
    ...side(
      model.before.diagnostics,
      loaded.map((entry) => entry.before),
    ).map((line) => `A ${line}`),
    ...side(
      model.after.diagnostics,
      loaded.map((entry) => entry.node),
    ).map((line) => `B ${line}`),
  ];
}

function loadedEntries(tree: TreeState): Entry[] {
  const entries = [tree.root];
  for (const children of tree.children.values()) pushAll(entries, children);
  return entries;
}

/** Which snapshot's children these are: its own, or its parent's when it has none. */
function childTitle(list: ChildList): string {
  const keys = 'enter opens, space marks, D diffs, esc closes';
  return list.owner === 'own'
    ? `Child snapshots of ${escapeForDisplay(list.title)}: ${keys}`
    : `Children of the parent, ${escapeForDisplay(list.title)} (this one has none): ${keys}`;
}

function childLines(model: ViewModel, overlay: Extract<Overlay, { kind: 'children' }>, height: number): Line[] {
  const list = childListOf(model);
  const children = list?.children ?? [];
  if (!list || children.length === 0) return [title('Child snapshots: none (esc closes)')];
  const keys = [...new Set(children.flatMap((child) => Object.keys(child.summary)))];
  const table = renderTable(
    ['Selector', ...keys, 'Title'],
    children.map((child) => [
      `#${escapeForDisplay(child.selector)}`,
      ...keys.map((key) => (child.summary[key] === undefined ? '-' : formatValue(child.summary[key] ?? null))),
      escapeForDisplay(child.title),
    ]),
  );
  const selected = Math.max(0, Math.min(overlay.cursor, children.length - 1));
  const top = Math.max(0, selected - height + 2);
  const rows = table.slice(1).map((row, index): Line => {
    const mark = overlay.marked.includes(index) ? '*' : ' ';
    return [
      {
        text: `${index === selected ? '›' : ' '}${mark}${row}`,
        inverse: index === selected,
        color: mark === '*' ? 'yellow' : undefined,
      },
    ];
  });
  return [title(childTitle(list)), plain(`  ${table[0] ?? ''}`), ...rows.slice(top, top + height - 1)];
}

/** The page map picture, a legend, the selected page and its hex dump. */
function memoryLines(overlay: Extract<Overlay, { kind: 'memory' }>, height: number, width: number): Line[] {
  const { entry, map } = overlay;
  const pageSize = entry.node.pageSize ?? 1;
  const header = title(
    `${escapeForDisplay(entry.path)} — page map, ${humanBytes(pageSize)} pages (arrows move, esc closes)`,
  );
  if (!map) return [header, plain(`  scanning pages… ${Math.round(overlay.progress * 100)}%`)];
  const legend = (entry.memoryChange ? (['same', 'changed', 'added', 'removed'] as const) : (['zero', 'data'] as const))
    .map((value) => `${pageGlyphs[value]} ${value}`)
    .join('  ');
  const rows: Line[] = [];
  for (let start = 0; start < map.cells.length && rows.length < mapRows(height); start += width) {
    rows.push(
      map.cells.slice(start, start + width).map((value, index) => ({
        text: pageGlyphs[value],
        color: pageColors[value],
        inverse: start + index === overlay.cursor,
      })),
    );
  }
  const first = overlay.cursor * map.group;
  const last = Math.min(map.pages, first + map.group) - 1;
  const pages = first === last ? `page ${first}` : `pages ${first}-${last}`;
  const selected = plain(
    `${pages} of ${map.pages} (${map.group} per cell), offset 0x${(first * pageSize).toString(16)}: ${map.cells[overlay.cursor] ?? ''}   (${legend})`,
  );
  const dumpHeight = Math.max(0, height - rows.length - 2);
  return [header, ...rows, selected, ...(overlay.dump ?? ['reading…']).slice(0, dumpHeight).map(plain)];
}
