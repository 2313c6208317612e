import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import type { MetaRecord } from '../../../model/metadata.js';
import { SliceSource, type Source } from '../../../model/source.js';
import type { TreeNode } from '../../../model/tree.js';
import { filesystemDrivers } from './drivers.js';
import { readPartitionTable } from './partitions/index.js';
import type { FilesystemDriver, OpenedFilesystem, PartitionTable } from './types.js';

/** What a driver's `detect` sees of a volume. */
/** Signatures of every filesystem read lie in the first 4 KiB (the ext superblock ends at 2048). */
const DETECT_BYTES = 4096;
/** Pages of a partition no driver reads: small enough that diff pinpoints changed blocks. */
const PARTITION_PAGE = 4096;

/** The partitions of a disk as tree nodes, with what their table and filesystems reported. */
export interface DiskContents {
  table: PartitionTable;
  /** `p<N>` per partition (a folder when a filesystem is read, else a memory node), or `fs` for a bare filesystem. */
  nodes: TreeNode[];
  diagnostics: Diagnostic[];
  /** The table's checks and every filesystem's own. */
  verify(): Promise<Diagnostic[]>;
}

interface Volume {
  node: TreeNode;
  filesystem: OpenedFilesystem | null;
}

/**
 * Opens the table of `disk` and the filesystem of each partition. Bytes with neither a table nor a
 * filesystem give no nodes and no diagnostics; one partition that fails to open never fails the disk.
 */
export async function openDiskContents(
  disk: Source,
  where?: string,
  drivers: readonly FilesystemDriver[] = filesystemDrivers,
): Promise<DiskContents> {
  const table = await readPartitionTable(disk, where);
  const diagnostics = [...table.diagnostics];
  const volumes: Volume[] = [];
  if (table.scheme === 'none') {
    const bare = await bareFilesystem(disk, drivers, diagnostics);
    if (bare) volumes.push(bare);
  } else {
    for (const partition of table.partitions) {
      const name = `p${partition.number}`;
      const volume = new SliceSource(disk, partition.start, partition.size);
      volumes.push(await partitionVolume(name, volume, partition.attrs, drivers, diagnostics));
    }
  }
  return {
    table,
    nodes: volumes.map((volume) => volume.node),
    diagnostics,
    verify: () => verifyAll(table, volumes),
  };
}

async function bareFilesystem(
  disk: Source,
  drivers: readonly FilesystemDriver[],
  diagnostics: Diagnostic[],
): Promise<Volume | null> {
  const filesystem = await openFilesystem(disk, 'fs', drivers, diagnostics);
  return filesystem ? { node: filesystemFolder('fs', {}, filesystem), filesystem } : null;
}

async function partitionVolume(
  name: string,
  volume: Source,
  partition: MetaRecord,
  drivers: readonly FilesystemDriver[],
  diagnostics: Diagnostic[],
): Promise<Volume> {
  const filesystem = volume.size > 0 ? await openFilesystem(volume, name, drivers, diagnostics) : null;
  if (filesystem) return { node: filesystemFolder(name, { partition }, filesystem), filesystem };
  const type = typeof partition.type === 'string' ? partition.type : 'unknown type';
  const node: TreeNode = {
    name,
    kind: 'memory',
    size: volume.size,
    attrs: { partition },
    content: volume,
    pageSize: PARTITION_PAGE,
    note: `partition ${name.slice(1)} (${type}): raw bytes, no filesystem snapinspect reads`,
  };
  return { node, filesystem: null };
}

/** The first driver whose signature is in the volume's first bytes, or null. */
export async function detectedDriver(
  volume: Source,
  drivers: readonly FilesystemDriver[] = filesystemDrivers,
): Promise<FilesystemDriver | null> {
  if (drivers.length === 0) return null;
  const head = await volume.read(0, DETECT_BYTES);
  return drivers.find((driver) => driver.detect(head)) ?? null;
}

/** The volume's filesystem, opened; a driver that throws is reported and the volume shown as bytes. */
async function openFilesystem(
  volume: Source,
  where: string,
  drivers: readonly FilesystemDriver[],
  diagnostics: Diagnostic[],
): Promise<OpenedFilesystem | null> {
  const driver = await detectedDriver(volume, drivers);
  if (!driver) return null;
  try {
    const filesystem = await driver.open(volume, where);
    for (const found of filesystem.diagnostics) diagnostics.push(found);
    return filesystem;
  } catch (error) {
    const message = `the ${driver.id} filesystem could not be opened (${error instanceof Error ? error.message : String(error)}); its bytes are shown instead`;
    diagnostics.push(diagnostic('error', 'DISK_FS_UNREADABLE', message, where));
    return null;
  }
}

/** The filesystem root under the volume's name: its entries load lazily and keep raising into the root's list. */
function filesystemFolder(name: string, attrs: MetaRecord, filesystem: OpenedFilesystem): TreeNode {
  return { ...filesystem.root, name, kind: 'dir', attrs: { ...attrs, filesystem: filesystem.attrs } };
}

async function verifyAll(table: PartitionTable, volumes: readonly Volume[]): Promise<Diagnostic[]> {
  const findings = await table.verify();
  for (const volume of volumes) {
    if (!volume.filesystem) continue;
    try {
      for (const found of await volume.filesystem.verify()) findings.push(found);
    } catch (error) {
      const message = `checking the filesystem failed: ${error instanceof Error ? error.message : String(error)}`;
      findings.push(diagnostic('error', 'DISK_FS_UNREADABLE', message, volume.node.name));
    }
  }
  return findings;
}
