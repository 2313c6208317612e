import { lstat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../shared/limits.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import { dirNode, lazyFolder, type TreeNode } from '../../model/tree.js';
import type { OpenOptions, Probe } from '../reader.js';
import { diskChildren, listDir, statFields, type DirEntry } from '../shared/fs-tree.js';
import { readTextFile } from '../shared/text-file.js';
import { readConfig, recordNames, reportingTo, snapshotRecord, type Located, type LxdConfig } from './config.js';
import { imageMetadata, instanceMetadata, snapshotMetadata, type SnapshotRow } from './metadata.js';
import { verifyLxd } from './checks.js';
import {
  configMissing,
  instanceIdentity,
  lazyChild,
  orderedNames,
  rowSummary,
  selfChild,
  snapshotSelector,
  uniqueDiagnostics,
} from './view.js';
import { parseLxdYaml, yamlContext, yamlTooLarge } from './yaml.js';

export type DirVariant = 'instance' | 'snapshot';

const SELF = 'container';
const MARKERS = ['backup.yaml', 'rootfs', 'metadata.yaml', 'templates'];

/**
 * A dir-pool volume (docs/formats/README.md, Detection order rule 15): `containers/<vol>/` is the instance and
 * `containers-snapshots/<vol>/<snap>/` a snapshot. Out of the pool, only all of backup.yaml,
 * metadata.yaml and rootfs/ together are specific enough.
 */
export function dirVariant(probe: Probe): DirVariant | null {
  if (!probe.isDirectory) return null;
  const names = new Set(probe.entries);
  const markers = MARKERS.filter((name) => names.has(name)).length;
  const likely = (names.has('backup.yaml') || names.has('rootfs')) && markers >= 2;
  const path = resolve(probe.path);
  if (likely && basename(dirname(dirname(path))) === 'containers-snapshots') return 'snapshot';
  if (likely && basename(dirname(path)) === 'containers') return 'instance';
  return names.has('backup.yaml') && names.has('rootfs') && names.has('metadata.yaml') ? 'instance' : null;
}

export async function openDirVolume(path: string, variant: DirVariant, options: OpenOptions): Promise<Snapshot> {
  const folder = resolve(path);
  return variant === 'snapshot' ? openLoneSnapshot(folder, options) : openInstance(folder, options);
}

/** A small YAML file of the folder; absent is null, unreadable (backup.yaml is 0400 root on a live host) is reported. */
async function readYamlFile(path: string, display: string, diagnostics: Diagnostic[]): Promise<unknown> {
  const stats = await lstat(path).catch(() => null);
  if (!stats) return null;
  if (stats.size > limits.metadataBytes) {
    diagnostics.push(yamlTooLarge(display, stats.size));
    return null;
  }
  const text = stats.isFile() ? await readTextFile(path, limits.metadataBytes) : null;
  if (text === null) {
    diagnostics.push(
      diagnostic(
        'warning',
        'UNREADABLE_ENTRY',
        `cannot read ${display}${stats.isFile() ? ' (permissions? LXD makes it readable by root only)' : ': not a regular file'}`,
        display,
      ),
    );
    return null;
  }
  return parseLxdYaml(text, display, diagnostics);
}

interface FolderFiles {
  config: LxdConfig | null;
  image: MetaRecord | null;
}

async function folderFiles(folder: string, prefix: string, diagnostics: Diagnostic[]): Promise<FolderFiles> {
  const display = (name: string): string => (prefix ? `${prefix}/${name}` : name);
  const config = readConfig(
    await readYamlFile(join(folder, 'backup.yaml'), display('backup.yaml'), diagnostics),
    yamlContext(display('backup.yaml'), diagnostics),
  );
  const image = imageMetadata(
    await readYamlFile(join(folder, 'metadata.yaml'), display('metadata.yaml'), diagnostics),
    yamlContext(display('metadata.yaml'), diagnostics),
  );
  return { config, image };
}

/**
 * `rootfs/` as the tree root, read lazily and never following symlinks; problems found while
 * listing stay with the folder that raised them.
 */
async function rootfsNode(folder: string, display: string, diagnostics: Diagnostic[]): Promise<TreeNode> {
  const rootfs = join(folder, 'rootfs');
  const stats = await lstat(rootfs, { bigint: true }).catch(() => null);
  if (!stats?.isDirectory()) {
    diagnostics.push(
      diagnostic(
        'error',
        'LXD_ROOTFS_MISSING',
        `${display} is ${stats ? 'not a folder' : 'missing'}: this volume has no filesystem to show`,
        display,
      ),
    );
    return dirNode('', []);
  }
  return lazyFolder({ name: '', kind: 'dir', size: 0, attrs: {}, ...statFields(stats) }, (raised) =>
    diskChildren(rootfs, raised, ''),
  );
}

async function openInstance(folder: string, options: OpenOptions): Promise<Snapshot> {
  const collected: Diagnostic[] = [];
  const volume = basename(folder);
  const files = await folderFiles(folder, '', collected);
  if (!files.config) collected.push(configMissing('backup.yaml is absent or unreadable'));
  const metadata: MetaRecord = { ...instanceMetadata(null, files.config, 'container', options.showSecrets) };
  if (files.image) metadata.image = files.image;
  // Snapshots live beside the instance only inside a pool: <pool>/containers-snapshots/<vol>/.
  const where = basename(dirname(folder)) === 'containers' ? `../../containers-snapshots/${volume}` : null;
  const folders = where === null ? null : await snapshotFolders(join(folder, where), where, collected);
  metadata.volume = volume;
  metadata.snapshots_folder = where;
  const diagnostics = uniqueDiagnostics(collected);
  const root = await rootfsNode(folder, 'rootfs', diagnostics);
  const snapshot: Snapshot = {
    format: 'lxd-dir',
    variant: 'instance',
    title: volume,
    metadata,
    root,
    children: [],
    diagnostics,
  };
  const rows = metadata.snapshots as SnapshotRow[];
  const children = folderChildren(folders ?? [], {
    title: volume,
    config: files.config,
    rows,
    identity: instanceIdentity(metadata),
    where: where ?? '',
    options,
  });
  snapshot.children = [selfChild(snapshot, SELF, children.length), ...children];
  const listings = files.config ? [{ file: 'backup.yaml', names: recordNames(files.config.snapshots) }] : [];
  const found = where === null ? null : { where, names: (folders ?? []).map((entry) => entry.name) };
  snapshot.verify = () => verifyLxd(snapshot, { listings, folders: found, selfSelector: SELF });
  return snapshot;
}

/** Snapshot folders of the instance; a missing folder just means no snapshots were ever taken. */
async function snapshotFolders(path: string, display: string, diagnostics: Diagnostic[]): Promise<DirEntry[]> {
  const stats = await lstat(path).catch(() => null);
  if (!stats?.isDirectory()) return [];
  const folders: DirEntry[] = [];
  for (const entry of await listDir(path, diagnostics, display)) {
    if ((await lstat(entry.path).catch(() => null))?.isDirectory()) folders.push(entry);
  }
  return folders;
}

interface InstanceParts {
  title: string;
  config: LxdConfig | null;
  rows: readonly SnapshotRow[];
  identity: MetaRecord;
  where: string;
  options: OpenOptions;
}

function folderChildren(folders: readonly DirEntry[], parts: InstanceParts): ChildSnapshot[] {
  const byName = new Map(folders.map((entry) => [entry.name, entry]));
  return orderedNames(
    parts.rows.map((row) => row.name),
    byName.keys(),
  ).map((name): ChildSnapshot => {
    const row = parts.rows.find((candidate) => candidate.name === name);
    const title = `${parts.title}/${name}`;
    const path = byName.get(name)?.path.toString() ?? '';
    const record = parts.config ? snapshotRecord(parts.config.snapshots, name) : null;
    return lazyChild(snapshotSelector(name, SELF), title, rowSummary(row), () =>
      openSnapshotFolder({
        folder: path,
        display: `${parts.where}/${name}`,
        name,
        title,
        identity: parts.identity,
        record,
        options: parts.options,
      }),
    );
  });
}

interface SnapshotParts {
  folder: string;
  /** The folder as diagnostics name it, relative to what the user opened. */
  display: string;
  name: string;
  title: string;
  /** From the instance's config: name, type, pool, backend. */
  identity: MetaRecord;
  record: Located | null;
  options: OpenOptions;
  /** Problems found before the folder was read (the instance's backup.yaml, for a lone snapshot). */
  earlier?: Diagnostic[];
}

async function openSnapshotFolder(parts: SnapshotParts): Promise<Snapshot> {
  const collected: Diagnostic[] = [...(parts.earlier ?? [])];
  const prefix = parts.display;
  const files = await folderFiles(parts.folder, prefix, collected);
  const record = parts.record && reportingTo(parts.record, collected);
  const instance = typeof parts.identity.instance === 'string' ? parts.identity.instance : configName(files.config);
  const metadata: MetaRecord = { name: parts.name, ...parts.identity, instance };
  Object.assign(
    metadata,
    snapshotMetadata({ name: parts.name, instance, record, own: files.config }, parts.options.showSecrets),
  );
  if (files.image) metadata.image = files.image;
  // LXD keeps a stateful snapshot's CRIU checkpoint in <snapshot>/state.
  if ((await lstat(join(parts.folder, 'state')).catch(() => null))?.isDirectory()) metadata.state_folder = true;
  const diagnostics = uniqueDiagnostics(collected);
  const root = await rootfsNode(parts.folder, prefix ? `${prefix}/rootfs` : 'rootfs', diagnostics);
  return { format: 'lxd-dir', variant: 'snapshot', title: parts.title, metadata, root, children: [], diagnostics };
}

function configName(config: LxdConfig | null): string | null {
  const name = config?.instance?.map.name;
  return typeof name === 'string' ? name : null;
}

/** Pointed at `containers-snapshots/<vol>/<snap>/`: its record is in the instance's backup.yaml, when that is beside it. */
async function openLoneSnapshot(folder: string, options: OpenOptions): Promise<Snapshot> {
  const name = basename(folder);
  const volume = basename(dirname(folder));
  const earlier: Diagnostic[] = [];
  const display = `../../../containers/${volume}/backup.yaml`;
  const value = await readYamlFile(
    join(folder, '..', '..', '..', 'containers', volume, 'backup.yaml'),
    display,
    earlier,
  );
  const config = readConfig(value, yamlContext(display, earlier));
  const record = config ? snapshotRecord(config.snapshots, name) : null;
  const identity = instanceIdentity(config ? instanceMetadata(null, config, 'container', options.showSecrets) : null);
  return openSnapshotFolder({
    folder,
    display: '',
    name,
    title: `${volume}/${name}`,
    identity,
    record,
    options,
    earlier,
  });
}
