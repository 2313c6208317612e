/**
 * Partitioned disks built byte by byte, for what the real tools cannot be told to write: GPT on
 * 4096-byte sectors of a plain file, and hostile tables (huge entry counts, overlaps, runaway MBR chains).
 */
import { crc32 } from 'node:zlib';

export interface GptPartitionSpec {
  typeGuid: string;
  guid: string;
  firstLba: number;
  lastLba: number;
  name: string;
  attributes?: bigint;
  /** Slot in the entry array, 0-based; the next free one unless given. */
  slot?: number;
}

export interface GptSpec {
  sectorSize: number;
  sectors: number;
  diskGuid: string;
  partitions: GptPartitionSpec[];
  /** Entries the array holds (128 unless given) and what the header announces (the same unless given). */
  entries?: number;
  announcedEntries?: number;
  entrySize?: number;
}

export function guidBytes(guid: string): Uint8Array {
  const hex = guid.replaceAll('-', '');
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  // The first three fields are stored little-endian.
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}

/** A whole disk: protective MBR, primary header and array at LBA 1 and 2, backup array and header at the end. */
export function buildGpt(spec: GptSpec): Uint8Array {
  const { sectorSize, sectors } = spec;
  const entrySize = spec.entrySize ?? 128;
  const count = spec.entries ?? 128;
  const disk = new Uint8Array(sectorSize * sectors);
  disk.set(protectiveMbr(sectors), 0);
  const array = entryArray(spec, count, entrySize);
  const arraySectors = Math.ceil(array.length / sectorSize);
  const last = sectors - 1;
  const backupArrayLba = last - arraySectors;
  const layout = { firstUsable: 2 + arraySectors, lastUsable: backupArrayLba - 1 };
  const announced = spec.announcedEntries ?? count;
  const arrayCrc = crc32(array) >>> 0;
  disk.set(array, 2 * sectorSize);
  disk.set(array, backupArrayLba * sectorSize);
  const header = (current: number, backup: number, entriesLba: number): Uint8Array =>
    gptHeader({ ...layout, current, backup, entriesLba, diskGuid: spec.diskGuid, announced, entrySize, arrayCrc });
  disk.set(header(1, last, 2), sectorSize);
  disk.set(header(last, 1, backupArrayLba), last * sectorSize);
  return disk;
}

function entryArray(spec: GptSpec, count: number, entrySize: number): Uint8Array {
  const array = new Uint8Array(count * entrySize);
  spec.partitions.forEach((partition, index) => {
    const at = (partition.slot ?? index) * entrySize;
    const view = new DataView(array.buffer, at, entrySize);
    array.set(guidBytes(partition.typeGuid), at);
    array.set(guidBytes(partition.guid), at + 16);
    view.setBigUint64(32, BigInt(partition.firstLba), true);
    view.setBigUint64(40, BigInt(partition.lastLba), true);
    view.setBigUint64(48, partition.attributes ?? 0n, true);
    for (let i = 0; i < partition.name.length && i < 36; i++)
      view.setUint16(56 + i * 2, partition.name.charCodeAt(i), true);
  });
  return array;
}

interface HeaderFields {
  current: number;
  backup: number;
  firstUsable: number;
  lastUsable: number;
  diskGuid: string;
  entriesLba: number;
  announced: number;
  entrySize: number;
  arrayCrc: number;
}

function gptHeader(fields: HeaderFields): Uint8Array {
  const header = new Uint8Array(92);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode('EFI PART'), 0);
  view.setUint32(8, 0x00010000, true);
  view.setUint32(12, 92, true);
  view.setBigUint64(24, BigInt(fields.current), true);
  view.setBigUint64(32, BigInt(fields.backup), true);
  view.setBigUint64(40, BigInt(fields.firstUsable), true);
  view.setBigUint64(48, BigInt(fields.lastUsable), true);
  header.set(guidBytes(fields.diskGuid), 56);
  view.setBigUint64(72, BigInt(fields.entriesLba), true);
  view.setUint32(80, fields.announced, true);
  view.setUint32(84, fields.entrySize, true);
  view.setUint32(88, fields.arrayCrc, true);
  view.setUint32(16, crc32(header) >>> 0, true);
  return header;
}

function protectiveMbr(sectors: number): Uint8Array {
  return mbrSector(0, [{ type: 0xee, start: 1, sectors: Math.min(sectors - 1, 0xffffffff) }]);
}

export interface MbrEntrySpec {
  bootable?: boolean;
  type: number;
  start: number;
  sectors: number;
}

/** One 512-byte MBR or EBR with up to four entries and the 0x55AA signature. */
export function mbrSector(labelId: number, entries: MbrEntrySpec[]): Uint8Array {
  const sector = new Uint8Array(512);
  const view = new DataView(sector.buffer);
  view.setUint32(440, labelId, true);
  entries.forEach((entry, slot) => {
    const at = 446 + slot * 16;
    sector[at] = entry.bootable ? 0x80 : 0;
    sector[at + 4] = entry.type;
    view.setUint32(at + 8, entry.start, true);
    view.setUint32(at + 12, entry.sectors, true);
  });
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}
