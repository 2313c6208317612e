import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import { fixedChildren, lazyFolder, type TreeNode } from '../../../../model/tree.js';
import { uniqueNames } from '../../tree-names.js';
import { walkChain } from './chain.js';
import { ChainSource } from './content.js';
import {
  ATTR_ARCHIVE,
  ATTR_DIRECTORY,
  ATTR_HIDDEN,
  ATTR_READ_ONLY,
  ATTR_SYSTEM,
  type DirectoryListing,
  type FatEntry,
} from './directory.js';
import { chainProblem, ROOT, type FatVolume } from './volume.js';

/** The directory entry behind each node, for verify's chain checks. */
export const entryOfNode = new WeakMap<TreeNode, FatEntry>();

/** Folders shown empty because they loop back to a folder above them. */
export const cycleFolders = new WeakSet<TreeNode>();

/** The root folder over a listing read at open (it also gave the volume label). */
export function rootNode(volume: FatVolume, listing: DirectoryListing): TreeNode {
  const root: TreeNode = { name: '', kind: 'dir', size: 0, mode: 0o755, attrs: {} };
  const ancestors = new Set([ROOT, volume.rootCluster()]);
  return lazyFolder(root, async (raised) => nodesOf(volume, listing, '', ancestors, raised));
}

function nodesOf(
  volume: FatVolume,
  listing: DirectoryListing,
  inner: string,
  ancestors: ReadonlySet<number>,
  raised: Diagnostic[],
): TreeNode[] {
  const nodes = listing.entries.map((entry) => {
    const path = inner ? `${inner}/${entry.name}` : entry.name;
    return entry.attributes & ATTR_DIRECTORY
      ? folderNode(volume, entry, path, ancestors, raised)
      : fileNode(volume, entry, path, raised);
  });
  return uniqueNames(nodes);
}

/**
 * A subfolder, loaded when listed. One whose first cluster is that of a folder above it would make
 * the tree endless, so it is shown empty with a diagnostic; any endless path must repeat a cluster,
 * so this check alone keeps every path finite.
 */
function folderNode(
  volume: FatVolume,
  entry: FatEntry,
  inner: string,
  ancestors: ReadonlySet<number>,
  raised: Diagnostic[],
): TreeNode {
  const node = baseNode(entry, 'dir');
  const cluster = entry.cluster === ROOT ? volume.rootCluster() : entry.cluster;
  if (ancestors.has(cluster) || ancestors.has(entry.cluster)) {
    const path = volume.pathOf(inner);
    raised.push(
      diagnostic(
        'error',
        'FAT_DIRECTORY_CYCLE',
        `${path}: this folder starts at cluster ${entry.cluster}, which belongs to a folder above it; shown empty`,
        path,
      ),
    );
    node.children = fixedChildren([]);
    cycleFolders.add(node);
    return node;
  }
  const below = new Set(ancestors).add(cluster);
  return lazyFolder(node, async (own) => {
    const listing = await volume.readDirectory(cluster, inner, own);
    return nodesOf(volume, listing, inner, below, own);
  });
}

function fileNode(volume: FatVolume, entry: FatEntry, inner: string, raised: Diagnostic[]): TreeNode {
  const node = baseNode(entry, 'file');
  const clusterSize = volume.geometry.clusterSize;
  const wanted = Math.ceil(entry.size / clusterSize);
  node.content = new ChainSource(volume.source, volume.geometry, entry.size, async () => {
    if (wanted === 0) return { extents: [], clusters: 0, end: 'end' };
    const chain = await walkChain(volume.table, entry.cluster, wanted);
    const path = volume.pathOf(inner);
    const problem = chainProblem(chain, path, 'file');
    if (problem) raised.push(problem);
    else if (chain.clusters < wanted) raised.push(shortChain(path, entry.size, chain.clusters * clusterSize));
    return chain;
  });
  return node;
}

export function shortChain(path: string, size: number, stored: number): Diagnostic {
  return diagnostic(
    'error',
    'FAT_CHAIN_SHORT',
    `${path}: the file claims ${size} bytes but its cluster chain holds only ${stored}; the rest cannot be read`,
    path,
  );
}

/**
 * Modes as Linux vfat mounts and mtools show them (FAT stores no permissions): folders 0755, files
 * 0644, and a read-only file loses its write bits. The read-only bit is ignored on folders, as Linux
 * does, because Windows sets it on folders only to mark them customised.
 */
function baseNode(entry: FatEntry, kind: 'dir' | 'file'): TreeNode {
  const readOnly = kind === 'file' && entry.attributes & ATTR_READ_ONLY;
  const node: TreeNode = {
    name: entry.name,
    kind,
    size: kind === 'file' ? entry.size : 0,
    mode: kind === 'dir' ? 0o755 : readOnly ? 0o444 : 0o644,
    attrs: entryAttrs(entry),
  };
  if (entry.written) node.mtime = entry.written;
  entryOfNode.set(node, entry);
  return node;
}

const FLAG_NAMES: [number, string][] = [
  [ATTR_READ_ONLY, 'read-only'],
  [ATTR_HIDDEN, 'hidden'],
  [ATTR_SYSTEM, 'system'],
  [ATTR_ARCHIVE, 'archive'],
];

function entryAttrs(entry: FatEntry): MetaRecord {
  const attrs: MetaRecord = {
    fat_attributes: FLAG_NAMES.filter(([bit]) => entry.attributes & bit).map(([, name]) => name),
  };
  if (entry.shortName !== undefined) attrs.short_name = entry.shortName;
  if (entry.created) attrs.created = entry.created;
  if (entry.accessed) attrs.accessed = entry.accessed;
  return attrs;
}
