import type { NodeKind, TreeNode } from '../model/tree.js';

const kindLetters: Record<NodeKind, string> = {
  dir: 'd',
  file: '-',
  symlink: 'l',
  hardlink: 'h',
  device: 'c',
  fifo: 'p',
  socket: 's',
  memory: 'm',
  record: 'r',
  whiteout: 'w',
};

/** Devices share one kind; the reader's `device` attribute (`blockdev 8:0`) tells ls -l's `b` from `c`. */
function kindLetter(node: TreeNode): string {
  const device = node.attrs.device;
  return node.kind === 'device' && typeof device === 'string' && device.startsWith('blockdev')
    ? 'b'
    : kindLetters[node.kind];
}

/** `drwxr-xr-x` as ls prints it, with s/S/t/T for setuid, setgid and sticky; the first letter also marks snapinspect's own kinds (m memory, r record). */
export function modeString(node: TreeNode): string {
  const mode = node.mode ?? (node.kind === 'dir' ? 0o755 : 0o644);
  const triplet = (shift: number, special: boolean, letter: string): string => {
    const execute = mode & (1 << shift);
    const x = special ? (execute ? letter : letter.toUpperCase()) : execute ? 'x' : '-';
    return `${mode & (4 << shift) ? 'r' : '-'}${mode & (2 << shift) ? 'w' : '-'}${x}`;
  };
  return (
    kindLetter(node) +
    triplet(6, (mode & 0o4000) !== 0, 's') +
    triplet(3, (mode & 0o2000) !== 0, 's') +
    triplet(0, (mode & 0o1000) !== 0, 't')
  );
}

export function octalMode(mode: number | undefined): string | null {
  return mode === undefined ? null : `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/** The fields of an entry that `ls --json` and manifests share; fields a format does not record are null. */
export function entryJson(path: string, node: TreeNode): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    path,
    kind: node.kind,
    size: node.size,
    mode: octalMode(node.mode),
    uid: node.uid ?? null,
    gid: node.gid ?? null,
    mtime: node.mtime?.toISOString() ?? null,
  };
  if (node.linkTarget !== undefined) entry.linkTarget = node.linkTarget;
  return entry;
}
