import type { Source } from '../../../../model/source.js';
import { u32le } from '../../bytes.js';
import type { FatGeometry } from './boot.js';
import type { FatTable } from './table.js';

export interface FsInfo {
  /** The free-cluster count the FSInfo sector records, or undefined when it says "unknown". */
  free: number | undefined;
  nextFree: number | undefined;
}

const UNKNOWN = 0xffffffff;

/** FAT32's FSInfo sector, when it is there and carries its three signatures. */
export async function readFsInfo(volume: Source, geometry: FatGeometry): Promise<FsInfo | undefined> {
  const sector = geometry.fsInfoSector;
  if (geometry.type !== 'fat32' || sector === 0 || sector >= geometry.reservedSectors) return undefined;
  const bytes = await volume.read(sector * geometry.sectorSize, 512);
  if (bytes.length < 512) return undefined;
  if (u32le(bytes, 0) !== 0x41615252 || u32le(bytes, 484) !== 0x61417272 || u32le(bytes, 508) !== 0xaa550000)
    return undefined;
  const free = u32le(bytes, 488);
  const nextFree = u32le(bytes, 492);
  return {
    free: free === UNKNOWN ? undefined : free,
    nextFree: nextFree === UNKNOWN ? undefined : nextFree,
  };
}

/** Counts free entries of the FAT, or undefined when the FAT is cut off before its end. */
export async function countFreeClusters(table: FatTable): Promise<number | undefined> {
  let free = 0;
  const complete = await table.scan((_cluster, value) => {
    if (value === 0) free++;
  });
  return complete ? free : undefined;
}
