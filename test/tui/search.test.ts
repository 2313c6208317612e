import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { dirNode, type TreeNode } from '../../src/model/tree.js';
import { rootEntry, browseChildren } from '../../src/tui/entries.js';
import { scanTree } from '../../src/tui/scan.js';
import { initialTree, treeReducer } from '../../src/tui/tree-state.js';
import { CTRL_F, file, renderShell, snapshot, statusOf, treePane } from '../helpers/shell-builder.js';
import { tempDir } from '../helpers/cli.js';
import { AFTER, BEFORE, KEY, openDiff, renderApp, writeTar } from '../helpers/tui-builder.js';

afterEach(() => cleanup());

/** Two matches for "needle", one three folders down, none of the folders open at first. */
const tree = (): TreeNode =>
  dirNode('', [
    dirNode('alpha', [dirNode('beta', [dirNode('gamma', [file('needle.txt')])])]),
    dirNode('docs', [file('readme.md'), file('needle-notes.txt')]),
    file('zeta.txt'),
  ]);

/** A folder that never finishes loading, as a slow disk image might. */
const stuck: TreeNode = { name: 'slow', kind: 'dir', size: 0, attrs: {}, children: () => new Promise(() => {}) };

describe('searching the whole tree with /', () => {
  it('finds names in folders never opened, says k of N, and n / N open the way to each match', async () => {
    const app = renderShell(snapshot('search', tree()));
    await app.until('▸ alpha/');
    const first = await app.press(['/needle', KEY.enter], '1 of 2');
    expect(treePane(first)).toEqual([
      '   ▾ alpha/                                     1 B dir',
      '     ▾ beta/                                    1 B dir',
      '       ▾ gamma/                                 1 B dir',
      '›          «needle».txt                         1 B file',
      '   ▸ docs/                                      2 B dir',
      '     zeta.txt                                   1 B file',
    ]);
    expect(statusOf(first)).toBe(' ? help · tab pane · q quit · 4/6 · search: needle (1 of 2, n/N)');
    const second = await app.press(['n'], '2 of 2');
    expect(treePane(second).slice(4, 8)).toEqual([
      '   ▾ docs/                                      2 B dir',
      '       readme.md                                1 B file',
      '›      «needle»-notes.txt                       1 B file',
      '     zeta.txt                                   1 B file',
    ]);
    expect(treePane(await app.press(['N'], '1 of 2'))[3]).toBe(
      '›          «needle».txt                         1 B file',
    );
  });

  it('says no match when nothing in the whole tree matches', async () => {
    const app = renderShell(snapshot('search', tree()));
    await app.until('▸ alpha/');
    expect(statusOf(await app.press(['/haystack', KEY.enter], 'no match'))).toBe(
      ' ? help · tab pane · q quit · 1/3 · search: haystack (no match)',
    );
  });

  it('shows that it is searching, and esc cancels a search that takes long', async () => {
    const app = renderShell(snapshot('search', dirNode('', [stuck, file('after.txt')])));
    await app.until('▸ slow/');
    const searching = await app.press(['/after', KEY.enter], 'esc cancels');
    expect(statusOf(searching)).toMatch(/^ searching "after"… \d+ folders, 0 matches · esc cancels$/);
    expect(statusOf(await app.press([KEY.esc], 'cancelled'))).toBe(
      ' search cancelled · ? help · tab pane · q quit · 2/2 · search: after (n/N)',
    );
    // Typing found the row shown already; keys move again.
    expect(treePane(await app.press(['k'], '1/2'))[0]).toBe('›  ▸ slow/                                          dir');
  });

  it('reports progress as it loads folders and hands back what it loaded with every match', async () => {
    const slowly =
      (children: TreeNode[]): (() => Promise<TreeNode[]>) =>
      async () => {
        // Longer than a slice of the scan, so each folder ends one and reports.
        await new Promise((resolve) => setTimeout(resolve, 40));
        return children;
      };
    const root: TreeNode = {
      ...dirNode('', []),
      children: slowly([
        { ...dirNode('a', []), children: slowly([file('match-1')]) },
        { ...dirNode('b', []), children: slowly([file('match-2')]) },
      ]),
    };
    const seen: number[] = [];
    const result = await scanTree({
      tree: initialTree(rootEntry(root), 10),
      load: browseChildren,
      scan: { id: 1, purpose: 'search', text: 'MATCH', folders: 0, matches: 0 },
      cancelled: () => false,
      progress: (folders) => seen.push(folders),
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(result?.matches).toEqual([
      ['a', 'a/match-1'],
      ['b', 'b/match-2'],
    ]);
    expect(result?.loaded.map(([path]) => path)).toEqual(['', 'a', 'b']);
    const state = treeReducer(initialTree(rootEntry(root), 10), { type: 'scanned', result: result ?? ({} as never) });
    expect(state.search).toBeNull();
    expect([...state.children.keys()]).toEqual(['', 'a', 'b']);
  });
});

describe('the name filter (ctrl+f)', () => {
  it('shows only matching paths with the folders above them, and esc shows everything again', async () => {
    const app = renderShell(snapshot('filter', tree()));
    await app.until('▸ alpha/');
    await app.press([CTRL_F], 'filter names:');
    const filtered = await app.press(['needle', KEY.enter], '2 matches');
    expect(treePane(filtered)).toEqual([
      '   ▾ alpha/                                     1 B dir',
      '     ▾ beta/                                    1 B dir',
      '       ▾ gamma/                                 1 B dir',
      '›          needle.txt                           1 B file',
      '   ▾ docs/                                      2 B dir',
      '       needle-notes.txt                         1 B file',
    ]);
    expect(statusOf(filtered)).toBe(' ? help · tab pane · q quit · 4/6 · filter: needle (2 matches)');
    const all = await app.press([KEY.esc], 'readme.md');
    expect(treePane(all)).toHaveLength(8);
    expect(statusOf(all)).toBe(' ? help · tab pane · q quit · 4/8');
  });

  it('keeps the whole tree and says no match when nothing matches', async () => {
    const app = renderShell(snapshot('filter', tree()));
    await app.until('▸ alpha/');
    const none = await app.press([CTRL_F, 'haystack', KEY.enter], 'no match');
    expect(statusOf(none)).toBe(' ? help · tab pane · q quit · 1/3 · filter: haystack (no match)');
    expect(treePane(none)).toHaveLength(3);
  });
});

describe('searching the diff view', () => {
  it('looks only at what the change filter shows', async () => {
    const folder = tempDir('snapinspect-search-');
    const app = await renderApp(
      await openDiff(writeTar(folder, 'before.tar', BEFORE), writeTar(folder, 'after.tar', AFTER)),
    );
    // blob.bin is the same on both sides, so hidden while only changes show.
    expect(statusOf(await app.press('/blob', KEY.enter))).toBe(
      ' ? help · tab pane · q quit · 1/2 · search: blob (no match)',
    );
    await app.press(KEY.esc, '/motd', KEY.enter);
    const found = await app.press();
    expect(statusOf(found)).toBe(' ? help · tab pane · q quit · 3/4 · search: motd (1 of 1, n/N)');
    expect(treePane(found)[2]).toBe('›m     «motd»                                   8 B file');
  });
});
