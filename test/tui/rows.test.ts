import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../src/model/source.js';
import { dirNode, type TreeNode } from '../../src/model/tree.js';
import { textRuns } from '../../src/tui/app.js';
import { browseChildren, rootEntry, type Entry } from '../../src/tui/entries.js';
import { lineText } from '../../src/tui/lines.js';
import { sortOrder } from '../../src/tui/sort.js';
import { initialTree, treeReducer, type TreeState } from '../../src/tui/tree-state.js';

const file = (name: string, size: number, second: number): TreeNode => ({
  name,
  kind: 'file',
  size,
  attrs: {},
  mtime: { epochNs: BigInt(second) * 1_000_000_000n, toISOString: () => '' } as TreeNode['mtime'],
  content: new BytesSource(new Uint8Array(size)),
});

/** Files in archive order, with ties in size: d and b weigh 5, c and a weigh 1. */
const folder = (): Promise<Entry[]> =>
  browseChildren(rootEntry(dirNode('', [file('d', 5, 1), file('c', 1, 2), file('b', 5, 3), file('a', 1, 4)])));
const names = (children: Entry[], order: readonly number[]): string[] =>
  order.map((index) => children[index]?.name ?? '?');

describe('sort orders', () => {
  it('orders by size with ties by name, both ways, and by time and name', async () => {
    const children = await folder();
    const sizes = new Map<string, number>();
    expect(names(children, sortOrder(children, { key: 'size', reverse: false }, sizes))).toEqual(['b', 'd', 'a', 'c']);
    expect(names(children, sortOrder(children, { key: 'size', reverse: true }, sizes))).toEqual(['a', 'c', 'b', 'd']);
    expect(names(children, sortOrder(children, { key: 'mtime', reverse: false }, sizes))).toEqual(['a', 'b', 'c', 'd']);
    expect(names(children, sortOrder(children, { key: 'name', reverse: true }, sizes))).toEqual(['d', 'c', 'b', 'a']);
  });

  it('keeps each order made, and makes a size order again once folder sizes change', async () => {
    const children = await folder();
    const sizes = new Map<string, number>();
    const bySize = sortOrder(children, { key: 'size', reverse: false }, sizes);
    sortOrder(children, { key: 'name', reverse: false }, sizes);
    expect(sortOrder(children, { key: 'size', reverse: false }, sizes)).toBe(bySize);
    expect(sortOrder(children, { key: 'size', reverse: false }, new Map(sizes))).not.toBe(bySize);
  });

  it('reuses the rows of a closed folder when sorting back, with the cursor on its entry', async () => {
    let state: TreeState = initialTree(
      rootEntry(dirNode('', [file('d', 5, 1), file('c', 1, 2), file('b', 5, 3), file('a', 1, 4)])),
      10,
    );
    state = treeReducer(state, { type: 'loaded', path: '', children: await folder() });
    const press = (current: TreeState, action: 'sortSize' | 'sortName' | 'down'): TreeState =>
      treeReducer(current, { type: 'key', action });
    const bySize = press(press(state, 'down'), 'sortSize');
    expect([bySize.rows.map((row) => row.entry.name), bySize.rows[bySize.cursor]?.entry.name]).toEqual([
      ['b', 'd', 'a', 'c'],
      'c',
    ]);
    const back = press(press(bySize, 'sortName'), 'sortSize');
    expect(back.rows.map((row) => row.entry.name)).toEqual(['b', 'd', 'a', 'c']);
    expect(back.rows[0]).toBe(bySize.rows[0]);
  });
});

describe('text runs of a frame line', () => {
  it('keeps printable ASCII apart from other characters and drops the blank end', () => {
    const runs = textRuns([
      { text: '› M  ▸ file.txt  ', color: 'yellow' },
      { text: '│' },
      { text: 'Path: file.txt      ' },
    ]);
    expect(runs.map((run) => run.text)).toEqual(['›', ' M  ', '▸', ' file.txt  ', '│', 'Path: file.txt']);
    expect(runs[1]).toEqual({ text: ' M  ', color: 'yellow' });
  });

  it('keeps the blank end of a selected (inverse) line and drops a blank line entirely', () => {
    expect(lineText(textRuns([{ text: 'name   ', inverse: true }]))).toBe('name   ');
    expect(textRuns([{ text: '      ' }])).toEqual([]);
  });
});
