import { createElement } from 'react';
import { render } from 'ink-testing-library';
import type { ChildSnapshot, Snapshot } from '../../src/model/snapshot.js';
import { BytesSource } from '../../src/model/source.js';
import type { TreeNode } from '../../src/model/tree.js';
import { comparer } from '../../src/tui/compare.js';
import { browseModel } from '../../src/tui/model.js';
import { Shell } from '../../src/tui/shell.js';
import { pause, settleFrame } from './tui-builder.js';

/** Frames as ink-testing-library shows them (100 × 24, no colour): the tree pane and the status line. */
export const treePane = (frame: string): string[] =>
  frame
    .split('\n')
    .slice(2, -1)
    .map((line) => line.slice(0, 60).trimEnd())
    .filter(Boolean);
export const statusOf = (frame: string): string => (frame.split('\n').at(-1) ?? '').trimEnd();

export const file = (name: string, data = 'x'): TreeNode => ({
  name,
  kind: 'file',
  size: data.length,
  attrs: {},
  content: new BytesSource(new TextEncoder().encode(data)),
});

export function snapshot(title: string, root: TreeNode, children: ChildSnapshot[] = []): Snapshot {
  return { format: 'test', title, metadata: {}, root, children, diagnostics: [] };
}

export const childOf = (selector: string, opened: Snapshot): ChildSnapshot => ({
  selector,
  title: opened.title,
  summary: {},
  open: () => Promise.resolve(opened),
});

export const CTRL_F = '\u0006';
export const BACKSPACE = '\u007f';

/** Renders the shell around `top` and offers `press`, which waits until the frame shows what is expected. */
export function renderShell(top: Snapshot) {
  const app = render(
    createElement(Shell, {
      prepare: () => Promise.resolve(browseModel(top, 'hide')),
      color: false,
      compare: comparer(
        { ignoreMtime: false, dirMtimes: false, exclude: [], showSecrets: false },
        new Set(['files', 'memory', 'metadata']),
      ),
    }),
  );
  const settle = (): Promise<string> => settleFrame(app.lastFrame);
  /** Polls the frame until `wanted` is in it; a loaded machine only makes it slower, never wrong. */
  const until = async (wanted: string): Promise<string> => {
    const deadline = Date.now() + 20_000;
    while (!(app.lastFrame() ?? '').includes(wanted)) {
      if (Date.now() > deadline) throw new Error(`"${wanted}" never appeared; the frame shows:\n${app.lastFrame()}`);
      await pause(10);
    }
    return settle();
  };
  /** Sends keys one by one, each once the frame settled after the one before. */
  const press = async (keys: string[], wanted: string): Promise<string> => {
    for (const key of keys) {
      app.stdin.write(key);
      await settle();
    }
    return until(wanted);
  };
  return { ...app, until, press };
}
