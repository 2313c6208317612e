import type { Action } from './keys.js';
import type { Entry } from './entries.js';
import type { PageClass } from './page-map.js';
import type { ScanResult } from './search.js';
import type { TreeAction, TreeState } from './tree-state.js';

/** A full-screen panel over the tree; its lines are loaded by effects and arrive as actions. */
export type Overlay =
  | { kind: 'help'; top: number }
  | { kind: 'diagnostics'; top: number }
  | { kind: 'children'; cursor: number; marked: number[] }
  | { kind: 'text'; entry: Entry; top: number; lines: string[] | null; sideBySide: boolean }
  | { kind: 'hex'; entry: Entry; top: number; lines: string[] | null }
  | { kind: 'memory'; entry: Entry; cursor: number; map: PageMap | null; progress: number; dump: string[] | null };

/** A memory's pages drawn into the cells there is room for, `group` pages per cell. */
export interface PageMap {
  cells: PageClass[];
  group: number;
  pages: number;
}

/** What the UI asks of the shell around it: open a child snapshot, diff two, or go back to the parent. */
export type ShellRequest =
  { kind: 'child'; index: number } | { kind: 'diff'; indices: [number, number] } | { kind: 'parent' };

/** A whole-tree scan for a search or the name filter, loading folders as it goes. */
export interface Scan {
  id: number;
  purpose: ScanResult['purpose'];
  text: string;
  folders: number;
  matches: number;
}

export interface UiState {
  view: 'browse' | 'diff';
  tree: TreeState;
  pane: 'tree' | 'details';
  detailsTop: number;
  overlay: Overlay | null;
  /** The filter line is open in the status line: its keys toggle change kinds, the tree follows live. */
  filtering: boolean;
  /** Rows the main area has (terminal height minus header and status line). */
  height: number;
  /** Cells per row of the memory page map. */
  mapWidth: number;
  quit: boolean;
  /** This snapshot was opened from another one, which esc and Backspace return to. */
  nested: boolean;
  /** How many child snapshots the `c` list shows. */
  childCount: number;
  request: ShellRequest | null;
  scan: Scan | null;
  /** Scans started so far: a scan's id, so the answer of a cancelled one is dropped. */
  scans: number;
  /** The name filter's text while it is typed (ctrl+f); null when its line is closed. */
  nameInput: string | null;
  /** A one-off message for the status line, gone with the next key. */
  notice: string | null;
}

export type Dispatch = (action: UiAction) => void;

export type UiAction =
  | { type: 'press'; name: string; input: string }
  | { type: 'key'; action: Action }
  | { type: 'tree'; action: TreeAction }
  | { type: 'resize'; height: number; mapWidth: number }
  | { type: 'lines'; lines: string[] }
  | { type: 'memory'; classes: PageClass[] | null; progress: number }
  | { type: 'dump'; lines: string[] }
  | { type: 'scanProgress'; id: number; folders: number; matches: number }
  | { type: 'scanDone'; id: number; result: ScanResult };
