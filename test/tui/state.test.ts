import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffResult, MemoryChange } from '../../src/diff/types.js';
import { BytesSource } from '../../src/model/source.js';
import { dirNode, type TreeNode } from '../../src/model/tree.js';
import { hexLines, numberedLines, sideBySide } from '../../src/tui/content.js';
import {
  browseChildren,
  diffChildren,
  diffRootEntry,
  indexDiff,
  rootEntry,
  type ChildLoader,
  type Entry,
} from '../../src/tui/entries.js';
import { filterKinds, filterLabel, filterLine } from '../../src/tui/filter.js';
import { actionFor, helpLines, keyNames, keyTable, keyTableMarkdown, type Action } from '../../src/tui/keys.js';
import { lineText, wrapLines } from '../../src/tui/lines.js';
import { diffClasses, groupClasses, groupSize } from '../../src/tui/page-map.js';
import { initialTree, treeReducer, type TreeState } from '../../src/tui/tree-state.js';
import { initialUi, uiReducer, type UiState } from '../../src/tui/ui-state.js';
import { repoRoot } from '../helpers/cli.js';

const noKey = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const fileNode = (name: string, size: number, second = 0): TreeNode => ({
  name,
  kind: 'file',
  size,
  attrs: {},
  mtime: { epochNs: BigInt(second) * 1_000_000_000n, toISOString: () => '' } as TreeNode['mtime'],
  content: new BytesSource(new Uint8Array(size)),
});

/** root: big/ (two files), small/ (one file), notes.txt */
function sampleRoot(): TreeNode {
  return dirNode('', [
    dirNode('big', [fileNode('a.bin', 5000, 3), fileNode('b.bin', 7000, 1)]),
    dirNode('small', [fileNode('z.txt', 10, 9)]),
    fileNode('notes.txt', 300, 5),
  ]);
}

/** Runs the loads a reducer asked for, as the app's effect does. */
async function settle(state: TreeState, load: ChildLoader = browseChildren): Promise<TreeState> {
  let current = state;
  while (current.loading.size > 0) {
    const [path] = current.loading;
    const entry = path === '' ? current.root : current.rows.find((row) => row.entry.path === path)?.entry;
    current = treeReducer(current, { type: 'loaded', path: path ?? '', children: await load(entry as Entry) });
  }
  return current;
}

const names = (state: TreeState): string[] =>
  state.rows.map((row) => `${'  '.repeat(row.depth)}${row.entry.name}${row.expanded ? '/' : ''}`);
const key = (state: TreeState, ...actions: string[]): TreeState =>
  actions.reduce(
    (current, name) =>
      treeReducer(current, {
        type: 'key',
        action: actionFor(name, { view: 'browse', searched: current.search !== null }) ?? 'back',
      }),
    state,
  );

describe('the key table', () => {
  it('maps vi keys and arrows to the same actions, and n to next match only after a search', () => {
    expect(actionFor('j', { view: 'browse', searched: false })).toBe('down');
    expect(actionFor('down', { view: 'browse', searched: false })).toBe('down');
    expect(actionFor('h', { view: 'browse', searched: false })).toBe('collapse');
    expect(actionFor('n', { view: 'browse', searched: false })).toBe('sortName');
    expect(actionFor('n', { view: 'browse', searched: true })).toBe('nextMatch');
    expect(actionFor('f', { view: 'browse', searched: false })).toBeUndefined();
    expect(actionFor('f', { view: 'diff', searched: false })).toBe('filter');
    expect(actionFor('ctrl+c', { view: 'diff', searched: false })).toBe('quit');
  });

  it('splits a run of characters Ink reports at once into single keys', () => {
    expect(keyNames('jj\r', noKey)).toEqual([
      { name: 'j', input: 'j' },
      { name: 'j', input: 'j' },
      { name: 'enter', input: '\r' },
    ]);
    expect(keyNames('', { ...noKey, upArrow: true })).toEqual([{ name: 'up', input: '' }]);
    expect(keyNames('c', { ...noKey, ctrl: true })).toEqual([{ name: 'ctrl+c', input: 'c' }]);
  });

  it('drives the help overlay and the README table, one line per binding', () => {
    expect(helpLines()).toHaveLength(keyTable.length);
    expect(helpLines()[0]).toBe('↑ k                move up');
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(keyTableMarkdown().join('\n'));
  });
});

describe('the tree reducer', () => {
  it('loads the root, expands with a loading mark and collapses back to the parent', async () => {
    let state = await settle(initialTree(rootEntry(sampleRoot()), 10));
    expect(names(state)).toEqual(['big', 'small', 'notes.txt']);
    state = key(state, 'enter');
    expect(state.rows[0]).toMatchObject({ expanded: true, loading: true });
    state = await settle(state);
    expect(names(state)).toEqual(['big/', '  a.bin', '  b.bin', 'small', 'notes.txt']);
    state = key(state, 'j', 'j', 'h');
    expect(state.cursor).toBe(0);
    state = key(state, 'h');
    expect(names(state)).toEqual(['big', 'small', 'notes.txt']);
  });

  it('sorts by size, name and mtime, again to reverse, keeping the cursor on its entry', async () => {
    let state = await settle(key(await settle(initialTree(rootEntry(sampleRoot()), 10)), 'l'));
    state = treeReducer(state, {
      type: 'sizes',
      sizes: [
        ['big', 12000],
        ['small', 10],
      ],
    });
    state = key(state, 'j', 'j', 's');
    expect(names(state)).toEqual(['big/', '  b.bin', '  a.bin', 'notes.txt', 'small']);
    expect(state.rows[state.cursor]?.entry.name).toBe('b.bin');
    expect(names(key(state, 's'))).toEqual(['small', 'notes.txt', 'big/', '  a.bin', '  b.bin']);
    expect(names(key(state, 'm'))).toEqual(['notes.txt', 'big/', '  a.bin', '  b.bin', 'small']);
    expect(names(key(state, 'n', 'n'))).toEqual(['small', 'notes.txt', 'big/', '  b.bin', '  a.bin']);
  });

  it('searches as the text is typed, jumps with n and N, and esc returns to where it began', async () => {
    let state = await settle(key(await settle(initialTree(rootEntry(sampleRoot()), 10)), 'l'));
    state = key(state, '/');
    state = treeReducer(state, { type: 'searchText', text: 'b' });
    expect(state.rows[state.cursor]?.entry.name).toBe('big');
    state = treeReducer(state, { type: 'searchText', text: 'b.' });
    expect(state.rows[state.cursor]?.entry.name).toBe('b.bin');
    state = treeReducer(state, { type: 'searchText', text: '.' });
    state = treeReducer(state, { type: 'searchDone' });
    expect(state.rows[state.cursor]?.entry.name).toBe('a.bin');
    expect(key(state, 'n').rows[key(state, 'n').cursor]?.entry.name).toBe('b.bin');
    expect(key(state, 'N').rows[key(state, 'N').cursor]?.entry.name).toBe('notes.txt');
    expect(treeReducer(state, { type: 'searchCancel' })).toMatchObject({ cursor: 0, search: null });
  });

  it('pages and scrolls so the cursor stays in the window', async () => {
    const many = dirNode(
      '',
      Array.from({ length: 50 }, (_, index) => fileNode(`f${String(index).padStart(2, '0')}`, index)),
    );
    let state = await settle(initialTree(rootEntry(many), 10));
    state = key(state, 'pageDown');
    expect([state.cursor, state.top]).toEqual([9, 0]);
    state = key(state, 'pageDown', 'pageDown');
    expect([state.cursor, state.top]).toEqual([27, 18]);
    state = key(state, 'G');
    expect([state.cursor, state.top]).toEqual([49, 40]);
    state = key(state, 'g');
    expect([state.cursor, state.top]).toEqual([0, 0]);
    state = treeReducer(key(state, 'G'), { type: 'resize', height: 5 });
    expect([state.cursor, state.top]).toEqual([49, 45]);
  });
});

describe('the diff tree', () => {
  const before = dirNode('', [dirNode('etc', [fileNode('a', 1), fileNode('gone', 2)]), fileNode('same', 3)]);
  const after = dirNode('', [dirNode('etc', [fileNode('a', 4), fileNode('new', 5)]), fileNode('same', 3)]);
  const result = {
    files: [
      { path: 'etc/a', change: 'modified', fields: ['size', 'content'] },
      { path: 'etc/gone', change: 'removed' },
      { path: 'etc/new', change: 'added' },
    ],
    memory: [],
  } as unknown as DiffResult;

  it('marks each entry, hides unchanged entries by default and shows or hides each change kind', async () => {
    const index = indexDiff(result);
    const load = diffChildren(index);
    let state = await settle(initialTree(diffRootEntry(before, after), 10, index), load);
    const marks = (current: TreeState): string[] => current.rows.map((row) => `${row.entry.mark} ${row.entry.path}`);
    expect(marks(state)).toEqual(['inside etc']);
    state = await settle(treeReducer(state, { type: 'key', action: 'expand' }), load);
    expect(marks(state)).toEqual(['inside etc', 'modified etc/a', 'added etc/new', 'removed etc/gone']);
    const toggled = (...actions: Action[]): TreeState =>
      actions.reduce((current, action) => treeReducer(current, { type: 'key', action }), state);
    expect(marks(toggled('filterUnchanged'))).toEqual([
      'inside etc',
      'modified etc/a',
      'added etc/new',
      'removed etc/gone',
      'unchanged same',
    ]);
    expect(marks(toggled('filterModified', 'filterRemoved'))).toEqual(['inside etc', 'added etc/new']);
    expect(marks(toggled('filterAdded', 'filterModified'))).toEqual(['inside etc', 'removed etc/gone']);
    // With every change kind hidden, the folder that only leads to changes goes too.
    expect(marks(toggled('filterAdded', 'filterModified', 'filterRemoved'))).toEqual([]);
    expect(marks(toggled('filterAdded', 'filterModified', 'filterRemoved', 'filterUnchanged'))).toEqual([
      'inside etc',
      'unchanged same',
    ]);
    expect(toggled('filterAdded', 'filterAdded').hidden).toEqual(new Set(['unchanged']));
  });

  it('names what the filter shows in the header and on the filter line', () => {
    expect(filterLabel(new Set(['unchanged']))).toBe('changed');
    expect(filterLabel(new Set())).toBe('all');
    expect(filterLabel(new Set(['added', 'unchanged']))).toBe('removed, modified, metadata');
    expect(filterLabel(new Set(filterKinds))).toBe('nothing');
    expect(lineText(filterLine(new Set(['unchanged', 'removed'])))).toBe(
      ' show: [x] + added  [ ] - removed  [x] M modified  [x] m metadata  [ ] u unchanged  · f closes',
    );
  });
});

describe('the ui reducer', () => {
  async function ui(): Promise<UiState> {
    return initialUi('browse', await settle(initialTree(rootEntry(sampleRoot()), 10)), 10, 40);
  }
  const press = (state: UiState, ...names: string[]): UiState =>
    names.reduce(
      (current, name) => uiReducer(current, { type: 'press', name, input: name.length === 1 ? name : '' }),
      state,
    );

  it('switches panes with tab, opens and closes overlays, quits with q or esc', async () => {
    const state = await ui();
    expect(press(state, 'tab').pane).toBe('details');
    expect(press(state, '?').overlay).toEqual({ kind: 'help', top: 0 });
    expect(press(state, '?', 'esc').overlay).toBeNull();
    expect(press(state, '?', 'q').quit).toBe(true);
    expect(press(state, 'esc').quit).toBe(true);
    expect(press(state, '/', 'esc').quit).toBe(false);
    expect(press(state, 'd').overlay).toEqual({ kind: 'diagnostics', top: 0 });
  });

  it('opens the filter line with f in the diff view, where m toggles metadata instead of sorting', async () => {
    const state = {
      ...(await ui()),
      view: 'diff' as const,
      tree: { ...(await ui()).tree, hidden: new Set(['unchanged'] as const) },
    };
    expect(press(await ui(), 'f').filtering).toBe(false);
    const filtering = press(state, 'f');
    expect(filtering.filtering).toBe(true);
    expect([press(filtering, 'm').tree.hidden, press(filtering, 'm').tree.sort]).toEqual([
      new Set(['unchanged', 'metadata']),
      null,
    ]);
    expect(press(filtering, 'u', 'a').tree.hidden).toEqual(new Set(['added']));
    for (const close of ['f', 'enter', 'esc'])
      expect(press(filtering, close)).toMatchObject({ filtering: false, quit: false });
    expect(press(filtering, 'esc', 'm').tree.sort).toEqual({ key: 'mtime', reverse: false });
  });

  it('types into the search line while it is open, so q searches instead of quitting', async () => {
    const state = press(await ui(), '/', 'q', 'n');
    expect([state.quit, state.tree.search?.text]).toEqual([false, 'qn']);
  });

  it('opens the text view with v or enter on a file and the hex view with x', async () => {
    const state = press(await ui(), 'G');
    expect(press(state, 'v').overlay).toMatchObject({ kind: 'text', top: 0, lines: null });
    expect(press(state, 'enter').overlay).toMatchObject({ kind: 'text' });
    expect(press(state, 'x').overlay).toMatchObject({ kind: 'hex', top: 0, lines: null });
    expect(press(state, 'x', 'pageDown').overlay).toMatchObject({ kind: 'hex', top: 8 });
  });

  it('moves the page map cursor by cells and rows, grouping pages to fit', async () => {
    const memory: TreeNode = {
      name: 'heap',
      kind: 'memory',
      size: 200 * 4096,
      pageSize: 4096,
      attrs: {},
      content: new BytesSource(new Uint8Array(200 * 4096)),
    };
    let state = initialUi('browse', await settle(initialTree(rootEntry(dirNode('', [memory])), 10)), 10, 40);
    state = press(state, 'v');
    state = uiReducer(state, {
      type: 'memory',
      classes: Array.from({ length: 200 }, (_, page) => (page % 3 === 0 ? 'data' : 'zero')),
      progress: 1,
    });
    expect(state.overlay).toMatchObject({ kind: 'memory', map: { group: 2, pages: 200 } });
    expect(press(state, 'l', 'l', 'j').overlay).toMatchObject({ cursor: 42 });
    expect(press(state, 'G').overlay).toMatchObject({ cursor: 99 });
  });
});

describe('content and page map helpers', () => {
  it('wraps details lines at spaces, under the value of a label, and cuts words longer than a line', () => {
    expect(
      wrapLines(
        [
          'Note:     one two three four five',
          'short',
          '    | service : { greet: (text) -> (text) query }',
          'x'.repeat(25),
        ],
        20,
      ),
    ).toEqual([
      'Note:     one two',
      '          three four',
      '          five',
      'short',
      '    | service : {',
      '      greet: (text)',
      '      -> (text)',
      '      query }',
      'x'.repeat(20),
      `  ${'x'.repeat(5)}`,
    ]);
  });
  it('numbers text lines and refuses binary', () => {
    expect(numberedLines(Buffer.from('a\n\tb\x1b[31m\n'))).toEqual(['1 │ a', '2 │     b\\x1b[31m']);
    expect(numberedLines(Uint8Array.of(0x61, 0, 0x62))).toBeUndefined();
    expect(numberedLines(Uint8Array.of(0xff, 0xfe))).toBeUndefined();
  });

  it('writes hexdump -C lines at their offset', () => {
    expect(hexLines(Buffer.from('hello, terminal world!'), 0x20)).toEqual([
      '00000020  68 65 6c 6c 6f 2c 20 74  65 72 6d 69 6e 61 6c 20  |hello, terminal |',
      '00000030  77 6f 72 6c 64 21                                 |world!|',
    ]);
  });

  it('puts two texts side by side with change marks', () => {
    expect(sideBySide('a\nb\nc\n', 'a\nB\nc\nd\n', 23)).toEqual([
      'a            a',
      'b          | B',
      'c            c',
      '           > d',
    ]);
  });

  it('groups pages so the most notable class shows, and paints diff ranges', () => {
    expect(groupSize(1000, 100)).toBe(10);
    expect(groupClasses(['zero', 'data', 'zero', 'zero', 'zero'], 2)).toEqual(['data', 'zero', 'zero']);
    const change: MemoryChange = {
      path: 'm',
      pageSize: 1,
      changedPages: [[1, 1]],
      addedPages: [[4, 5]],
      removedPages: [],
      addedZeroPages: [],
      bytesChanged: 1,
      method: 'bytes',
    };
    expect(diffClasses(change, 6)).toEqual(['same', 'changed', 'same', 'same', 'added', 'added']);
  });
});
