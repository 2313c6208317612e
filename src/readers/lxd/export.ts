import { splitPath } from '../../model/paths.js';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { errorMessage } from '../../model/errors.js';
import { limits } from '../shared/limits.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import type { Source } from '../../model/source.js';
import type { OpenOptions } from '../reader.js';
import type { TarArchive } from '../shared/tar-archive.js';
import type { TarEntry } from '../shared/tar/types.js';
import { archiveFacts } from '../shared/tar-snapshot.js';
import {
  readConfig,
  readIndex,
  recordNames,
  reportingTo,
  snapshotRecord,
  type LxdConfig,
  type LxdIndex,
} from './config.js';
import { volumeTree } from './export-tree.js';
import {
  exportKind,
  exportLayout,
  isOptimized,
  KIND_FOLDERS,
  memberFile,
  scanMembers,
  type ExportLayout,
  type VolumeMembers,
} from './members.js';
import { imageMetadata, instanceMetadata, snapshotMetadata, snapshotRecords, type SnapshotRow } from './metadata.js';
import { verifyLxd } from './checks.js';
import type { SnapshotListing } from './verify-data.js';
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
import { pushAll } from '../../model/arrays.js';

const INDEX = 'backup/index.yaml';

/** True when the first member is `backup/index.yaml`, which `lxc export` always writes first (docs/formats/README.md, Detection order rule 5). */
export function isLxdExport(archive: TarArchive): boolean {
  const first = archive.index.entries[0];
  return first !== undefined && splitPath(first.path).join('/') === INDEX;
}

export interface IndexRead {
  index: LxdIndex | null;
  diagnostics: Diagnostic[];
}

/**
 * index.yaml, parsed afresh for each open: its field problems go to the list of the view that
 * reads them, which a cached parse would have shared between opens.
 */
export async function readExportIndex(archive: TarArchive): Promise<IndexRead> {
  const diagnostics: Diagnostic[] = [];
  const entry = scanMembers(archive).index;
  if (!entry) return { index: null, diagnostics };
  const value = await readYamlMember(archive.source, entry, INDEX, diagnostics);
  return { index: value === null ? null : readIndex(value, yamlContext(INDEX, diagnostics)), diagnostics };
}

/** `v1`, `v2` or `none` (config only in backup.yaml, LXD 4.0); `unknown` when index.yaml cannot be read. */
export function configShape(index: LxdIndex | null): string {
  if (!index) return 'unknown';
  return index.config?.shape ?? 'none';
}

async function readYamlMember(
  source: Source,
  entry: TarEntry,
  file: string,
  diagnostics: Diagnostic[],
): Promise<unknown> {
  if (entry.size > limits.metadataBytes) {
    diagnostics.push(yamlTooLarge(file, entry.size));
    return null;
  }
  try {
    const text = new TextDecoder().decode(await source.read(entry.dataOffset, entry.size));
    return parseLxdYaml(text, file, diagnostics);
  } catch (error) {
    diagnostics.push(diagnostic('error', 'LXD_BAD_YAML', `${file} cannot be read: ${errorMessage(error)}`, file));
    return null;
  }
}

interface ExportContext {
  archive: TarArchive;
  layout: ExportLayout;
  index: LxdIndex | null;
  config: LxdConfig | null;
  options: OpenOptions;
  /** Problems of the archive and index.yaml, reported with every view. */
  shared: Diagnostic[];
  instance: MetaRecord;
  title: string;
}

interface InstanceRead extends ExportContext {
  files: VolumeFiles;
  facts: MetaRecord;
}

async function readInstance(archive: TarArchive, fileName: string, options: OpenOptions): Promise<InstanceRead> {
  const scan = scanMembers(archive);
  const { index, diagnostics: indexProblems } = await readExportIndex(archive);
  const layout = exportLayout(scan, exportKind(scan, index?.type));
  const files = await volumeFiles(archive.source, layout.instance);
  const config = index?.config ?? files.config;
  const instance = instanceMetadata(index, config, layout.kind, options.showSecrets);
  // Built after the instance reads, so that the field problems they found are in.
  const shared = [...archive.diagnostics, ...archive.index.diagnostics, ...indexProblems];
  const optimized = isOptimized(scan, index?.optimized);
  if (optimized) shared.push(optimizedStorage(index?.backend));
  const title = `${fileName}: ${typeof instance.name === 'string' ? instance.name : 'LXD export'}`;
  const facts = { config_shape: configShape(index), kind: layout.kind, optimized, other_members: scan.other };
  return { archive, layout, index, config, options, shared, instance, title, files, facts };
}

/** The instance as the default view; `#container` (or `#virtual-machine`, `#volume`) and each `#<snapshot>` as children. */
export async function openExport(archive: TarArchive, fileName: string, options: OpenOptions): Promise<Snapshot> {
  const read = await readInstance(archive, fileName, options);
  const { layout, index, config, files, instance } = read;
  const diagnostics = [...read.shared, ...files.diagnostics];
  if (!config && layout.kind !== 'custom')
    diagnostics.push(configMissing(`neither ${INDEX} nor ${layout.instance.prefix}/backup.yaml holds it`));
  const tree = volumeTree(layout.instance, layout.kind, archive.source);
  pushAll(diagnostics, tree.diagnostics);
  const metadata: MetaRecord = { ...instance };
  if (files.image) metadata.image = files.image;
  Object.assign(metadata, { tree: tree.facts, export: read.facts, archive: archiveFacts(archive) });
  const snapshot: Snapshot = {
    format: 'lxd-export',
    variant: configShape(index),
    title: read.title,
    metadata,
    root: tree.root,
    children: [],
    diagnostics: uniqueDiagnostics(diagnostics),
  };
  const folders = KIND_FOLDERS[layout.kind];
  const children = snapshotChildren(read, folders.instance, instance.snapshots as SnapshotRow[]);
  snapshot.children = [selfChild(snapshot, folders.instance, children.length), ...children];
  const found = { where: `backup/${folders.snapshots}`, names: [...layout.snapshots.keys()] };
  const listed = listings(index, config, layout);
  snapshot.verify = () => verifyLxd(snapshot, { listings: listed, folders: found, selfSelector: folders.instance });
  return snapshot;
}

function optimizedStorage(backend: string | undefined): Diagnostic {
  const message = `exported with --optimized-storage: the filesystems are ${backend ?? 'zfs or btrfs'} send streams (*.bin), which cannot be browsed; they are shown as opaque files`;
  return diagnostic('info', 'LXD_OPTIMIZED_STORAGE', message);
}

/** index.yaml's name list and the config's records: two lists that should both match the folders. */
function listings(index: LxdIndex | null, config: LxdConfig | null, layout: ExportLayout): SnapshotListing[] {
  const found: SnapshotListing[] = [];
  if (index) found.push({ file: `${INDEX} snapshots`, names: index.snapshots ?? [] });
  const records = snapshotRecords(config, layout.kind);
  if (config)
    found.push({
      file: index?.config ? `${INDEX} config` : `${layout.instance.prefix}/backup.yaml`,
      names: recordNames(records),
    });
  return found;
}

interface VolumeFiles {
  config: LxdConfig | null;
  image: MetaRecord | null;
  diagnostics: Diagnostic[];
}

/** A volume folder's backup.yaml (its config, or the instance's as of snapshot time) and metadata.yaml. */
async function volumeFiles(source: Source, found: VolumeMembers): Promise<VolumeFiles> {
  const diagnostics: Diagnostic[] = [];
  const read = async (name: string): Promise<unknown> => {
    const entry = memberFile(found, name);
    return entry ? readYamlMember(source, entry, `${found.prefix}/${name}`, diagnostics) : null;
  };
  const config = readConfig(await read('backup.yaml'), yamlContext(`${found.prefix}/backup.yaml`, diagnostics));
  const image = imageMetadata(await read('metadata.yaml'), yamlContext(`${found.prefix}/metadata.yaml`, diagnostics));
  return { config, image, diagnostics };
}

function snapshotChildren(context: ExportContext, selfSelector: string, rows: readonly SnapshotRow[]): ChildSnapshot[] {
  const listed = [...(context.index?.snapshots ?? []), ...rows.map((row) => row.name)];
  return orderedNames(listed, context.layout.snapshots.keys()).map((name) => {
    const row = rows.find((candidate) => candidate.name === name);
    return lazyChild(snapshotSelector(name, selfSelector), `${context.title}/${name}`, rowSummary(row), () =>
      openSnapshot(context, name),
    );
  });
}

async function openSnapshot(context: ExportContext, name: string): Promise<Snapshot> {
  const { archive, layout, instance } = context;
  const found = layout.snapshots.get(name) ?? {
    prefix: `backup/${KIND_FOLDERS[layout.kind].snapshots}/${name}`,
    members: [],
    blobs: [],
  };
  const files = await volumeFiles(archive.source, found);
  const problems: Diagnostic[] = [];
  const listed = snapshotRecord(snapshotRecords(context.config, layout.kind), name);
  const record = listed && reportingTo(listed, problems);
  const facts = { name, instance: typeof instance.name === 'string' ? instance.name : null, record, own: files.config };
  const metadata: MetaRecord = { name, ...instanceIdentity(instance) };
  Object.assign(metadata, snapshotMetadata(facts, context.options.showSecrets));
  if (files.image) metadata.image = files.image;
  const tree = volumeTree(found, layout.kind, archive.source);
  metadata.tree = tree.facts;
  metadata.archive = archiveFacts(archive);
  const diagnostics = uniqueDiagnostics([...context.shared, ...files.diagnostics, ...problems, ...tree.diagnostics]);
  return {
    format: 'lxd-export',
    variant: 'snapshot',
    title: `${context.title}/${name}`,
    metadata,
    root: tree.root,
    children: [],
    diagnostics,
  };
}
