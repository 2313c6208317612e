import { u32le } from '../../bytes.js';

/** One of the four 16-byte entries of an MBR or EBR, in sectors. */
export interface MbrEntry {
  slot: number;
  bootable: boolean;
  status: number;
  type: number;
  start: number;
  sectors: number;
}

const ENTRIES_AT = 446;

export function hasBootSignature(sector: Uint8Array): boolean {
  return sector.length >= 512 && sector[510] === 0x55 && sector[511] === 0xaa;
}

export function mbrEntries(sector: Uint8Array): MbrEntry[] {
  return [0, 1, 2, 3].map((slot) => {
    const at = ENTRIES_AT + slot * 16;
    const status = sector[at] ?? 0;
    return {
      slot,
      status,
      bootable: status === 0x80,
      type: sector[at + 4] ?? 0,
      start: u32le(sector, at + 8),
      sectors: u32le(sector, at + 12),
    };
  });
}

export function isUsed(entry: MbrEntry): boolean {
  return entry.type !== 0 && entry.sectors !== 0;
}

/**
 * A sector reads as an MBR only with the 0x55AA signature, status bytes of 0x00 or 0x80 in every
 * entry and at least one entry in use: a FAT boot sector has the signature too, but its boot code
 * fills the entry area with bytes that fail this.
 */
export function looksLikeMbr(sector: Uint8Array): boolean {
  if (!hasBootSignature(sector)) return false;
  const entries = mbrEntries(sector);
  if (entries.some((entry) => entry.status !== 0 && entry.status !== 0x80)) return false;
  return entries.some((entry) => isUsed(entry) && entry.start > 0);
}

/** The protective (or hybrid) MBR in front of a GPT. */
export function isProtectiveMbr(sector: Uint8Array): boolean {
  return looksLikeMbr(sector) && mbrEntries(sector).some((entry) => entry.type === 0xee);
}
