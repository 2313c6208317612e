import type { NodeKind, TreeNode } from '../model/tree.js';

const kindLetters: Record<NodeKind, string> = {
  dir: 'd',
  file: '-',
  symlink: 'l',
  hardlink: 'h',
  device: 'c',
  fifo: 'p',
  memory: 'm',
  record: 'r',
  whiteout: 'w',
};

/** `drwxr-xr-x` as ls prints it; the first letter also marks snapinspect's own kinds (m memory, r record). */
export function modeString(node: TreeNode): string {
  const mode = node.mode ?? (node.kind === 'dir' ? 0o755 : 0o644);
  const bits = ['r', 'w', 'x'];
  let text = kindLetters[node.kind];
  for (let shift = 8; shift >= 0; shift--) text += mode & (1 << shift) ? bits[(8 - shift) % 3] : '-';
  return text;
}

export function octalMode(mode: number | undefined): string | null {
  return mode === undefined ? null : `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
