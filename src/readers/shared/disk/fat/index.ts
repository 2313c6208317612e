import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import type { Source } from '../../../../model/source.js';
import { fixedChildren } from '../../../../model/tree.js';
import type { FilesystemDriver, OpenedFilesystem } from '../types.js';
import { looksLikeFatBoot, parseBootSector, serialText, type FatGeometry } from './boot.js';
import { u16le } from '../../bytes.js';
import { countFreeClusters, readFsInfo } from './fsinfo.js';
import { geometryProblems } from './geometry-checks.js';
import { rootNode } from './tree.js';
import { verifyFat } from './verify.js';
import { FatVolume } from './volume.js';

/** FAT12, FAT16 and FAT32 with long names, read-only, over the bytes of one volume. */
export const fatDriver: FilesystemDriver = {
  id: 'fat',
  detect: (head) => looksLikeFatBoot(head) && !looksLikeExt(head),
  open: openFat,
};

/** An ext superblock at 1024: magic 0xEF53 and a block size of 1 to 64 KiB. */
function looksLikeExt(head: Uint8Array): boolean {
  return u16le(head, 1024 + 56) === 0xef53 && u16le(head, 1024 + 24) <= 6 && u16le(head, 1024 + 26) === 0;
}

/** A volume Source over a damaged container may throw on read; that becomes a diagnostic here. */
async function openFat(source: Source, where: string): Promise<OpenedFilesystem> {
  const diagnostics: Diagnostic[] = [];
  try {
    return await openChecked(source, where, diagnostics);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    diagnostics.push(diagnostic('error', 'FAT_READ_FAILED', `${where}: reading the volume failed: ${why}`, where));
    return unreadable(diagnostics);
  }
}

async function openChecked(source: Source, where: string, diagnostics: Diagnostic[]): Promise<OpenedFilesystem> {
  const boot = await source.read(0, 512);
  const geometry = parseBootSector(boot, where, diagnostics);
  if (!geometry) return unreadable(diagnostics);
  const volume = new FatVolume(source, geometry, where);
  for (const problem of geometryProblems(geometry, source.size, where)) diagnostics.push(problem);
  const listing = await volume.readDirectory(volume.rootCluster(), '', diagnostics);
  const attrs = await volumeAttrs(volume, listing.label);
  const root = rootNode(volume, listing);
  return { type: geometry.type, attrs, root, diagnostics, verify: () => verifyFat(volume, boot, root) };
}

/** Nothing past the boot sector can be trusted: an empty root, and verify repeats why. */
function unreadable(diagnostics: Diagnostic[]): OpenedFilesystem {
  return {
    type: 'fat',
    attrs: { type: 'fat' },
    root: { name: '', kind: 'dir', size: 0, attrs: {}, children: fixedChildren([]) },
    diagnostics,
    verify: async () => [...diagnostics],
  };
}

/** What mkfs writes when no label is given; shown as no label, as mtools does. */
const NO_NAME = 'NO NAME';

async function volumeAttrs(volume: FatVolume, rootLabel: string | undefined): Promise<MetaRecord> {
  const geometry = volume.geometry;
  const attrs: MetaRecord = { type: geometry.type };
  const label = rootLabel ?? (geometry.label === NO_NAME ? undefined : geometry.label);
  if (label) attrs.label = label;
  if (geometry.label !== undefined && geometry.label !== NO_NAME && geometry.label !== label)
    attrs.boot_sector_label = geometry.label;
  if (geometry.serial !== undefined) attrs.serial = serialText(geometry.serial);
  attrs.oem_name = geometry.oemName;
  attrs.sector_size = geometry.sectorSize;
  attrs.cluster_size = geometry.clusterSize;
  attrs.clusters = geometry.clusterCount;
  const free = await freeClusters(volume, geometry);
  if (free !== undefined) attrs.free_clusters = free;
  attrs.fats = geometry.fatCount;
  attrs.times = 'FAT stores local time without a zone; times are shown as if UTC';
  return attrs;
}

/** FSInfo's count on FAT32 (counting a FAT32 FAT could mean reading hundreds of MB); counted on FAT12/16. */
async function freeClusters(volume: FatVolume, geometry: FatGeometry): Promise<number | undefined> {
  if (geometry.type === 'fat32') return (await readFsInfo(volume.source, geometry))?.free;
  return countFreeClusters(volume.table);
}
