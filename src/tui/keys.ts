import type { Key } from 'ink';

/** Everything a key can ask for; reducers handle these and nothing else. */
export type Action =
  | 'up'
  | 'down'
  | 'collapse'
  | 'expand'
  | 'toggle'
  | 'top'
  | 'bottom'
  | 'pageUp'
  | 'pageDown'
  | 'search'
  | 'nameFilter'
  | 'nextMatch'
  | 'previousMatch'
  | 'sortSize'
  | 'sortName'
  | 'sortMtime'
  | 'switchPane'
  | 'view'
  | 'hex'
  | 'filter'
  | 'filterAdded'
  | 'filterRemoved'
  | 'filterModified'
  | 'filterMetadata'
  | 'filterUnchanged'
  | 'filterDone'
  | 'children'
  | 'mark'
  | 'diffChildren'
  | 'parent'
  | 'diagnostics'
  | 'help'
  | 'back'
  | 'quit';

/**
 * Where a binding applies: `diff` only in the diff view, `searched` only after a search was entered,
 * `filtering` while the filter line is open, `children` in the list of child snapshots.
 */
export type KeyContext = 'always' | 'browse' | 'diff' | 'searched' | 'unsearched' | 'filtering' | 'children';

export interface KeyBinding {
  action: Action;
  /** Key names as `keyName` reports them: a printable character, or `up`, `pageDown`, `ctrl+c`, … */
  keys: string[];
  description: string;
  context: KeyContext;
}

/** The one key table: input handling, the help overlay and the README's table all read it. */
export const keyTable: readonly KeyBinding[] = [
  { action: 'up', keys: ['up', 'k'], description: 'move up', context: 'always' },
  { action: 'down', keys: ['down', 'j'], description: 'move down', context: 'always' },
  { action: 'collapse', keys: ['left', 'h'], description: 'collapse, or go to the parent', context: 'always' },
  { action: 'expand', keys: ['right', 'l'], description: 'expand a folder', context: 'always' },
  {
    action: 'toggle',
    keys: ['enter', 'space'],
    description: 'expand / collapse a folder, view a file, pick in a list',
    context: 'always',
  },
  { action: 'top', keys: ['g', 'home'], description: 'first row', context: 'always' },
  { action: 'bottom', keys: ['G', 'end'], description: 'last row', context: 'always' },
  { action: 'pageUp', keys: ['pageUp'], description: 'page up', context: 'always' },
  { action: 'pageDown', keys: ['pageDown'], description: 'page down', context: 'always' },
  {
    action: 'search',
    keys: ['/'],
    description: 'search names: the rows shown as you type, then enter searches the whole tree (esc cancels)',
    context: 'always',
  },
  {
    action: 'nameFilter',
    keys: ['ctrl+f'],
    description: 'show only entries whose name matches, with their folders (enter applies, empty clears)',
    context: 'always',
  },
  { action: 'nextMatch', keys: ['n'], description: 'next match, opening the folders on the way', context: 'searched' },
  { action: 'previousMatch', keys: ['N'], description: 'previous match', context: 'searched' },
  { action: 'sortSize', keys: ['s'], description: 'sort by size (again to reverse)', context: 'always' },
  { action: 'sortName', keys: ['n'], description: 'sort by name (again to reverse)', context: 'unsearched' },
  { action: 'sortMtime', keys: ['m'], description: 'sort by modification time (again to reverse)', context: 'always' },
  { action: 'switchPane', keys: ['tab'], description: 'switch between tree and details pane', context: 'always' },
  {
    action: 'view',
    keys: ['v'],
    description: 'view content: text, page map of a memory, diff of a changed file',
    context: 'always',
  },
  { action: 'hex', keys: ['x'], description: 'view content as hex', context: 'always' },
  {
    action: 'filter',
    keys: ['f'],
    description: 'filter line: show or hide each change kind and unchanged entries',
    context: 'diff',
  },
  { action: 'filterAdded', keys: ['+', 'a'], description: 'show / hide added entries', context: 'filtering' },
  { action: 'filterRemoved', keys: ['-', 'r'], description: 'show / hide removed entries', context: 'filtering' },
  { action: 'filterModified', keys: ['M'], description: 'show / hide modified entries', context: 'filtering' },
  {
    action: 'filterMetadata',
    keys: ['m'],
    description: 'show / hide entries whose metadata alone changed',
    context: 'filtering',
  },
  { action: 'filterUnchanged', keys: ['u'], description: 'show / hide unchanged entries', context: 'filtering' },
  { action: 'filterDone', keys: ['f', 'enter', 'esc'], description: 'close the filter line', context: 'filtering' },
  {
    action: 'children',
    keys: ['c'],
    description: "child snapshots (LXD snapshots, image layers, qcow2 snapshots); in a child without any, its parent's",
    context: 'browse',
  },
  { action: 'mark', keys: ['space'], description: 'mark a child snapshot for a diff', context: 'children' },
  {
    action: 'diffChildren',
    keys: ['D'],
    description: 'diff the marked child snapshot with the one under the cursor (or the two marked)',
    context: 'children',
  },
  { action: 'parent', keys: ['backspace'], description: 'back to the parent snapshot', context: 'always' },
  {
    action: 'diagnostics',
    keys: ['d'],
    description: 'diagnostics list: what opening found, then what each folder raised as the UI loaded it',
    context: 'always',
  },
  { action: 'help', keys: ['?'], description: 'this help', context: 'always' },
  {
    action: 'back',
    keys: ['esc'],
    description: 'close the overlay, search or name filter; then back to the parent snapshot; quit at the top',
    context: 'always',
  },
  { action: 'quit', keys: ['q', 'ctrl+c'], description: 'quit and restore the terminal', context: 'always' },
];

const keyLabels: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  home: 'Home',
  end: 'End',
};

export function keyLabel(key: string): string {
  return keyLabels[key] ?? key;
}

const controlNames: Record<string, string> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
  ' ': 'space',
};

/**
 * The key names in what Ink reports. Ink hands over a run of plain characters typed or sent
 * quickly (`jj`, `foo` pasted into a search) as one input, so each character becomes a key.
 */
export function keyNames(input: string, key: Key): { name: string; input: string }[] {
  const single = keyName(input, key);
  if (single !== input || input.length <= 1 || key.ctrl || key.meta) return [{ name: single, input }];
  return Array.from(input, (char) => ({ name: controlNames[char] ?? char, input: char }));
}

/** The name a key table entry uses for one key Ink reports. */
export function keyName(input: string, key: Key): string {
  if (key.ctrl && input) return `ctrl+${input}`;
  const named: [boolean, string][] = [
    [key.upArrow, 'up'],
    [key.downArrow, 'down'],
    [key.leftArrow, 'left'],
    [key.rightArrow, 'right'],
    [key.pageUp, 'pageUp'],
    [key.pageDown, 'pageDown'],
    [key.home, 'home'],
    [key.end, 'end'],
    [key.return, 'enter'],
    [key.escape, 'esc'],
    [key.tab, 'tab'],
    [key.backspace || key.delete, 'backspace'],
  ];
  const found = named.find(([pressed]) => pressed);
  if (found) return found[1];
  return input === ' ' ? 'space' : input;
}

export interface KeyState {
  view: 'browse' | 'diff';
  searched: boolean;
  filtering?: boolean;
  /** The list of child snapshots is open. */
  children?: boolean;
}

const applies: Record<KeyContext, (state: KeyState) => boolean> = {
  always: () => true,
  browse: (state) => state.view === 'browse',
  diff: (state) => state.view === 'diff',
  searched: (state) => state.searched,
  unsearched: (state) => !state.searched,
  filtering: (state) => state.filtering === true,
  children: (state) => state.children === true,
};

/**
 * While the filter line or the child list is open its keys come first, so `m` toggles metadata
 * rather than sorting and space marks a child rather than opening it.
 */
export function actionFor(name: string, state: KeyState): Action | undefined {
  const matches = keyTable.filter((binding) => binding.keys.includes(name) && applies[binding.context](state));
  const first = matches.find((binding) => binding.context === 'filtering' || binding.context === 'children');
  return (first ?? matches[0])?.action;
}

const contextNotes: Record<KeyContext, string> = {
  always: '',
  browse: ' (browse view)',
  diff: ' (diff view)',
  searched: ' (after a search)',
  unsearched: ' (no search active)',
  filtering: ' (filter line open)',
  children: ' (child snapshot list)',
};

/** One line per binding, for the help overlay. */
export function helpLines(): string[] {
  return keyTable.map(
    (binding) =>
      `${binding.keys.map(keyLabel).join(' ').padEnd(18)} ${binding.description}${contextNotes[binding.context]}`,
  );
}

/** The README's key table, generated from the same bindings. */
export function keyTableMarkdown(): string[] {
  return [
    '| keys | action |',
    '|---|---|',
    ...keyTable.map(
      (binding) =>
        `| ${binding.keys.map((key) => `\`${keyLabel(key)}\``).join(' ')} | ${binding.description}${contextNotes[binding.context]} |`,
    ),
  ];
}
