import { splitPath } from '../../model/paths.js';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { Source } from '../../model/source.js';
import type { TreeNode } from '../../model/tree.js';
import type { TarEntry } from '../shared/tar/types.js';
import { buildTarTree } from '../shared/tar-tree.js';
import type { VolumeMembers } from './members.js';
import type { InstanceKind } from './metadata.js';
import { pushAll } from '../../model/arrays.js';
import { browseDiskImage } from '../shared/disk/index.js';

export const DISK_NAME = 'root.img';
const DISK_NOTE = 'raw root disk of the VM or block volume; its partitions and files are listed inside it';
const BLOB_NOTE = 'optimized storage: a zfs or btrfs send stream, opaque to snapinspect';

export interface VolumeTree {
  root: TreeNode;
  /** How many members the tree holds, by kind; not where they sit, which would make every diff of two snapshots show a change. */
  facts: MetaRecord;
  diagnostics: Diagnostic[];
}

interface Picked {
  from: string;
  entries: TarEntry[];
  /** What is missing when nothing was picked, for LXD_ROOTFS_MISSING. */
  missing: string | null;
}

/**
 * The filesystem of one volume with paths as the instance sees them: a container's `rootfs/`
 * becomes the root, so `etc/os-release` reads as in the container. VMs and custom volumes show
 * their folder with the raw disk as `root.img`, as the dir pool stores it.
 */
export function volumeTree(found: VolumeMembers, kind: InstanceKind, source: Source): VolumeTree {
  const picked = kind === 'container' ? pickRootfs(found) : pickFolder(found, kind);
  const diagnostics: Diagnostic[] = [];
  let entries = picked.entries;
  let notes = new Map([[DISK_NAME, DISK_NOTE]]);
  if (entries.length === 0 && found.blobs.length > 0) {
    entries = found.blobs.map((blob) => ({ ...blob, path: splitPath(blob.path).pop() ?? '' }));
    notes = new Map(entries.map((entry) => [entry.path, BLOB_NOTE]));
  } else if (picked.missing !== null) {
    diagnostics.push(diagnostic('error', 'LXD_ROOTFS_MISSING', picked.missing, picked.from));
  }
  const tree = buildTarTree(entries, source);
  for (const [path, note] of notes) {
    const node = tree.byPath.get(path);
    if (node && node.kind === 'file') node.note = note;
  }
  const disk = tree.byPath.get(DISK_NAME);
  if (disk && kind !== 'container') browseDiskImage(disk, DISK_NAME);
  pushAll(diagnostics, tree.diagnostics);
  return { root: tree.root, facts: { members: entries.length, kinds: countKinds(entries) }, diagnostics };
}

function pickRootfs(found: VolumeMembers): Picked {
  const from = `${found.prefix}/rootfs`;
  const entries = found.members
    .filter(({ rel }) => rel[0] === 'rootfs')
    .map(({ entry, rel }) => relocated(entry, rel.slice(1), from));
  return {
    from,
    entries,
    missing: entries.length === 0 ? `${from} is not in the archive: this volume has no filesystem to show` : null,
  };
}

function pickFolder(found: VolumeMembers, kind: InstanceKind): Picked {
  const entries = found.members
    .filter(({ rel }) => rel.length > 0)
    .map(({ entry, rel }) => relocated(entry, rel, found.prefix));
  if (found.disk) entries.push({ ...found.disk, path: DISK_NAME });
  let missing: string | null = null;
  if (kind === 'virtual-machine' && !found.disk)
    missing = `${found.prefix}.img, the VM's root disk, is not in the archive`;
  if (kind === 'custom' && entries.length === 0 && found.members.length === 0)
    missing = `${found.prefix} is not in the archive: the volume has no content to show`;
  return { from: found.prefix, entries, missing };
}

/** A member with its path inside the volume; hard links name full archive paths, so theirs move too. */
function relocated(entry: TarEntry, rel: string[], from: string): TarEntry {
  const moved: TarEntry = { ...entry, path: rel.join('/') };
  if (entry.kind === 'hardlink' && entry.linkTarget !== undefined) {
    const target = splitPath(entry.linkTarget).join('/');
    if (target.startsWith(`${from}/`)) moved.linkTarget = target.slice(from.length + 1);
  }
  return moved;
}

function countKinds(entries: readonly TarEntry[]): MetaRecord {
  const kinds: Record<string, number> = {};
  for (const entry of entries) kinds[entry.kind] = (kinds[entry.kind] ?? 0) + 1;
  return kinds;
}
