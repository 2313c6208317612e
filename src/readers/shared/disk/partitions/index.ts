import type { Source } from '../../../../model/source.js';
import { u32le } from '../../bytes.js';
import { limits } from '../limits.js';
import type { PartitionTable } from '../types.js';
import { readGpt } from './gpt.js';
import { hasGptSignature, headerCrc } from './gpt-header.js';
import { isProtectiveMbr, looksLikeMbr } from './mbr-sector.js';
import { readMbr } from './mbr.js';

const SMALL_SECTOR = 512;
const LARGE_SECTOR = 4096;

/**
 * The partition table of a disk: GPT (512- or 4096-byte sectors, also when only the protective
 * MBR and the backup survive), MBR with its logical chain, or `none` for a bare filesystem or
 * bytes that hold no table. Reads a few sectors, never the whole disk.
 */
export async function readPartitionTable(disk: Source, where?: string): Promise<PartitionTable> {
  const head = await disk.read(0, LARGE_SECTOR + SMALL_SECTOR);
  const maxEntries = limits.diskPartitions;
  if (hasGptSignature(head, SMALL_SECTOR)) return readGpt(disk, SMALL_SECTOR, maxEntries, where);
  if (hasGptSignature(head, LARGE_SECTOR)) return readGpt(disk, LARGE_SECTOR, maxEntries, where);
  if (isProtectiveMbr(head)) {
    const small = await readGpt(disk, SMALL_SECTOR, maxEntries, where);
    if (small.partitions.length > 0 || disk.size < LARGE_SECTOR * 3) return small;
    const large = await readGpt(disk, LARGE_SECTOR, maxEntries, where);
    return large.partitions.length > 0 ? large : small;
  }
  if (looksLikeMbr(head)) return readMbr(disk, head.subarray(0, SMALL_SECTOR), maxEntries, where);
  return noTable();
}

function noTable(): PartitionTable {
  return {
    scheme: 'none',
    sectorSize: SMALL_SECTOR,
    attrs: {},
    partitions: [],
    diagnostics: [],
    verify: async () => [],
  };
}

/**
 * The table the first bytes of a file (at least 1 KiB) begin: `gpt` for a protective MBR or a GPT
 * header whose CRC holds, `mbr` for an MBR with an entry in use, else null. Strict, so that no
 * other format is taken for a disk.
 */
export function partitionSchemeOf(head: Uint8Array): 'gpt' | 'mbr' | null {
  if (isProtectiveMbr(head) || hasValidSmallGptHeader(head)) return 'gpt';
  return looksLikeMbr(head) ? 'mbr' : null;
}

function hasValidSmallGptHeader(head: Uint8Array): boolean {
  if (!hasGptSignature(head, SMALL_SECTOR)) return false;
  const header = head.subarray(SMALL_SECTOR, SMALL_SECTOR * 2);
  const size = u32le(header, 12);
  return size >= 92 && size <= header.length && headerCrc(header, size) === u32le(header, 16);
}
