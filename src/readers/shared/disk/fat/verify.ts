import { pushAll } from '../../../../model/arrays.js';
import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { TreeNode } from '../../../../model/tree.js';
import { checkChains } from './verify-chains.js';
import { countFreeClusters, readFsInfo } from './fsinfo.js';
import { geometryProblems } from './geometry-checks.js';
import { classify, FatTable } from './table.js';
import type { FatVolume } from './volume.js';

const BLOCK = 64 * 1024;

/**
 * verify's deeper checks: the BPB, FAT32's backup boot sector, every FAT copy against the first,
 * every cluster chain reachable from the root, and the free count FSInfo records.
 */
export async function verifyFat(volume: FatVolume, boot: Uint8Array, root: TreeNode): Promise<Diagnostic[]> {
  const found = geometryProblems(volume.geometry, volume.source.size, volume.where);
  try {
    await checkBackupBoot(volume, boot, found);
    await checkFatCopies(volume, found);
    const chains = await checkChains(volume, root);
    pushAll(found, chains.found);
    await checkFreeCount(volume, chains.used, found);
  } catch (error) {
    // A volume source over a damaged container may throw; what was found so far still counts.
    const why = error instanceof Error ? error.message : String(error);
    found.push(
      diagnostic('error', 'FAT_READ_FAILED', `${volume.where}: reading the volume failed: ${why}`, volume.where),
    );
  }
  return found;
}

async function checkBackupBoot(volume: FatVolume, boot: Uint8Array, found: Diagnostic[]): Promise<void> {
  const { type, backupBootSector, sectorSize, reservedSectors } = volume.geometry;
  if (type !== 'fat32' || backupBootSector === 0 || backupBootSector === 0xffff) return;
  const where = volume.where;
  if (backupBootSector >= reservedSectors) {
    found.push(
      diagnostic(
        'error',
        'FAT_BACKUP_BOOT',
        `${where}: the backup boot sector ${backupBootSector} lies outside the reserved sectors`,
        where,
      ),
    );
    return;
  }
  const backup = await volume.source.read(backupBootSector * sectorSize, boot.length);
  const differs = firstDifference(boot, backup);
  if (differs !== undefined)
    found.push(
      diagnostic(
        'error',
        'FAT_BACKUP_BOOT',
        `${where}: the backup boot sector (sector ${backupBootSector}) differs from the boot sector at byte ${differs}`,
        where,
      ),
    );
}

/** Compares every FAT copy with the one chains are read from, block by block, and names the first differing entry. */
async function checkFatCopies(volume: FatVolume, found: Diagnostic[]): Promise<void> {
  const { geometry, table, where } = volume;
  if (geometry.activeFat !== undefined) {
    found.push(
      diagnostic(
        'info',
        'FAT_NOT_MIRRORED',
        `${where}: FAT mirroring is off; only copy ${geometry.activeFat} is live`,
        where,
      ),
    );
    return;
  }
  for (let copy = 1; copy < geometry.fatCount; copy++) {
    const differs = await firstDifferingByte(volume, copy);
    if (differs === undefined) continue;
    const cluster =
      geometry.type === 'fat12'
        ? Math.floor((differs * 2) / 3)
        : Math.floor(differs / (geometry.type === 'fat16' ? 2 : 4));
    const other = new FatTable(volume.source, geometry, copy);
    const [mine, theirs] = [await table.raw(cluster), await other.raw(cluster)];
    found.push(
      diagnostic(
        'error',
        'FAT_COPIES_DIFFER',
        `${where}: FAT copy ${copy + 1} differs from copy 1 first at the entry of cluster ${cluster} (${hex(theirs)} against ${hex(mine)})`,
        where,
      ),
    );
  }
}

async function firstDifferingByte(volume: FatVolume, copy: number): Promise<number | undefined> {
  const { geometry, source, table } = volume;
  const base = geometry.fatOffset;
  for (let at = 0; at < table.usedBytes; at += BLOCK) {
    const length = Math.min(BLOCK, table.usedBytes - at);
    const first = await source.read(base + table.copy * geometry.fatBytes + at, length);
    const other = await source.read(base + copy * geometry.fatBytes + at, length);
    const differs = firstDifference(first, other);
    if (differs !== undefined) return at + differs;
    if (first.length < length) return undefined;
  }
  return undefined;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return undefined;
}

function hex(value: number | undefined): string {
  return value === undefined ? 'missing' : `0x${value.toString(16)}`;
}

/** The free count FSInfo records against the FAT's own; FAT32 drivers trust the former for `df`. */
async function checkFreeCount(volume: FatVolume, used: Uint8Array | undefined, found: Diagnostic[]): Promise<void> {
  const { geometry, table, where } = volume;
  if (used) {
    const lost = await lostClusters(volume, used);
    if (lost > 0)
      found.push(
        diagnostic(
          'warning',
          'FAT_LOST_CLUSTERS',
          `${where}: ${lost} clusters are allocated in the FAT but belong to no file or folder`,
          where,
        ),
      );
  }
  if (geometry.type !== 'fat32') return;
  const info = await readFsInfo(volume.source, geometry);
  if (!info) {
    found.push(
      diagnostic(
        'warning',
        'FAT_FSINFO_INVALID',
        `${where}: the FSInfo sector ${geometry.fsInfoSector} lacks its signatures`,
        where,
      ),
    );
    return;
  }
  const free = await countFreeClusters(table);
  if (info.free !== undefined && free !== undefined && info.free !== free)
    found.push(
      diagnostic(
        'warning',
        'FAT_FSINFO_FREE',
        `${where}: FSInfo records ${info.free} free clusters, the FAT has ${free}`,
        where,
      ),
    );
}

/** Clusters the FAT marks allocated (a next cluster or an end marker) that no reachable chain claims. */
async function lostClusters(volume: FatVolume, used: Uint8Array): Promise<number> {
  let lost = 0;
  await volume.table.scan((cluster, value) => {
    if ((used[cluster >> 3] ?? 0) & (1 << (cluster & 7))) return;
    const kind = classify(value, volume.geometry).kind;
    if (kind === 'next' || kind === 'end' || kind === 'range') lost++;
  });
  return lost;
}
