import { splitPath } from '../../model/paths.js';
import type { TarArchive } from '../shared/tar-archive.js';
import type { TarEntry } from '../shared/tar/types.js';
import type { InstanceKind } from './metadata.js';

/** Where each kind of export keeps its volume and its snapshots, below `backup/` (docs/formats/containers.md, LXD export). */
export const KIND_FOLDERS: Record<InstanceKind, { instance: string; snapshots: string }> = {
  container: { instance: 'container', snapshots: 'snapshots' },
  'virtual-machine': { instance: 'virtual-machine', snapshots: 'virtual-machine-snapshots' },
  custom: { instance: 'volume', snapshots: 'volume-snapshots' },
};

const KINDS = Object.keys(KIND_FOLDERS) as InstanceKind[];
const INSTANCE_DIRS = new Set(KINDS.map((kind) => KIND_FOLDERS[kind].instance));
const SNAPSHOT_DIRS = new Set(KINDS.map((kind) => KIND_FOLDERS[kind].snapshots));

export interface MemberRef {
  entry: TarEntry;
  /** Path segments inside the volume folder; empty for the folder's own entry. */
  rel: string[];
}

/** One volume of the export: the instance or one of its snapshots. */
export interface VolumeMembers {
  /** Archive path of the folder, e.g. `backup/snapshots/before-upgrade`. */
  prefix: string;
  members: MemberRef[];
  /** The raw root disk (`<folder>.img`) of a VM or a block volume. */
  disk?: TarEntry;
  /** `--optimized-storage` send streams that stand in for the folder. */
  blobs: TarEntry[];
}

/** Every member sorted into its volume, whatever the kind; computed once per archive. */
export interface MemberScan {
  index?: TarEntry;
  optimizedHeader?: TarEntry;
  /** Volumes by `<instance dir>` or `<snapshots dir>/<name>`, in archive order. */
  volumes: Map<string, VolumeMembers>;
  /** Top-level `*.bin` streams that match no instance folder. */
  looseBlobs: TarEntry[];
  /** Members outside the layout LXD writes. */
  other: number;
}

export interface ExportLayout {
  kind: InstanceKind;
  instance: VolumeMembers;
  snapshots: Map<string, VolumeMembers>;
}

const scans = new WeakMap<TarArchive, MemberScan>();

export function scanMembers(archive: TarArchive): MemberScan {
  let scan = scans.get(archive);
  if (!scan) {
    scan = { volumes: new Map(), looseBlobs: [], other: 0 };
    for (const entry of archive.index.entries) place(scan, entry);
    scans.set(archive, scan);
  }
  return scan;
}

function volume(scan: MemberScan, key: string): VolumeMembers {
  let found = scan.volumes.get(key);
  if (!found) {
    found = { prefix: `backup/${key}`, members: [], blobs: [] };
    scan.volumes.set(key, found);
  }
  return found;
}

function place(scan: MemberScan, entry: TarEntry): void {
  const segments = splitPath(entry.path);
  const [top, second, name] = segments;
  if (top !== 'backup' || second === undefined) {
    if (segments.length > 0 && top !== 'backup') scan.other++;
    return;
  }
  if (segments.length === 2) placeTopLevel(scan, entry, second);
  else if (INSTANCE_DIRS.has(second)) volume(scan, second).members.push({ entry, rel: segments.slice(2) });
  else if (SNAPSHOT_DIRS.has(second) && name !== undefined) placeSnapshot(scan, entry, second, name, segments.slice(3));
  else scan.other++;
}

function placeTopLevel(scan: MemberScan, entry: TarEntry, name: string): void {
  const base = name.replace(/\.(?:img|bin)$/, '');
  if (name === 'index.yaml') scan.index ??= entry;
  else if (name === 'optimized_header.yaml') scan.optimizedHeader = entry;
  else if (INSTANCE_DIRS.has(name)) volume(scan, name).members.push({ entry, rel: [] });
  else if (name.endsWith('.img') && INSTANCE_DIRS.has(base)) volume(scan, base).disk = entry;
  else if (name.endsWith('.bin')) placeBlob(scan, entry, base);
  else if (!SNAPSHOT_DIRS.has(name)) scan.other++;
}

/** `virtual-machine-config.bin` belongs to the VM beside `virtual-machine.bin`. */
function placeBlob(scan: MemberScan, entry: TarEntry, base: string): void {
  const owner = base.replace(/-config$/, '');
  if (INSTANCE_DIRS.has(owner)) volume(scan, owner).blobs.push(entry);
  else scan.looseBlobs.push(entry);
}

function placeSnapshot(scan: MemberScan, entry: TarEntry, dir: string, name: string, rel: string[]): void {
  const file = rel.length === 0 ? /^(.+)\.(img|bin)$/.exec(name) : null;
  if (file?.[1] && entry.kind !== 'dir') {
    const target = volume(scan, `${dir}/${file[1]}`);
    if (file[2] === 'img') target.disk = entry;
    else target.blobs.push(entry);
    return;
  }
  volume(scan, `${dir}/${name}`).members.push({ entry, rel });
}

/** The kind index.yaml names, else the first kind whose folders the archive holds. */
export function exportKind(scan: MemberScan, declared: string | undefined): InstanceKind {
  if (declared === 'container' || declared === 'virtual-machine' || declared === 'custom') return declared;
  const holds = (kind: InstanceKind): boolean =>
    [...scan.volumes.keys()].some(
      (key) => key === KIND_FOLDERS[kind].instance || key.startsWith(`${KIND_FOLDERS[kind].snapshots}/`),
    );
  return KINDS.find(holds) ?? 'container';
}

export function exportLayout(scan: MemberScan, kind: InstanceKind): ExportLayout {
  const folders = KIND_FOLDERS[kind];
  const snapshots = new Map<string, VolumeMembers>();
  for (const [key, found] of scan.volumes) {
    if (key.startsWith(`${folders.snapshots}/`)) snapshots.set(key.slice(folders.snapshots.length + 1), found);
  }
  const instance = scan.volumes.get(folders.instance) ?? {
    prefix: `backup/${folders.instance}`,
    members: [],
    blobs: [],
  };
  return { kind, instance, snapshots };
}

/** Any sign of `--optimized-storage`: the index flag, the header file or a send stream. */
export function isOptimized(scan: MemberScan, flagged: boolean | undefined): boolean {
  return (
    flagged === true ||
    scan.optimizedHeader !== undefined ||
    scan.looseBlobs.length > 0 ||
    [...scan.volumes.values()].some((found) => found.blobs.length > 0)
  );
}

/** A file directly in the volume folder; the last copy wins, as on extraction. */
export function memberFile(found: VolumeMembers, name: string): TarEntry | undefined {
  const copies = found.members.filter(
    (member) => member.rel.length === 1 && member.rel[0] === name && member.entry.kind === 'file',
  );
  return copies[copies.length - 1]?.entry;
}
