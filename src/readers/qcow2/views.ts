import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { pushAll } from '../../model/arrays.js';
import type { Snapshot } from '../../model/snapshot.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import { openDiskContents, type DiskContents, type PartitionTable } from '../shared/disk/index.js';
import { checkQcow2Image } from './checks.js';
import { diskNode, type DiskView } from './disk.js';
import type { Qcow2Image } from './image.js';

/** The tree of one disk state: the `disk` memory node, then its partitions' filesystems. */
export interface DiskTree {
  root: TreeNode;
  contents: DiskContents | null;
}

/**
 * `disk` and, when its guest bytes are readable, one entry per partition (or `fs` for a bare
 * filesystem). A disk without a table or filesystem keeps the tree of `disk` alone.
 */
export async function diskTree(image: Qcow2Image, view: DiskView, diagnostics: Diagnostic[]): Promise<DiskTree> {
  const disk = await diskNode(image, view, diagnostics);
  const contents = disk.content ? await diskContents(disk, image.where, view, diagnostics) : null;
  if (contents && contents.table.scheme !== 'none')
    disk.attrs.partition_table = { scheme: contents.table.scheme, ...contents.table.attrs };
  for (const node of contents?.nodes ?? []) shareClusterPages(node, disk, contents?.table);
  return { root: dirNode('', [disk, ...(contents?.nodes ?? [])]), contents };
}

async function diskContents(
  disk: TreeNode,
  where: string | undefined,
  view: DiskView,
  diagnostics: Diagnostic[],
): Promise<DiskContents | null> {
  if (!disk.content) return null;
  try {
    const contents = await openDiskContents(disk.content, where);
    pushAll(diagnostics, contents.diagnostics);
    return contents;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    diagnostics.push(
      diagnostic('error', 'DISK_UNREADABLE', `${view.label}: the partition table could not be read (${reason})`, where),
    );
    return null;
  }
}

/**
 * A partition shown as bytes that starts on a cluster boundary pages by cluster, with the disk's
 * cluster tokens for its range: two snapshots then compare it by mapping, as they compare `disk`.
 */
function shareClusterPages(node: TreeNode, disk: TreeNode, table: PartitionTable | undefined): void {
  const clusterSize = disk.pageSize;
  const diskTokens = disk.pageTokens;
  const partition = table?.partitions.find((candidate) => `p${candidate.number}` === node.name);
  if (node.kind !== 'memory' || !partition || !clusterSize || !diskTokens) return;
  if (partition.start % clusterSize !== 0) return;
  const first = partition.start / clusterSize;
  const last = first + Math.ceil(partition.size / clusterSize);
  node.pageSize = clusterSize;
  node.pageTokens = async () => {
    const { scope, tokens } = await diskTokens();
    return { scope, tokens: tokens.slice(first, last) };
  };
}

/** Every view of one image is checked whole (a table past the end breaks all of them), plus this view's partitions. */
export function withImageChecks(snapshot: Snapshot, image: Qcow2Image, contents: DiskContents | null): Snapshot {
  snapshot.verify = async () => {
    const findings = await checkQcow2Image(image);
    if (contents) pushAll(findings, await contents.verify());
    return findings;
  };
  return snapshot;
}
