import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { Snapshot } from '../../src/model/snapshot.js';
import { dirNode } from '../../src/model/tree.js';
import { BACKSPACE, childOf, file, renderShell, snapshot, statusOf, treePane } from '../helpers/shell-builder.js';
import { KEY } from '../helpers/tui-builder.js';

afterEach(() => cleanup());

describe('the child snapshot stack', () => {
  const grandchild = snapshot('s1 inside web', dirNode('', [file('deep.txt')]));
  const layerA = snapshot('web', dirNode('', [dirNode('etc', [file('a.conf', 'port=80\n')]), file('one.txt')]), [
    childOf('s1', grandchild),
  ]);
  const layerB = snapshot('db', dirNode('', [dirNode('etc', [file('a.conf', 'port=8080\n')]), file('two.txt')]));
  const top = (): Snapshot =>
    snapshot('host', dirNode('', [dirNode('opt', [file('x.bin'), file('y.bin')]), file('z.txt')]), [
      childOf('web', layerA),
      childOf('db', layerB),
    ]);

  it('opens a child with c and enter, and esc brings the parent back with its cursor and open folders', async () => {
    const app = renderShell(top());
    await app.until('▸ opt/');
    await app.press(['l'], 'x.bin');
    const left = treePane(await app.press(['j', 'j'], '›      y.bin'));
    expect(left).toEqual([
      '   ▾ opt/                                       2 B dir',
      '       x.bin                                    1 B file',
      '›      y.bin                                    1 B file',
      '     z.txt                                      1 B file',
    ]);
    await app.press(['c'], 'Child snapshots of host');
    const child = await app.press(['j', KEY.enter], 'two.txt');
    expect(child.split('\n')[0]).toBe('test · db');
    expect(treePane(await app.press([KEY.esc], '›      y.bin'))).toEqual(left);
    // Backspace does the same, and a second esc at the top quits.
    await app.press(['c', KEY.enter], 'one.txt');
    expect(treePane(await app.press([BACKSPACE], '›      y.bin'))).toEqual(left);
  });

  it("keeps the list reachable in a child: its own children, or its parent's when it has none, and goes any depth", async () => {
    const app = renderShell(top());
    await app.until('▸ opt/');
    await app.press(['c', KEY.enter], 'one.txt');
    const own = await app.press(['c'], 'Child snapshots of web');
    expect(own.split('\n')[2]).toBe('Child snapshots of web: enter opens, space marks, D diffs, esc closes');
    await app.press([KEY.enter], 'deep.txt');
    const parents = await app.press(['c'], 'Children of the parent');
    expect(
      parents
        .split('\n')
        .slice(2, 5)
        .map((line) => line.trimEnd()),
    ).toEqual([
      'Children of the parent, web (this one has none): enter opens, space marks, D diffs, esc closes',
      '  Selector  Title',
      '› #s1       s1 inside web',
    ]);
    // Back twice: the grandchild, then the child, then the snapshot opened first.
    await app.press([KEY.esc, KEY.esc], 'one.txt');
    await app.press([KEY.esc], 'z.txt');
  });

  it('diffs two children marked with space, or one marked and D on the other, and esc returns to the list', async () => {
    const app = renderShell(top());
    await app.until('▸ opt/');
    await app.press(['c', ' '], '*#web');
    const diff = await app.press(['j', 'D'], '+++ db');
    expect(diff.split('\n')[0]).toBe('--- web (test)  +++ db (test)');
    expect(treePane(await app.press(['l'], 'a.conf'))).toEqual([
      '›~ ▾ etc/                                      10 B dir',
      ' M     a.conf                                  10 B file',
      ' +   two.txt                                    1 B file',
      ' -   one.txt                                    1 B file',
    ]);
    await app.press([KEY.esc], 'z.txt');
  });

  it('says how to pick a pair when D has only one child', async () => {
    const app = renderShell(top());
    await app.until('▸ opt/');
    expect(statusOf(await app.press(['c', 'D'], 'mark a child'))).toBe(
      ' mark a child snapshot with space, then press D on another · ? help · tab pane · q quit · 1/2',
    );
  });
});
