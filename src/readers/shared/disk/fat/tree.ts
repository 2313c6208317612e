import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import { fixedChildren, lazyFolder, type TreeNode } from '../../../../model/tree.js';
import { uniqueNames } from '../../tree-names.js';
import { walkChain, type Chain } from './chain.js';
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

/** Folders shown empty because they loop back to a folder above them or repeat one listed elsewhere. */
export const emptiedFolders = new WeakSet<TreeNode>();

/** The root folder over a listing read at open (it also gave the volume label). */
export function rootNode(volume: FatVolume, listing: DirectoryListing): TreeNode {
  const root: TreeNode = { name: '', kind: 'dir', size: 0, mode: 0o755, attrs: {} };
  volume.folderOwners.set(volume.rootCluster(), '');
  return lazyFolder(root, async (raised) => nodesOf(volume, listing, '', raised));
}

/** Names are made unique first, so every diagnostic names the path the entry is listed under. */
function nodesOf(volume: FatVolume, listing: DirectoryListing, inner: string, raised: Diagnostic[]): TreeNode[] {
  const entries = listing.entries;
  const nodes = uniqueNames(
    entries.map((entry) => baseNode(entry, entry.attributes & ATTR_DIRECTORY ? 'dir' : 'file')),
  );
  nodes.forEach((node, index) => {
    const entry = entries[index];
    const path = inner ? `${inner}/${node.name}` : node.name;
    if (!entry) return;
    if (node.kind === 'dir') fillFolder(volume, node, entry, path, raised);
    else fillFile(volume, node, entry, path, raised);
  });
  return nodes;
}

/**
 * A subfolder, loaded when listed. Each directory cluster is listed by one folder only: one that
 * starts where a folder above it does would make the tree endless, and one that starts where another
 * folder does would let a few clusters fan out into an exponentially large tree. Both are shown
 * empty with a diagnostic, so the tree is never larger than the directory clusters on the volume.
 */
function fillFolder(volume: FatVolume, node: TreeNode, entry: FatEntry, inner: string, raised: Diagnostic[]): void {
  const cluster = entry.cluster === ROOT ? volume.rootCluster() : entry.cluster;
  const path = volume.pathOf(inner);
  const owner = volume.folderOwners.get(cluster);
  if (owner !== undefined) {
    const above = owner === '' || inner.startsWith(`${owner}/`);
    const [code, why] = above
      ? ['FAT_DIRECTORY_CYCLE', 'belongs to a folder above it']
      : ['FAT_DIRECTORY_SHARED', `is also the folder ${volume.pathOf(owner)}`];
    const message = `${path}: this folder starts at cluster ${entry.cluster}, which ${why}; shown empty`;
    raised.push(diagnostic('error', code, message, path));
    node.children = fixedChildren([]);
    emptiedFolders.add(node);
    return;
  }
  volume.folderOwners.set(cluster, inner);
  lazyFolder(node, async (own) => {
    try {
      const listing = await volume.readDirectory(cluster, inner, own);
      return nodesOf(volume, listing, inner, own);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      own.push(diagnostic('error', 'FAT_READ_FAILED', `${path}: reading this folder failed: ${why}`, path));
      return [];
    }
  });
}

function fillFile(volume: FatVolume, node: TreeNode, entry: FatEntry, inner: string, raised: Diagnostic[]): void {
  const clusterSize = volume.geometry.clusterSize;
  const wanted = Math.ceil(entry.size / clusterSize);
  const resolve = async (): Promise<Chain> => {
    if (wanted === 0) return { extents: [], clusters: 0, end: 'end' };
    const chain = await walkChain(volume.table, entry.cluster, wanted);
    const path = volume.pathOf(inner);
    const problem = chainProblem(chain, path, 'file');
    if (problem) raised.push(problem);
    else if (chain.clusters < wanted) raised.push(shortChain(path, entry.size, chain.clusters * clusterSize));
    return chain;
  };
  const failed = (why: string): void => {
    const path = volume.pathOf(inner);
    raised.push(diagnostic('error', 'FAT_READ_FAILED', `${path}: reading this file failed: ${why}`, path));
  };
  node.content = new ChainSource(volume.source, volume.geometry, entry.size, resolve, failed);
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
