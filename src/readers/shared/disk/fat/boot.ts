import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import { u16le, u32le } from '../../bytes.js';
import { decodeShortBytes } from './names.js';

export type FatType = 'fat12' | 'fat16' | 'fat32';

/** Where everything of one FAT volume lives, in bytes from the start of the volume. */
export interface FatGeometry {
  type: FatType;
  sectorSize: number;
  sectorsPerCluster: number;
  clusterSize: number;
  reservedSectors: number;
  fatCount: number;
  /** Bytes of one FAT copy as the boot sector declares it. */
  fatBytes: number;
  fatOffset: number;
  /** The fixed root directory of FAT12/16 (0 bytes on FAT32). */
  rootOffset: number;
  rootBytes: number;
  dataOffset: number;
  /** Data clusters, numbered 2..clusterCount+1. */
  clusterCount: number;
  totalSectors: number;
  rootCluster: number;
  fsInfoSector: number;
  backupBootSector: number;
  /** FAT32 mirroring off: only this copy is live. */
  activeFat: number | undefined;
  oemName: string;
  label: string | undefined;
  serial: number | undefined;
  media: number;
}

const isPowerOfTwo = (value: number): boolean => value > 0 && (value & (value - 1)) === 0;

/**
 * The cheap signature test: an x86 jump, the 0x55AA trailer and BPB fields a formatter would write.
 * A protective or classic MBR has no BPB (zeros there), so it fails the sector-size and FAT-count tests.
 */
export function looksLikeFatBoot(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  if (head[0] !== 0xeb && head[0] !== 0xe9) return false;
  if (head[510] !== 0x55 || head[511] !== 0xaa) return false;
  const sectorSize = u16le(head, 11);
  const media = head[21] ?? 0;
  const fatSize = u16le(head, 22) || u32le(head, 36);
  return (
    sectorSize >= 512 &&
    sectorSize <= 4096 &&
    isPowerOfTwo(sectorSize) &&
    isPowerOfTwo(head[13] ?? 0) &&
    u16le(head, 14) >= 1 &&
    (head[16] ?? 0) >= 1 &&
    (media === 0xf0 || media >= 0xf8) &&
    fatSize > 0 &&
    (u16le(head, 19) || u32le(head, 32)) > 0
  );
}

/** Decodes the BPB; damage that leaves the layout unknowable returns undefined with diagnostics. */
export function parseBootSector(boot: Uint8Array, where: string, diagnostics: Diagnostic[]): FatGeometry | undefined {
  if (!looksLikeFatBoot(boot)) {
    diagnostics.push(
      diagnostic('error', 'FAT_BAD_BOOT_SECTOR', `${where}: the boot sector holds no valid FAT BPB`, where),
    );
    return undefined;
  }
  const sectorSize = u16le(boot, 11);
  const sectorsPerCluster = boot[13] ?? 1;
  const reservedSectors = u16le(boot, 14);
  const fatCount = boot[16] ?? 1;
  const rootEntries = u16le(boot, 17);
  const fatSectors = u16le(boot, 22) || u32le(boot, 36);
  const totalSectors = u16le(boot, 19) || u32le(boot, 32);
  const rootSectors = Math.ceil((rootEntries * 32) / sectorSize);
  const dataSector = reservedSectors + fatCount * fatSectors + rootSectors;
  const clusterCount = Math.max(0, Math.floor((totalSectors - dataSector) / sectorsPerCluster));
  const type = fatTypeOf(clusterCount, u16le(boot, 22) === 0, where, diagnostics);
  const extended = type === 'fat32' ? 64 : 36;
  const hasExtended = boot[extended + 2] === 0x29;
  const flags = u16le(boot, 40);
  return {
    type,
    sectorSize,
    sectorsPerCluster,
    clusterSize: sectorSize * sectorsPerCluster,
    reservedSectors,
    fatCount,
    fatBytes: fatSectors * sectorSize,
    fatOffset: reservedSectors * sectorSize,
    rootOffset: (reservedSectors + fatCount * fatSectors) * sectorSize,
    rootBytes: type === 'fat32' ? 0 : rootSectors * sectorSize,
    dataOffset: dataSector * sectorSize,
    clusterCount: addressable(clusterCount, type, where, diagnostics),
    totalSectors,
    rootCluster: type === 'fat32' ? u32le(boot, 44) & 0x0fffffff : 0,
    fsInfoSector: type === 'fat32' ? u16le(boot, 48) : 0,
    backupBootSector: type === 'fat32' ? u16le(boot, 50) : 0,
    activeFat: type === 'fat32' && flags & 0x80 ? flags & 0x0f : undefined,
    oemName: decodeShortBytes(boot.subarray(3, 11)).trimEnd(),
    label: hasExtended ? decodeShortBytes(boot.subarray(extended + 7, extended + 18)).trimEnd() : undefined,
    serial: hasExtended ? u32le(boot, extended + 3) : undefined,
    media: boot[21] ?? 0,
  };
}

/**
 * Microsoft's rule: the cluster count alone decides. Linux and mtools instead take a zero 16-bit FAT
 * size as FAT32 (mkfs.vfat -F 32 makes such small volumes); the BPB layout wins there, since the
 * root directory lives where that layout says, and the disagreement is reported.
 */
function fatTypeOf(clusters: number, fat32Layout: boolean, where: string, diagnostics: Diagnostic[]): FatType {
  const byCount: FatType = clusters < 4085 ? 'fat12' : clusters < 65525 ? 'fat16' : 'fat32';
  if (fat32Layout === (byCount === 'fat32')) return byCount;
  diagnostics.push(
    diagnostic(
      'info',
      'FAT_TYPE_MISMATCH',
      `${where}: ${clusters} clusters make ${byCount} by Microsoft's rule, but the BPB is laid out as ${fat32Layout ? 'FAT32' : 'FAT12/16'}; read as the layout says`,
      where,
    ),
  );
  return fat32Layout ? 'fat32' : 'fat16';
}

/** The most data clusters each type's entries can number (the rest of the values are markers). */
const MAX_CLUSTERS: Record<FatType, number> = { fat12: 0xff5, fat16: 0xfff5, fat32: 0x0ffffff5 };

/** Clusters past what the entries can address cannot be in any chain; an absurd BPB is capped here. */
function addressable(clusters: number, type: FatType, where: string, diagnostics: Diagnostic[]): number {
  const max = MAX_CLUSTERS[type];
  if (clusters <= max) return clusters;
  diagnostics.push(
    diagnostic(
      'error',
      'FAT_TOO_MANY_CLUSTERS',
      `${where}: the BPB makes ${clusters} clusters, more than ${type.toUpperCase()} entries can address (${max}); only those are read`,
      where,
    ),
  );
  return max;
}

/** The volume serial as mtools and Windows show it: two groups of four hex digits. */
export function serialText(serial: number): string {
  const hex = serial.toString(16).toUpperCase().padStart(8, '0');
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}
