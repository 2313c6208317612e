import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import { decodeName } from '../../model/display.js';
import { Instant } from '../../model/metadata.js';
import type { Source } from '../../model/source.js';
import { alignUp, fileOffset, hex } from './bytes.js';
import { u16be, u32be, u64be } from '../shared/bytes.js';
import type { Qcow2Header } from './header.js';
import { pushAll } from '../../model/arrays.js';

/** QEMU's own limits (block/qcow2.h): more snapshots, or a larger table, and it refuses the image. */
const MAX_EXTRA_DATA = 1024;
const ENTRY_HEADER = 40;
/** icount -1: recording was disabled; also what QEMU assumes for entries too old to store it. */
const NO_ICOUNT = 0xffffffffffffffffn;

/** One entry of the internal snapshot table, decoded as `qemu-img snapshot -l` reads it. */
export interface Qcow2SnapshotEntry {
  id: string;
  name: string;
  l1TableOffset: bigint;
  l1Size: number;
  dateSec: number;
  dateNsec: number;
  vmClockNsec: bigint;
  vmStateSize: bigint;
  diskSize: bigint;
  /** null when recording was disabled (-1) or the entry is too old to say. */
  icount: bigint | null;
  extraDataSize: number;
  /** Byte offset of the entry in the file. */
  offset: number;
}

export function snapshotDate(entry: Qcow2SnapshotEntry): Instant {
  return new Instant(BigInt(entry.dateSec) * 1_000_000_000n + BigInt(entry.dateNsec));
}

/**
 * Reads entries one at a time, so a table that ends at an unpadded end of file (as `qemu-img
 * snapshot -c` can leave it) reads in full, and a lying nb_snapshots costs nothing it cannot find.
 */
export async function readSnapshotTable(
  file: Source,
  header: Qcow2Header,
  where?: string,
): Promise<{ entries: Qcow2SnapshotEntry[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const entries: Qcow2SnapshotEntry[] = [];
  if (header.nbSnapshots === 0) return { entries, diagnostics };
  if (header.nbSnapshots > limits.qcow2Snapshots) {
    const message = `nb_snapshots ${header.nbSnapshots} exceeds the limit of ${limits.qcow2Snapshots} (qcow2Snapshots); only the first ${limits.qcow2Snapshots} are read`;
    diagnostics.push(diagnostic('error', 'QCOW2_TABLE_TOO_LARGE', message, where));
  }
  const start = fileOffset(header.snapshotsOffset);
  let at = start;
  for (let index = 0; index < Math.min(header.nbSnapshots, limits.qcow2Snapshots); index++) {
    if (at - start > limits.qcow2SnapshotTableBytes) {
      const message = `the snapshot table is larger than ${limits.qcow2SnapshotTableBytes} bytes (qcow2SnapshotTableBytes); entries from #${index + 1} on are ignored`;
      diagnostics.push(diagnostic('error', 'QCOW2_TABLE_TOO_LARGE', message, where));
      break;
    }
    const read = await readEntry(file, header, at);
    if ('problem' in read) {
      const code = read.past ? 'QCOW2_TABLE_PAST_END' : 'QCOW2_BAD_SNAPSHOT';
      diagnostics.push(
        diagnostic(
          'error',
          code,
          `snapshot table entry #${index + 1} at ${hex(at)}: ${read.problem}; ${header.nbSnapshots - index} of ${header.nbSnapshots} entries unreadable`,
          where,
        ),
      );
      break;
    }
    entries.push(read.entry);
    pushAll(diagnostics, entryProblems(read.entry, header, index, where));
    at = read.next;
  }
  return { entries, diagnostics };
}

type EntryRead = { entry: Qcow2SnapshotEntry; next: number } | { problem: string; past: boolean };

async function readEntry(file: Source, header: Qcow2Header, at: number): Promise<EntryRead> {
  if (!Number.isFinite(at) || at >= file.size)
    return { problem: `it starts past the end of the file (${file.size} bytes)`, past: true };
  const fixed = await file.read(at, ENTRY_HEADER);
  if (fixed.length < ENTRY_HEADER) return { problem: `the file ends inside it (${file.size} bytes)`, past: true };
  const idSize = u16be(fixed, 12);
  const nameSize = u16be(fixed, 14);
  const extraDataSize = u32be(fixed, 36);
  if (extraDataSize > MAX_EXTRA_DATA)
    return { problem: `extra_data_size ${extraDataSize} exceeds QEMU's limit of ${MAX_EXTRA_DATA}`, past: false };
  const variable = extraDataSize + idSize + nameSize;
  const rest = await file.read(at + ENTRY_HEADER, variable);
  if (rest.length < variable)
    return { problem: `the file ends inside its id or name (${file.size} bytes)`, past: true };
  const extra = rest.subarray(0, extraDataSize);
  const icount = extraDataSize >= 24 ? u64be(extra, 16) : NO_ICOUNT;
  const entry: Qcow2SnapshotEntry = {
    id: decodeName(rest.subarray(extraDataSize, extraDataSize + idSize)),
    name: decodeName(rest.subarray(extraDataSize + idSize, variable)),
    l1TableOffset: u64be(fixed, 0),
    l1Size: u32be(fixed, 8),
    dateSec: u32be(fixed, 16),
    dateNsec: u32be(fixed, 20),
    vmClockNsec: u64be(fixed, 24),
    // The 64-bit size in the extra data supersedes the 32-bit field whenever it is there.
    vmStateSize: extraDataSize >= 8 ? u64be(extra, 0) : BigInt(u32be(fixed, 32)),
    diskSize: extraDataSize >= 16 ? u64be(extra, 8) : header.size,
    icount: icount === NO_ICOUNT ? null : icount,
    extraDataSize,
    offset: at,
  };
  return { entry, next: at + alignUp(ENTRY_HEADER + variable, 8) };
}

function entryProblems(entry: Qcow2SnapshotEntry, header: Qcow2Header, index: number, where?: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const label = `snapshot ${entry.name} (entry #${index + 1})`;
  if (header.version >= 3 && entry.extraDataSize < 16) {
    problems.push(
      diagnostic(
        'warning',
        'QCOW2_BAD_SNAPSHOT',
        `${label} has ${entry.extraDataSize} bytes of extra data; v3 requires at least 16 (VM state size and disk size)`,
        where,
      ),
    );
  }
  const clusterMask = (1n << BigInt(Math.min(header.clusterBits, 63))) - 1n;
  if ((entry.l1TableOffset & clusterMask) !== 0n)
    problems.push(
      diagnostic(
        'error',
        'QCOW2_BAD_SNAPSHOT',
        `${label}: l1_table_offset ${hex(entry.l1TableOffset)} is not cluster-aligned`,
        where,
      ),
    );
  return problems;
}
