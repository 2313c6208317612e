import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import type { Source } from '../../../../model/source.js';
import { u32le } from '../../bytes.js';
import type { PartitionTable } from '../types.js';
import { placePartitions, type Extent } from './layout.js';
import { hasBootSignature, isUsed, mbrEntries, type MbrEntry } from './mbr-sector.js';
import { isExtended, mbrTypeName, typeCode } from './mbr-types.js';

const SECTOR = 512;
const FIRST_LOGICAL = 5;

/**
 * A DOS partition table: the four primary entries and, inside each extended partition, the chain
 * of extended boot records whose logical partitions Linux numbers from 5 on.
 */
export async function readMbr(
  disk: Source,
  sector: Uint8Array,
  maxPartitions: number,
  where?: string,
): Promise<PartitionTable> {
  const diagnostics: Diagnostic[] = [];
  const extents: Extent[] = [];
  const containers: MetaRecord[] = [];
  const chain = { next: FIRST_LOGICAL, visited: new Set<number>(), maxPartitions, where, diagnostics };
  for (const entry of mbrEntries(sector)) {
    if (!isUsed(entry)) continue;
    if (!isExtended(entry.type)) {
      extents.push(extentOf(entry, entry.slot + 1, 0, false));
      continue;
    }
    containers.push({
      number: entry.slot + 1,
      type: mbrTypeName(entry.type),
      first_lba: entry.start,
      sectors: entry.sectors,
    });
    for (const logical of await logicalChain(disk, entry.start, chain)) {
      reportOutside(logical, entry, diagnostics, where);
      extents.push(logical);
    }
  }
  const table: PartitionTable = {
    scheme: 'mbr',
    sectorSize: SECTOR,
    attrs: {
      label_id: `0x${u32le(sector, 440).toString(16).padStart(8, '0')}`,
      sector_size: SECTOR,
      extended: containers,
    },
    partitions: [],
    diagnostics,
    verify: async () => [...diagnostics],
  };
  table.partitions = placePartitions(extents, SECTOR, disk.size, diagnostics, where);
  return table;
}

interface ChainState {
  next: number;
  visited: Set<number>;
  maxPartitions: number;
  where: string | undefined;
  diagnostics: Diagnostic[];
}

/**
 * Follows one extended partition's EBR links (each relative to the extended partition's start)
 * until a record links nowhere, loops, lies past the disk end or the partition limit is reached.
 */
async function logicalChain(disk: Source, extendedStart: number, state: ChainState): Promise<Extent[]> {
  const found: Extent[] = [];
  const report = (severity: 'error' | 'warning', code: string, message: string): void => {
    state.diagnostics.push(diagnostic(severity, code, message, state.where));
  };
  for (let ebr: number | null = extendedStart; ebr !== null;) {
    if (state.visited.has(ebr)) return loopEnd(found, ebr, report);
    state.visited.add(ebr);
    if (state.next - FIRST_LOGICAL >= state.maxPartitions) {
      report(
        'warning',
        'MBR_TOO_MANY_LOGICAL',
        `the logical partition chain goes on past ${state.maxPartitions} partitions (limit diskPartitions); the rest is not read`,
      );
      return found;
    }
    if ((ebr + 1) * SECTOR > disk.size) {
      report(
        'error',
        'MBR_CHAIN_PAST_END',
        `the extended boot record at sector ${ebr} lies past the disk end; the logical partitions from there on are missing`,
      );
      return found;
    }
    const record = await disk.read(ebr * SECTOR, SECTOR);
    if (!hasBootSignature(record)) {
      report(
        'error',
        'MBR_BAD_EBR',
        `the extended boot record at sector ${ebr} has no 0x55AA signature; the logical partitions from there on are missing`,
      );
      return found;
    }
    const entries = mbrEntries(record);
    const data = entries.slice(0, 2).find((entry) => isUsed(entry) && !isExtended(entry.type));
    if (data) found.push(extentOf(data, state.next++, ebr, true));
    const link = entries.find((entry) => isUsed(entry) && isExtended(entry.type));
    ebr = link ? extendedStart + link.start : null;
  }
  return found;
}

/** Linux reads a logical partition wherever its EBR points; fdisk and parted expect it inside its container. */
function reportOutside(logical: Extent, extended: MbrEntry, diagnostics: Diagnostic[], where?: string): void {
  const containerEnd = BigInt(extended.start) + BigInt(extended.sectors);
  if (logical.firstLba >= BigInt(extended.start) && logical.firstLba + logical.sectors <= containerEnd) return;
  const message = `logical partition p${logical.number} (sectors ${logical.firstLba}..${logical.firstLba + logical.sectors - 1n}) lies outside its extended partition p${extended.slot + 1} (sectors ${extended.start}..${containerEnd - 1n})`;
  diagnostics.push(diagnostic('warning', 'MBR_LOGICAL_OUTSIDE_EXTENDED', message, where));
}

function loopEnd(
  found: Extent[],
  ebr: number,
  report: (severity: 'error', code: string, message: string) => void,
): Extent[] {
  report(
    'error',
    'MBR_LOOP',
    `the logical partition chain links back to the extended boot record at sector ${ebr}; it is followed no further`,
  );
  return found;
}

function extentOf(entry: MbrEntry, number: number, base: number, logical: boolean): Extent {
  return {
    number,
    firstLba: BigInt(base) + BigInt(entry.start),
    sectors: BigInt(entry.sectors),
    attrs: {
      number,
      type: mbrTypeName(entry.type),
      type_code: typeCode(entry.type),
      bootable: entry.bootable,
      logical,
    },
  };
}
