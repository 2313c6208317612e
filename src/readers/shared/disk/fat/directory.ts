import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { Instant } from '../../../../model/metadata.js';
import { u32le } from '../../bytes.js';
import { u16le } from '../../bytes.js';
import { decodeShortBytes, decodeUtf16Name, shortName, shortNameChecksum, storedShortName } from './names.js';
import { fatTime } from './times.js';

export const ATTR_READ_ONLY = 0x01;
export const ATTR_HIDDEN = 0x02;
export const ATTR_SYSTEM = 0x04;
export const ATTR_VOLUME = 0x08;
export const ATTR_DIRECTORY = 0x10;
export const ATTR_ARCHIVE = 0x20;
const ATTR_LONG_NAME = 0x0f;

const DELETED = 0xe5;
const LFN_LAST = 0x40;
/** 255 UTF-16 units at 13 per entry. */
const LFN_MAX_PARTS = 20;

/** One live directory entry, its long name already matched to its short one. */
export interface FatEntry {
  name: string;
  /** The stored 8.3 name (upper case), given when a long name stands in front of it. */
  shortName: string | undefined;
  attributes: number;
  cluster: number;
  size: number;
  written: Instant | undefined;
  created: Instant | undefined;
  accessed: Instant | undefined;
}

export interface DirectoryListing {
  entries: FatEntry[];
  /** The volume-label entry's text, when the directory holds one (the root). */
  label: string | undefined;
}

interface PendingLongName {
  checksum: number;
  next: number;
  /** Highest sequence number first, as they are stored. */
  parts: number[][];
}

/**
 * Decodes raw directory bytes, 32 per entry, up to the 0x00 end marker. Long-name entries precede
 * their short entry in descending order; one that breaks the sequence or whose checksum does not
 * match the short name is dropped with a diagnostic and the short name is used, as Windows does.
 * `cut` says the bytes stop at a limit rather than at the folder's end.
 */
export function parseDirectory(
  bytes: Uint8Array,
  fat32: boolean,
  path: string,
  diagnostics: Diagnostic[],
  cut = false,
): DirectoryListing {
  const listing: DirectoryListing = { entries: [], label: undefined };
  const longNames = new LongNameCollector(path, diagnostics);
  for (let at = 0; at + 32 <= bytes.length; at += 32) {
    const entry = bytes.subarray(at, at + 32);
    const first = entry[0] ?? 0;
    if (first === 0) break;
    const attributes = entry[11] ?? 0;
    if (first === DELETED) longNames.forget();
    else if ((attributes & 0x3f) === ATTR_LONG_NAME) longNames.add(entry);
    else if (attributes & ATTR_VOLUME) {
      longNames.drop('stands before the volume label');
      listing.label ??= decodeShortBytes(entry.subarray(0, 11)).trimEnd();
    } else if (isDotEntry(entry)) longNames.drop('stands before a dot entry');
    else listing.entries.push(entryOf(entry, longNames.take(entry), fat32));
  }
  // Bytes cut at a limit may end inside a long name: its short entry is beyond, not missing.
  if (cut) longNames.forget();
  else longNames.drop('is not followed by its short entry');
  return listing;
}

/** Gathers long-name parts until the short entry they belong to comes. */
class LongNameCollector {
  private pending: PendingLongName | undefined;

  constructor(
    private readonly path: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** A deleted entry: parts before it were deleted with it, nothing to report. */
  forget(): void {
    this.pending = undefined;
  }

  drop(why: string, code = 'FAT_LFN_ORPHAN'): void {
    if (this.pending) this.report(why, code);
    this.pending = undefined;
  }

  add(entry: Uint8Array): void {
    const order = entry[0] ?? 0;
    const sequence = order & 0x1f;
    const checksum = entry[13] ?? 0;
    if (order & LFN_LAST) {
      this.drop('is cut off by the start of another long name');
      if (sequence >= 1 && sequence <= LFN_MAX_PARTS)
        this.pending = { checksum, next: sequence - 1, parts: [units(entry)] };
      else this.report(`has sequence number ${sequence}`, 'FAT_LFN_ORPHAN');
      return;
    }
    const pending = this.pending;
    if (!pending || sequence !== pending.next || checksum !== pending.checksum || sequence === 0) {
      this.pending = undefined;
      this.report('is out of sequence', 'FAT_LFN_ORPHAN');
      return;
    }
    pending.parts.push(units(entry));
    pending.next--;
  }

  /** The long name for this short entry, or undefined when none (complete and matching) precedes it. */
  take(entry: Uint8Array): string | undefined {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return undefined;
    if (pending.next !== 0) {
      this.report('misses some of its parts', 'FAT_LFN_ORPHAN');
      return undefined;
    }
    const sum = shortNameChecksum(entry);
    if (pending.checksum !== sum) {
      this.report(`has checksum ${pending.checksum}, but ${storedShortName(entry)} sums to ${sum}`, 'FAT_LFN_CHECKSUM');
      return undefined;
    }
    const all: number[] = [];
    for (let i = pending.parts.length - 1; i >= 0; i--) for (const unit of pending.parts[i] ?? []) all.push(unit);
    return decodeUtf16Name(all);
  }

  private report(why: string, code: string): void {
    this.diagnostics.push(
      diagnostic(
        'warning',
        code,
        `${this.path || '/'}: a long file name entry ${why}; the short name is shown`,
        this.path,
      ),
    );
  }
}

/** The 13 UTF-16 units one long-name entry carries, in three runs around the other fields. */
function units(entry: Uint8Array): number[] {
  const found: number[] = [];
  for (const [from, to] of [
    [1, 11],
    [14, 26],
    [28, 32],
  ] as const)
    for (let at = from; at < to; at += 2) found.push(u16le(entry, at));
  return found;
}

function isDotEntry(entry: Uint8Array): boolean {
  const name = storedShortName(entry);
  return name === '.' || name === '..';
}

/** A name that can stand in a path: not empty, not `.` or `..` (a hostile long name may say so). */
function usable(name: string | undefined): string | undefined {
  return name === undefined || name === '' || name === '.' || name === '..' ? undefined : name;
}

/** Short names of only spaces or dots, written as escapes (literal backslashes that look like escapes already are). */
function escapedName(name: string): string {
  return name === '' ? '\\x20' : name.replaceAll('.', '\\x2e');
}

function entryOf(entry: Uint8Array, longName: string | undefined, fat32: boolean): FatEntry {
  const high = fat32 ? u16le(entry, 20) : 0;
  return {
    name: usable(longName) ?? usable(shortName(entry)) ?? escapedName(shortName(entry)),
    shortName: usable(longName) === undefined ? undefined : storedShortName(entry),
    attributes: entry[11] ?? 0,
    cluster: high * 0x10000 + u16le(entry, 26),
    size: u32le(entry, 28),
    written: fatTime(u16le(entry, 24), u16le(entry, 22)),
    created: fatTime(u16le(entry, 16), u16le(entry, 14), entry[13] ?? 0),
    accessed: fatTime(u16le(entry, 18)),
  };
}
