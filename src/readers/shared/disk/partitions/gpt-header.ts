import { crc32 } from 'node:zlib';
import type { Source } from '../../../../model/source.js';
import { u32le, u64le } from '../../bytes.js';
import { guidAt } from './guid.js';

const SIGNATURE = 'EFI PART';
const MIN_HEADER_BYTES = 92;
const MIN_ENTRY_BYTES = 128;
/** The UEFI spec allows 128 × 2^n; nothing writes more than 128, and this bounds the array read. */
const MAX_ENTRY_BYTES = 4096;

export interface GptHeader {
  revision: number;
  headerSize: number;
  currentLba: bigint;
  backupLba: bigint;
  firstUsableLba: bigint;
  lastUsableLba: bigint;
  diskGuid: string;
  entriesLba: bigint;
  entryCount: number;
  entrySize: number;
  entriesCrc: number;
}

/** One copy of the table (primary at LBA 1 or backup at the last LBA), with why it cannot be trusted. */
export interface GptCopy {
  lba: bigint;
  header: GptHeader | null;
  /** The entries read: all of them, or the first `maxEntries` when the header announces more. */
  entries: Uint8Array;
  /** Null when signature, CRCs and locations all hold. */
  problem: string | null;
  /** The header announces more entries than were read, so the array CRC was not checked. */
  cut: boolean;
}

/** Whether the sector at `offset` of `bytes` starts with the GPT signature. */
export function hasGptSignature(bytes: Uint8Array, offset: number): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(offset, offset + 8)) === SIGNATURE;
}

export async function readGptCopy(disk: Source, lba: bigint, sectorSize: number, maxEntries: number): Promise<GptCopy> {
  const copy: GptCopy = { lba, header: null, entries: new Uint8Array(0), problem: null, cut: false };
  const offset = lba * BigInt(sectorSize);
  if (lba < 1n || offset + BigInt(sectorSize) > BigInt(disk.size))
    return { ...copy, problem: 'lies past the disk end' };
  const sector = await disk.read(Number(offset), sectorSize);
  const problem = headerProblem(sector, lba, sectorSize);
  if (problem !== null) return { ...copy, problem };
  const header = parseHeader(sector);
  copy.header = header;
  const wanted = Math.min(header.entryCount, maxEntries);
  copy.cut = wanted < header.entryCount;
  const arrayOffset = header.entriesLba * BigInt(sectorSize);
  const arrayBytes = wanted * header.entrySize;
  if (header.entriesLba < 1n || arrayOffset + BigInt(arrayBytes) > BigInt(disk.size))
    return { ...copy, problem: `its entry array at LBA ${header.entriesLba} runs past the disk end` };
  copy.entries = await disk.read(Number(arrayOffset), arrayBytes);
  if (!copy.cut && crc32(copy.entries) >>> 0 !== header.entriesCrc)
    copy.problem = `entry array CRC32 mismatch (stored ${hex(header.entriesCrc)}, computed ${hex(crc32(copy.entries) >>> 0)})`;
  return copy;
}

function headerProblem(sector: Uint8Array, lba: bigint, sectorSize: number): string | null {
  if (!hasGptSignature(sector, 0)) return 'no "EFI PART" signature';
  const headerSize = u32le(sector, 12);
  if (headerSize < MIN_HEADER_BYTES || headerSize > sectorSize)
    return `header size ${headerSize} is outside ${MIN_HEADER_BYTES}..${sectorSize}`;
  const stored = u32le(sector, 16);
  const computed = headerCrc(sector, headerSize);
  if (stored !== computed) return `header CRC32 mismatch (stored ${hex(stored)}, computed ${hex(computed)})`;
  const current = u64le(sector, 24);
  if (current !== lba) return `header found at LBA ${lba} says it lies at LBA ${current}`;
  const entrySize = u32le(sector, 84);
  if (entrySize < MIN_ENTRY_BYTES || entrySize > MAX_ENTRY_BYTES || (entrySize & (entrySize - 1)) !== 0)
    return `entry size ${entrySize} is not 128 × 2^n up to ${MAX_ENTRY_BYTES}`;
  return null;
}

/** CRC32 of the first `headerSize` bytes with the CRC field itself taken as zero. */
export function headerCrc(sector: Uint8Array, headerSize: number): number {
  const header = Uint8Array.from(sector.subarray(0, headerSize));
  header.fill(0, 16, 20);
  return crc32(header) >>> 0;
}

function parseHeader(sector: Uint8Array): GptHeader {
  return {
    revision: u32le(sector, 8),
    headerSize: u32le(sector, 12),
    currentLba: u64le(sector, 24),
    backupLba: u64le(sector, 32),
    firstUsableLba: u64le(sector, 40),
    lastUsableLba: u64le(sector, 48),
    diskGuid: guidAt(sector, 56),
    entriesLba: u64le(sector, 72),
    entryCount: u32le(sector, 80),
    entrySize: u32le(sector, 84),
    entriesCrc: u32le(sector, 88),
  };
}

export function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
