import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import { exactInteger, type MetaRecord } from '../../../../model/metadata.js';
import type { Source } from '../../../../model/source.js';
import type { PartitionTable } from '../types.js';
import { gptExtents } from './gpt-entries.js';
import { readGptCopy, type GptCopy, type GptHeader } from './gpt-header.js';
import { placePartitions } from './layout.js';
import { isProtectiveMbr, isUsed, mbrEntries } from './mbr-sector.js';

/**
 * A GUID partition table. Like sgdisk, the primary copy is used when it holds (signature, header
 * CRC, entry array CRC), else the backup at the last sector; the other copy's damage and any
 * disagreement between them are reported.
 */
export async function readGpt(
  disk: Source,
  sectorSize: number,
  maxEntries: number,
  where?: string,
): Promise<PartitionTable> {
  const diagnostics: Diagnostic[] = [];
  const lastLba = BigInt(Math.floor(disk.size / sectorSize)) - 1n;
  const primary = await readGptCopy(disk, 1n, sectorSize, maxEntries);
  const backupLba = primary.problem === null && primary.header ? primary.header.backupLba : lastLba;
  // A primary naming itself as its backup would otherwise be checked against itself.
  const backup =
    backupLba === 1n
      ? { ...primary, problem: 'is the primary itself (the primary header names LBA 1 as its backup)' }
      : await readGptCopy(disk, backupLba, sectorSize, maxEntries);
  const chosen = primary.problem === null ? primary : backup.problem === null ? backup : null;
  const table: PartitionTable = {
    scheme: 'gpt',
    sectorSize,
    attrs: { sector_size: sectorSize },
    partitions: [],
    diagnostics,
    verify: async () => [...diagnostics, ...protectiveMbrFindings(await disk.read(0, 512), where)],
  };
  if (!chosen?.header) {
    const message = `no usable GPT: the primary header (LBA 1): ${primary.problem ?? ''}; the backup (LBA ${backupLba}): ${backup.problem ?? ''}`;
    diagnostics.push(diagnostic('error', 'GPT_DAMAGED', message, where));
    return table;
  }
  reportCopies(primary, backup, diagnostics, where);
  const header = chosen.header;
  if (chosen.cut) {
    const message = `the GPT header announces ${header.entryCount} entries; the first ${maxEntries} are read (limit diskPartitions) and the entry array CRC32 is not checked`;
    diagnostics.push(diagnostic('warning', 'GPT_TOO_MANY_ENTRIES', message, where));
  }
  table.attrs = tableAttrs(header, chosen === primary ? 'primary' : 'backup', sectorSize);
  const extents = gptExtents(header, chosen.entries, diagnostics, where);
  table.partitions = placePartitions(extents, sectorSize, disk.size, diagnostics, where);
  return table;
}

/** What sgdisk's verify says of sector 0: MBR-only tools see a disk without a protective MBR as empty. */
function protectiveMbrFindings(sector: Uint8Array, where?: string): Diagnostic[] {
  if (!isProtectiveMbr(sector)) {
    const message =
      'sector 0 holds no protective MBR (an entry of type 0xEE): tools that read only MBR see an empty disk';
    return [diagnostic('warning', 'GPT_NO_PROTECTIVE_MBR', message, where)];
  }
  const others = mbrEntries(sector).filter((entry) => isUsed(entry) && entry.type !== 0xee);
  if (others.length === 0) return [];
  const message = `a hybrid MBR: sector 0 also holds ${others.length} MBR partition(s), which MBR-only systems use instead of the GPT`;
  return [diagnostic('info', 'GPT_HYBRID_MBR', message, where)];
}

function reportCopies(primary: GptCopy, backup: GptCopy, diagnostics: Diagnostic[], where?: string): void {
  if (primary.problem !== null) {
    const message = `primary GPT header at LBA 1: ${primary.problem}; the backup at LBA ${backup.lba} is used`;
    diagnostics.push(diagnostic('warning', 'GPT_PRIMARY_DAMAGED', message, where));
  } else if (backup.problem !== null) {
    const message = `backup GPT header at LBA ${backup.lba}: ${backup.problem}; the primary is used`;
    diagnostics.push(diagnostic('warning', 'GPT_BACKUP_DAMAGED', message, where));
  } else {
    const differences = disagreement(primary, backup);
    if (differences.length > 0) {
      const message = `primary and backup GPT differ in ${differences.join(', ')}; the primary is used`;
      diagnostics.push(diagnostic('warning', 'GPT_MISMATCH', message, where));
    }
  }
}

function disagreement(primary: GptCopy, backup: GptCopy): string[] {
  const a = primary.header;
  const b = backup.header;
  if (!a || !b) return [];
  const fields: [string, unknown, unknown][] = [
    ['disk GUID', a.diskGuid, b.diskGuid],
    ['first usable LBA', a.firstUsableLba, b.firstUsableLba],
    ['last usable LBA', a.lastUsableLba, b.lastUsableLba],
    ['entry count', a.entryCount, b.entryCount],
    ['entry size', a.entrySize, b.entrySize],
    ['backup location', a.backupLba, b.currentLba],
    ['primary location', a.currentLba, b.backupLba],
  ];
  const differing = fields.filter(([, left, right]) => left !== right).map(([name]) => name);
  if (!sameBytes(primary.entries, backup.entries)) differing.push('partition entries');
  return differing;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function tableAttrs(header: GptHeader, used: string, sectorSize: number): MetaRecord {
  return {
    disk_guid: header.diskGuid,
    sector_size: sectorSize,
    header_used: used,
    revision: `${header.revision >>> 16}.${header.revision & 0xffff}`,
    first_usable_lba: exactInteger(header.firstUsableLba),
    last_usable_lba: exactInteger(header.lastUsableLba),
    entries_lba: exactInteger(header.entriesLba),
    entry_count: header.entryCount,
    entry_size: header.entrySize,
    backup_lba: exactInteger(used === 'primary' ? header.backupLba : header.currentLba),
  };
}
