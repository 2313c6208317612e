import { describe, expect, it } from 'vitest';
import { colorLevel, tuiEnvironment } from '../../src/interactive.js';
import { rootEntry } from '../../src/tui/entries.js';
import { lineText } from '../../src/tui/lines.js';
import { treeLines } from '../../src/tui/tree-lines.js';
import { initialTree, treeReducer } from '../../src/tui/tree-state.js';
import { browseChildren } from '../../src/tui/entries.js';
import { dirNode } from '../../src/model/tree.js';
import { file } from '../helpers/shell-builder.js';

describe('when the terminal UI uses colour', () => {
  it('follows the terminal: on for a terminal with a TERM, off when piped, unset or dumb', () => {
    expect(colorLevel({ TERM: 'xterm' }, true)).toBe(1);
    expect(colorLevel({ TERM: 'tmux-256color' }, true)).toBe(2);
    expect(colorLevel({ TERM: 'xterm-256color', COLORTERM: 'truecolor' }, true)).toBe(3);
    expect(colorLevel({ TERM: 'xterm' }, false)).toBe(0);
    expect(colorLevel({}, true)).toBe(0);
    expect(colorLevel({ TERM: 'dumb' }, true)).toBe(0);
  });

  it('turns off for a non-empty NO_COLOR, and FORCE_COLOR decides before anything else', () => {
    expect(colorLevel({ TERM: 'xterm', NO_COLOR: '1' }, true)).toBe(0);
    expect(colorLevel({ TERM: 'xterm', NO_COLOR: '' }, true)).toBe(1);
    expect(colorLevel({ FORCE_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel({ FORCE_COLOR: '', NO_COLOR: '1' }, false)).toBe(1);
    expect(colorLevel({ FORCE_COLOR: '3' }, false)).toBe(3);
    expect(colorLevel({ FORCE_COLOR: '0', TERM: 'xterm' }, true)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: 'false', TERM: 'xterm' }, true)).toBe(0);
  });

  it('ignores CI: Ink is told it is not in CI and chalk gets the level through FORCE_COLOR', () => {
    expect(tuiEnvironment({ TERM: 'xterm-256color', CI: 'true' }, true)).toEqual({ FORCE_COLOR: '2', CI: 'false' });
    expect(tuiEnvironment({ TERM: 'xterm', CONTINUOUS_INTEGRATION: '1', NO_COLOR: 'x' }, true)).toEqual({
      FORCE_COLOR: '0',
      CONTINUOUS_INTEGRATION: 'false',
    });
    expect(tuiEnvironment({ TERM: 'xterm' }, true)).toEqual({ FORCE_COLOR: '1' });
  });
});

describe('the selected row', () => {
  it('is one inverse bar from the cursor mark to the kind, with no gap between name and size', async () => {
    let tree = initialTree(rootEntry(dirNode('', [file('a.txt'), file('b.txt')])), 5);
    tree = treeReducer(tree, { type: 'loaded', path: '', children: await browseChildren(tree.root) });
    const [selected, other] = treeLines(tree, 60, new Set(), true);
    expect(lineText(selected ?? [])).toBe('›    a.txt                                      1 B file    ');
    expect(selected?.every((segment) => segment.inverse)).toBe(true);
    expect(other?.some((segment) => segment.inverse)).toBe(false);
  });
});
