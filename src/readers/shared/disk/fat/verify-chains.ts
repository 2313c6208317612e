import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import { childrenOf, type TreeNode } from '../../../../model/tree.js';
import { limits } from '../limits.js';
import { walkChain, type Chain } from './chain.js';
import { emptiedFolders, entryOfNode, shortChain } from './tree.js';
import { chainProblem, ROOT, type FatVolume } from './volume.js';

export interface ChainCheck {
  found: Diagnostic[];
  /** One bit per cluster claimed by a reachable file or folder; undefined when some were not reached. */
  used: Uint8Array | undefined;
}

/**
 * Walks every folder from the root (a stack, not recursion) and follows each chain once: files must
 * hold exactly as many clusters as their size needs, and no cluster may belong to two entries.
 */
export async function checkChains(volume: FatVolume, root: TreeNode): Promise<ChainCheck> {
  const found: Diagnostic[] = [];
  const used = new Uint8Array(Math.ceil((volume.geometry.clusterCount + 2) / 8));
  if (volume.geometry.type === 'fat32') await claimDirectory(volume, volume.rootCluster(), '', used, found);
  const pending: { node: TreeNode; path: string }[] = [{ node: root, path: '' }];
  let seen = 0;
  let complete = true;
  for (let item = pending.pop(); item; item = pending.pop()) {
    const children = await childrenOf(item.node);
    for (const raised of item.node.raised ?? []) {
      found.push(raised);
      if (UNLISTED.has(raised.code)) complete = false;
    }
    for (const child of children) {
      if (++seen > limits.fatVerifyEntries) {
        found.push(limitReached(volume));
        return { found, used: undefined };
      }
      const path = item.path ? `${item.path}/${child.name}` : child.name;
      const entry = entryOfNode.get(child);
      if (!entry || emptiedFolders.has(child)) continue;
      if (child.kind === 'dir') {
        if (entry.cluster !== ROOT) await claimDirectory(volume, entry.cluster, path, used, found);
        pending.push({ node: child, path });
      } else await checkFile(volume, entry.cluster, entry.size, path, used, found);
    }
  }
  return { found, used: complete ? used : undefined };
}

/** Codes of folders not listed to their end: clusters below them would look lost when they are not. */
const UNLISTED = new Set(['FAT_READ_FAILED', 'FAT_DIRECTORY_LIMIT']);

/** A folder's chain problems are reported when it is listed; here its clusters are only claimed. */
async function claimDirectory(
  volume: FatVolume,
  cluster: number,
  path: string,
  used: Uint8Array,
  found: Diagnostic[],
): Promise<void> {
  const maxClusters = Math.ceil((limits.fsDirectoryEntries * 32) / volume.geometry.clusterSize) + 1;
  claim(volume, await walkChain(volume.table, cluster, maxClusters), path, used, found);
}

async function checkFile(
  volume: FatVolume,
  cluster: number,
  size: number,
  path: string,
  used: Uint8Array,
  found: Diagnostic[],
): Promise<void> {
  const clusterSize = volume.geometry.clusterSize;
  const wanted = Math.ceil(size / clusterSize);
  if (wanted === 0 && cluster === 0) return;
  const chain = await walkChain(volume.table, cluster, wanted + 1);
  const where = volume.pathOf(path);
  const problem = chainProblem(chain, where, 'file');
  if (problem) found.push(problem);
  else if (chain.clusters < wanted) found.push(shortChain(where, size, chain.clusters * clusterSize));
  else if (chain.clusters > wanted)
    found.push(
      diagnostic(
        'warning',
        'FAT_CHAIN_LONG',
        `${where}: the file's cluster chain goes on past the ${wanted} clusters its ${size} bytes need`,
        where,
      ),
    );
  claim(volume, chain, path, used, found);
}

/** Marks a chain's clusters as used; the first one already claimed by another entry is reported. */
function claim(volume: FatVolume, chain: Chain, path: string, used: Uint8Array, found: Diagnostic[]): void {
  for (const { cluster, count } of chain.extents) {
    for (let i = cluster; i < cluster + count; i++) {
      const bit = 1 << (i & 7);
      const byte = used[i >> 3] ?? 0;
      if (byte & bit) {
        const where = volume.pathOf(path);
        found.push(
          diagnostic(
            'error',
            'FAT_CROSS_LINKED',
            `${where}: cluster ${i} also belongs to another file or folder`,
            where,
          ),
        );
        return;
      }
      used[i >> 3] = byte | bit;
    }
  }
}

function limitReached(volume: FatVolume): Diagnostic {
  return diagnostic(
    'warning',
    'FAT_VERIFY_LIMIT',
    `${volume.where}: more than ${limits.fatVerifyEntries} entries (limit fatVerifyEntries); the chains of the rest are not checked`,
    volume.where,
  );
}
