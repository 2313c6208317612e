import { useApp, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { escapeForDisplay } from '../model/display.js';
import { errorMessage } from '../model/errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { App, Frame } from './app.js';
import type { Compare } from './compare.js';
import { actionFor, keyName } from './keys.js';
import { plain } from './lines.js';
import { browseModel, childListOf, type ViewModel } from './model.js';
import type { ShellRequest, UiState } from './ui-state.js';

/** Work that runs inside the UI before there is anything to show (opening, comparing), reporting a status line. */
export type Prepare = (report: (status: string) => void) => Promise<ViewModel>;

export interface ShellProps {
  prepare: Prepare;
  color: boolean;
  /** Compares two child snapshots picked in the list; without it the list cannot diff. */
  compare?: Compare;
}

/** One snapshot (or diff) on the stack, with the state it was left in when a child was opened from it. */
interface Level {
  id: number;
  model: ViewModel;
  saved: UiState | null;
  nested: boolean;
}

/** A state to come back to: the request that left it is done and the list it was made in closed. */
const resting = (state: UiState, notice: string | null = null): UiState => ({
  ...state,
  request: null,
  overlay: null,
  notice,
});

/**
 * Shows progress while the model is prepared, then the browser. Child snapshots and diffs of two of
 * them open on a stack: esc or Backspace returns to the level below exactly as it was left.
 */
export function Shell({ prepare, color, compare }: ShellProps) {
  const { exit } = useApp();
  const [levels, setLevels] = useState<Level[]>([]);
  const [status, setStatus] = useState<string | null>('opening…');
  const ids = useRef(0);
  const work = useRef(0);
  const fail = (error: unknown): void => exit(error instanceof Error ? error : new Error(errorMessage(error)));
  const level = (model: ViewModel, nested: boolean): Level => ({ id: ++ids.current, model, saved: null, nested });
  useEffect(() => {
    prepare(setStatus).then((model) => {
      setLevels([level(model, false)]);
      setStatus(null);
    }, fail);
    // Prepared once: the first level is the command line's snapshot.
  }, [prepare]);
  useInput(
    (input, key) => {
      const action = actionFor(keyName(input, key), { view: 'browse', searched: false });
      if (action === 'quit' || (action === 'back' && levels.length === 0)) exit();
      else if ((action === 'back' || action === 'parent') && levels.length > 0) {
        // Whatever is still opening is dropped; the snapshot it was opened from shows again.
        work.current++;
        setStatus(null);
      }
    },
    { isActive: status !== null },
  );
  const top = levels[levels.length - 1];
  if (status !== null || !top)
    return (
      <Frame
        lines={[
          plain(escapeForDisplay(status ?? '')),
          plain(levels.length > 0 ? 'esc goes back · q quits' : 'q quits'),
        ]}
        color={color}
      />
    );

  const below = levels.slice(0, -1);
  /** Runs `open` with its status shown; on success `next` becomes the stack, on failure the level stays with the error as a notice. */
  const opening = (what: string, open: (report: (status: string) => void) => Promise<Level[]>, left: UiState): void => {
    const mine = ++work.current;
    setLevels([...below, { ...top, saved: resting(left) }]);
    setStatus(what);
    open((text) => {
      if (work.current === mine) setStatus(text);
    }).then(
      (next) => {
        if (work.current !== mine) return;
        setLevels(next);
        setStatus(null);
      },
      (error: unknown) => {
        if (work.current !== mine) return;
        setLevels([...below, { ...top, saved: resting(left, `cannot open: ${errorMessage(error)}`) }]);
        setStatus(null);
      },
    );
  };
  const onRequest = (request: ShellRequest, state: UiState): void => {
    const list = childListOf(top.model);
    const kept = { ...top, saved: resting(state) };
    if (request.kind === 'parent') {
      setLevels(below);
      return;
    }
    if (!list) return;
    if (request.kind === 'child') {
      const child = list.children[request.index];
      if (!child) return;
      // A child picked from the parent's list takes the place of the child shown, so esc still leads to the parent.
      const base = list.owner === 'parent' ? below : [...below, kept];
      opening(
        `opening #${escapeForDisplay(child.selector)}…`,
        async () => [...base, level(browseModel(await child.open(), top.model.secrets, list), true)],
        state,
      );
      return;
    }
    const [first, second] = request.indices.map((index) => list.children[index]);
    if (!first || !second) return;
    if (!compare) {
      setLevels([...below, { ...top, saved: resting(state, 'diffing child snapshots is not available here') }]);
      return;
    }
    opening(
      `comparing #${escapeForDisplay(first.selector)} with #${escapeForDisplay(second.selector)}…`,
      async (report) => {
        const [before, after]: Snapshot[] = await Promise.all([first.open(), second.open()]);
        return [...below, kept, level(await compare(before as Snapshot, after as Snapshot, report), true)];
      },
      state,
    );
  };
  return (
    <App key={top.id} model={top.model} color={color} saved={top.saved} nested={top.nested} onRequest={onRequest} />
  );
}
