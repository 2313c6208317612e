import { u16le, u32le, u8 } from '../../bytes.js';

export interface DirEntry {
  inode: number;
  name: Uint8Array;
}

const ENTRY_HEADER = 8;

/**
 * The live entries of one directory region (a block, or the inline areas). Entries with inode 0 are
 * skipped: deleted entries, the fake entries that hide a hashed directory's index in its blocks, and
 * the checksum tail. A bad record length ends the region with a problem noted, as e2fsck would.
 */
export function parseEntries(region: Uint8Array, hasFileType: boolean, into: DirEntry[], problems: string[]): void {
  for (let at = 0; at + ENTRY_HEADER <= region.length;) {
    const inode = u32le(region, at);
    const recordLength = recordLengthAt(region, at);
    const nameLength = hasFileType ? u8(region, at + 6) : u16le(region, at + 6);
    if (recordLength < ENTRY_HEADER || recordLength % 4 !== 0 || at + recordLength > region.length) {
      problems.push(`entry at byte ${at} has record length ${recordLength}`);
      return;
    }
    if (inode !== 0) {
      if (ENTRY_HEADER + nameLength > recordLength) {
        problems.push(`entry at byte ${at} has a ${nameLength}-byte name in a ${recordLength}-byte record`);
        return;
      }
      into.push({ inode, name: new Uint8Array(region.subarray(at + ENTRY_HEADER, at + ENTRY_HEADER + nameLength)) });
    }
    at += recordLength;
  }
}

/** 64 KiB blocks cannot store their own length in 16 bits: 65535 (or 0) stands for 65536. */
function recordLengthAt(region: Uint8Array, at: number): number {
  const stored = u16le(region, at + 4);
  if (region.length >= 65536 && (stored === 65535 || stored === 0)) return 65536;
  return stored;
}

export function isDotEntry(name: Uint8Array): boolean {
  return (name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
}
