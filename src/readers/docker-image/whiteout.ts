/** Layer-tar naming conventions for deletions (docs/formats/containers.md, Whiteouts, image-spec `layer.md`). */
const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
const AUFS_PREFIX = '.wh..wh.';

export type WhiteoutName =
  | { kind: 'entry' }
  | { kind: 'opaque' }
  | { kind: 'whiteout'; target: string }
  /** AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`, …): never part of the image's filesystem. */
  | { kind: 'aufs' }
  /** `.wh.`, `.wh..`, `.wh...`: would name the directory itself, its parent or nothing. */
  | { kind: 'invalid' };

export function classifyName(name: string): WhiteoutName {
  if (!name.startsWith(WHITEOUT_PREFIX)) return { kind: 'entry' };
  if (name === OPAQUE_MARKER) return { kind: 'opaque' };
  if (name.startsWith(AUFS_PREFIX)) return { kind: 'aufs' };
  const target = name.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') return { kind: 'invalid' };
  return { kind: 'whiteout', target };
}
