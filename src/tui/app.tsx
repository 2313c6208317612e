import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { keyNames } from './keys.js';
import { merged, type Line } from './lines.js';
import { folderSizes, hexWindow, textLines } from './loaders.js';
import type { ViewModel } from './model.js';
import { frameLines, HEADER_ROWS, STATUS_ROWS } from './frame.js';
import { initialTree } from './tree-state.js';
import { initialUi, uiReducer, type Dispatch, type ShellRequest, type UiState } from './ui-state.js';
import { useMemoryEffects } from './memory-effects.js';
import { childListOf } from './model.js';
import { useScan } from './scan.js';

export interface AppProps {
  model: ViewModel;
  /** Colours off for NO_COLOR; marks and glyphs stay. */
  color: boolean;
  /** The state this view was left in, to come back to it as it was. */
  saved?: UiState | null;
  /** Opened from another snapshot: esc goes back there rather than quitting. */
  nested?: boolean;
  /** Opening a child snapshot, a diff of two, or going back: the shell's work, handed the state to return to. */
  onRequest?: (request: ShellRequest, state: UiState) => void;
}

/** The frame stays one row shorter than the terminal, so the terminal never scrolls. */
export function useTerminalSize(): { width: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { width: number; rows: number } => ({ width: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const update = (): void => setSize(read());
    stdout.on('resize', update);
    return () => {
      stdout.off('resize', update);
    };
  });
  return size;
}

export function mainHeight(rows: number): number {
  return Math.max(3, rows - 1 - HEADER_ROWS - STATUS_ROWS);
}

export function App({ model, color, saved, nested, onRequest }: AppProps) {
  const { exit } = useApp();
  const { width, rows } = useTerminalSize();
  const height = mainHeight(rows);
  const [state, dispatch] = useReducer(
    uiReducer,
    undefined,
    () =>
      saved ??
      initialUi(
        model.kind,
        initialTree(model.root, height, model.kind === 'diff' ? model.index : null),
        height,
        width,
        {
          nested: nested ?? false,
          childCount: childListOf(model)?.children.length ?? 0,
        },
      ),
  );
  useEffect(() => dispatch({ type: 'resize', height, mapWidth: width }), [height, width]);
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);
  useTreeLoading(state, model, dispatch);
  useContentLoading(state, model, dispatch, width);
  useMemoryEffects(state, dispatch);
  useScan(state, model, dispatch);
  const handed = useRef<ShellRequest | null>(null);
  useEffect(() => {
    if (!state.request || state.request === handed.current) return;
    handed.current = state.request;
    onRequest?.(state.request, state);
  });
  useInput((input, key) => {
    for (const press of keyNames(input, key)) dispatch({ type: 'press', ...press });
  });
  return <Frame lines={frameLines(state, model, width)} color={color} />;
}

export function Frame({ lines, color }: { lines: Line[]; color: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, row) => (
        <Box key={row} height={1}>
          {textRuns(line).map((segment, index) => (
            <Text
              key={index}
              wrap="truncate"
              color={color ? segment.color : undefined}
              inverse={segment.inverse}
              bold={segment.bold}
            >
              {segment.text}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}

/** Printable ASCII: string-width measures a run of it by its length; any other character sends the whole text through a grapheme segmenter. */
const ascii = /^[\u0020-\u007e]*$/;

/**
 * A line as Ink Text nodes: runs of printable ASCII apart from the rest, which Ink measures at
 * once, and without the blank end of the line, which Ink clears anyway. A frame of 120 × 40 then
 * takes Ink about half the time.
 */
export function textRuns(line: Line): Line {
  const out: Line = [];
  for (const segment of merged(line)) {
    let start = 0;
    for (let index = 1; index <= segment.text.length; index++) {
      if (
        index < segment.text.length &&
        ascii.test(segment.text[index] as string) === ascii.test(segment.text[index - 1] as string)
      )
        continue;
      out.push({ ...segment, text: segment.text.slice(start, index) });
      start = index;
    }
  }
  const last = out[out.length - 1];
  if (last && !last.inverse) {
    const text = last.text.trimEnd();
    if (text) out[out.length - 1] = { ...last, text };
    else out.pop();
  }
  return out;
}

/** Starts loading folders the reducer marked as loading; sizes of their subfolders follow. */
function useTreeLoading(state: UiState, model: ViewModel, dispatch: Dispatch): void {
  const started = useRef(new Set<string>());
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  useEffect(() => {
    for (const path of state.tree.loading) {
      if (started.current.has(path)) continue;
      started.current.add(path);
      const entry = path === '' ? model.root : state.tree.rows.find((row) => row.entry.path === path)?.entry;
      if (!entry) continue;
      model
        .load(entry)
        .catch(() => [])
        .then((children) => {
          if (!alive.current) return;
          dispatch({ type: 'tree', action: { type: 'loaded', path, children } });
          return folderSizes(
            children,
            (sizes) => dispatch({ type: 'tree', action: { type: 'sizes', sizes } }),
            () => !alive.current,
          );
        })
        .catch(() => undefined);
    }
  }, [state.tree.loading, state.tree.rows, model, dispatch]);
}

/** Reads what a text or hex overlay shows; a newer request makes an older answer stale. */
function useContentLoading(state: UiState, model: ViewModel, dispatch: Dispatch, width: number): void {
  const overlay = state.overlay;
  const wanted = overlay?.kind === 'text' || overlay?.kind === 'hex' ? overlay : null;
  const needsLines = wanted !== null && wanted.lines === null;
  useEffect(() => {
    if (!wanted || !needsLines) return;
    let current = true;
    const reading =
      wanted.kind === 'hex'
        ? hexWindow(wanted.entry, { top: wanted.top, rows: state.height - 1 }, model.secrets)
        : textLines(wanted.entry, model, wanted.sideBySide ? width : null);
    reading
      .catch((error: unknown) => [`cannot read: ${error instanceof Error ? error.message : String(error)}`])
      .then((lines) => {
        if (current) dispatch({ type: 'lines', lines });
      });
    return () => {
      current = false;
    };
  }, [wanted, needsLines, model, dispatch, state.height, width]);
}
