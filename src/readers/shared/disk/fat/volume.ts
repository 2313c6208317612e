import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { Source } from '../../../../model/source.js';
import { limits } from '../limits.js';
import type { FatGeometry } from './boot.js';
import { walkChain, type Chain } from './chain.js';
import { parseDirectory, type DirectoryListing } from './directory.js';
import { FatTable } from './table.js';
import { volumePath } from '../volume-path.js';

/** Cluster 0 names the fixed root directory of FAT12/16 (and is what `..` entries say for the root). */
export const ROOT = 0;

/** One opened volume: its layout, the FAT copy chains are read from, and directory reading. */
export class FatVolume {
  readonly table: FatTable;
  /** The folder path that lists each directory cluster; a second folder there is shown empty. */
  readonly folderOwners = new Map<number, string>();

  constructor(
    readonly source: Source,
    readonly geometry: FatGeometry,
    readonly where: string,
  ) {
    const active = geometry.activeFat ?? 0;
    this.table = new FatTable(source, geometry, active < geometry.fatCount ? active : 0);
  }

  /** The path as diagnostics name it: the volume, then the path inside it. */
  pathOf(inner: string): string {
    return volumePath(this.where, inner);
  }

  /** The cluster a folder starts at, with the root's own cluster on FAT32. */
  rootCluster(): number {
    return this.geometry.type === 'fat32' ? this.geometry.rootCluster : ROOT;
  }

  /** A folder's entries; damage and limits become diagnostics and the readable entries are kept. */
  async readDirectory(cluster: number, inner: string, diagnostics: Diagnostic[]): Promise<DirectoryListing> {
    const path = this.pathOf(inner);
    const maxBytes = limits.fsDirectoryEntries * 32;
    let bytes: Uint8Array;
    let cut: boolean;
    if (cluster === ROOT && this.geometry.type !== 'fat32') {
      const { rootOffset, rootBytes } = this.geometry;
      cut = rootBytes > maxBytes;
      bytes = await this.readRegion(rootOffset, Math.min(rootBytes, maxBytes), path, diagnostics);
    } else {
      const maxClusters = Math.max(1, Math.floor(maxBytes / this.geometry.clusterSize));
      const chain = await walkChain(this.table, cluster, maxClusters + 1);
      cut = chain.clusters > maxClusters;
      const problem = chainProblem(chain, path, 'folder');
      if (problem) diagnostics.push(problem);
      bytes = await this.readChain(chain, maxClusters, path, diagnostics);
    }
    const listing = parseDirectory(bytes.subarray(0, maxBytes), this.geometry.type === 'fat32', path, diagnostics, cut);
    if (cut) diagnostics.push(limitDiagnostic(path));
    return listing;
  }

  /** Where cluster `cluster` starts in the volume. */
  clusterOffset(cluster: number): number {
    return this.geometry.dataOffset + (cluster - 2) * this.geometry.clusterSize;
  }

  private async readChain(
    chain: Chain,
    maxClusters: number,
    path: string,
    diagnostics: Diagnostic[],
  ): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let left = maxClusters;
    for (const extent of chain.extents) {
      const count = Math.min(extent.count, left);
      left -= count;
      const length = count * this.geometry.clusterSize;
      const part = await this.readRegion(this.clusterOffset(extent.cluster), length, path, diagnostics);
      parts.push(part);
      if (part.length < length || left <= 0) break;
    }
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  private async readRegion(
    offset: number,
    length: number,
    path: string,
    diagnostics: Diagnostic[],
  ): Promise<Uint8Array> {
    const bytes = await this.source.read(offset, length);
    if (bytes.length < length)
      diagnostics.push(
        diagnostic(
          'error',
          'FAT_TRUNCATED',
          `${path}: the folder's bytes at ${offset} lie past the end of the volume`,
          path,
        ),
      );
    return bytes.subarray(0, bytes.length - (bytes.length % 32));
  }
}

function limitDiagnostic(path: string): Diagnostic {
  return diagnostic(
    'warning',
    'FAT_DIRECTORY_LIMIT',
    `${path}: the folder is larger than ${limits.fsDirectoryEntries} entry slots (limit fsDirectoryEntries); the rest are not listed`,
    path,
  );
}

const CHAIN_PROBLEMS = {
  free: ['FAT_CHAIN_FREE', 'runs into a free cluster after cluster'],
  bad: ['FAT_CHAIN_BAD', 'runs into a cluster marked bad after cluster'],
  range: ['FAT_CHAIN_RANGE', 'points past the last cluster at cluster'],
  unreadable: ['FAT_TRUNCATED', 'goes on where the FAT is cut off, at cluster'],
  loop: ['FAT_CHAIN_LOOP', 'loops back on itself at cluster'],
} as const;

/** A diagnostic for a chain that did not end with an end-of-chain marker. */
export function chainProblem(chain: Chain, path: string, what: string): Diagnostic | undefined {
  if (chain.end === 'end' || chain.end === 'enough') return undefined;
  const [code, text] = CHAIN_PROBLEMS[chain.end];
  const how = chain.clusters === 0 ? `starts at ${chain.at}, which is no data cluster` : `${text} ${chain.at}`;
  return diagnostic(
    'error',
    code,
    `${path}: the cluster chain of this ${what} ${how}; ${chain.clusters} clusters are read`,
    path,
  );
}
