import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { decodeName } from '../../../model/display.js';
import type { SparseSegment, TarEntry, TarEntryKind } from './types.js';

export const BLOCK = 512;

/** One header block as written, before PAX or GNU extension records are applied. */
export interface TarHeader {
  /** `prefix/name` for POSIX ustar headers, the name field alone otherwise. */
  name: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeSeconds: bigint;
  linkname: string;
  uname: string;
  gname: string;
  devMajor: number;
  devMinor: number;
  format: TarEntry['format'];
  /** Old-GNU sparse member whose sparse map continues in extra blocks before the data. */
  sparseExtended: boolean;
  /** Old-GNU sparse member: its real size and the first segments of its map (the header holds four). */
  sparse?: { realSize: number; map: SparseSegment[] };
}

const POSIX_MAGIC = [...'ustar\u000000'].map((char) => char.charCodeAt(0));
const GNU_MAGIC = [...'ustar  \u0000'].map((char) => char.charCodeAt(0));
const SPACE = 0x20;
const CHECKSUM_START = 148;
const CHECKSUM_END = 156;

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** The unsigned sum all writers use, or the signed one some old Unix writers produced. */
export function checksumMatches(block: Uint8Array): boolean {
  const stored = parseOctal(block.subarray(CHECKSUM_START, CHECKSUM_END));
  if (stored === null) return false;
  let unsigned = 8 * SPACE;
  let high = 0;
  for (let i = 0; i < BLOCK; i++) {
    if (i === CHECKSUM_START) i = CHECKSUM_END;
    const byte = block[i] ?? 0;
    unsigned += byte;
    if (byte >= 0x80) high++;
  }
  // The signed sum some old writers used differs by 256 for every byte of 0x80 or more.
  return stored === BigInt(unsigned) || stored === BigInt(unsigned - 256 * high);
}

function headerFormat(block: Uint8Array): TarEntry['format'] {
  if (POSIX_MAGIC.every((byte, i) => block[257 + i] === byte)) return 'ustar';
  if (GNU_MAGIC.every((byte, i) => block[257 + i] === byte)) return 'gnu';
  return 'v7';
}

const kinds: Record<string, TarEntryKind> = {
  '0': 'file',
  '\u0000': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'chardev',
  '4': 'blockdev',
  '5': 'dir',
  '6': 'fifo',
  D: 'dir',
  S: 'sparse',
};

export function entryKind(typeflag: string, path: string): TarEntryKind {
  // Pre-POSIX writers had no directory typeflag and marked directories by the trailing slash alone.
  if (typeflag === '\u0000' && path.endsWith('/')) return 'dir';
  return kinds[typeflag] ?? 'unknown';
}

/**
 * Octal digits up to the first NUL or space or the end of the field (busybox fills all 8 bytes),
 * after optional leading spaces. Null when another character appears.
 */
function parseOctal(field: Uint8Array): bigint | null {
  let i = 0;
  while (i < field.length && field[i] === SPACE) i++;
  let value = 0n;
  for (; i < field.length; i++) {
    const byte = field[i] ?? 0;
    if (byte === 0 || byte === SPACE) break;
    if (byte < 0x30 || byte > 0x37) return null;
    value = value * 8n + BigInt(byte - 0x30);
  }
  return value;
}

/** GNU base-256: bit 7 of the first byte marks it, bit 6 is the sign, the rest is big-endian two's complement. */
function parseBase256(field: Uint8Array): bigint {
  const negative = ((field[0] ?? 0) & 0x40) !== 0;
  let value = 0n;
  field.forEach((byte, i) => {
    const bits = negative ? ~byte & 0xff : byte;
    value = value * 256n + BigInt(i === 0 ? bits & 0x7f : bits);
  });
  return negative ? -value - 1n : value;
}

function parseNumeric(field: Uint8Array): bigint | null {
  return ((field[0] ?? 0) & 0x80) !== 0 ? parseBase256(field) : parseOctal(field);
}

/** Field bytes up to the first NUL (a field may be full with no NUL at all). */
export function cString(bytes: Uint8Array): Uint8Array {
  const end = bytes.indexOf(0);
  return end < 0 ? bytes : bytes.subarray(0, end);
}

/** Decodes one header block whose checksum has been verified; odd numbers become diagnostics, never exceptions. */
export function decodeHeader(block: Uint8Array, offset: number, diagnostics: Diagnostic[]): TarHeader {
  const format = headerFormat(block);
  const field = (start: number, length: number): Uint8Array => block.subarray(start, start + length);
  const text = (start: number, length: number): string =>
    format === 'v7' ? '' : decodeName(cString(field(start, length)));
  const count = (start: number, length: number, label: string): number => {
    const value = format === 'v7' && start >= 257 ? 0n : parseNumeric(field(start, length));
    return toCount(value, label, offset, diagnostics);
  };
  const typeflag = String.fromCharCode(block[156] ?? 0);
  return {
    name: decodeName(
      joinPrefix(format === 'ustar' ? cString(field(345, 155)) : new Uint8Array(0), cString(field(0, 100))),
    ),
    typeflag,
    mode: count(100, 8, 'mode') & 0o7777,
    uid: count(108, 8, 'uid'),
    gid: count(116, 8, 'gid'),
    size: count(124, 12, 'size'),
    mtimeSeconds: mtimeField(field(136, 12), offset, diagnostics),
    linkname: decodeName(cString(field(157, 100))),
    uname: text(265, 32),
    gname: text(297, 32),
    devMajor: count(329, 8, 'devmajor'),
    devMinor: count(337, 8, 'devminor'),
    format,
    sparseExtended: format === 'gnu' && typeflag === 'S' && block[482] !== 0,
    ...(format === 'gnu' && typeflag === 'S'
      ? { sparse: { realSize: Number(parseNumeric(field(483, 12)) ?? 0n), map: sparseSegments(block, 386, 4) } }
      : {}),
  };
}

/** Up to `count` old-GNU map entries (12-byte offset, 12-byte length) from `start`; an empty offset ends the map. */
export function sparseSegments(block: Uint8Array, start: number, count: number): SparseSegment[] {
  const segments: SparseSegment[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * 24;
    if (block[at] === 0) break;
    const offset = parseNumeric(block.subarray(at, at + 12));
    const length = parseNumeric(block.subarray(at + 12, at + 24));
    if (offset === null || length === null) break;
    segments.push({ offset: Number(offset), length: Number(length) });
  }
  return segments;
}

function joinPrefix(prefix: Uint8Array, name: Uint8Array): Uint8Array {
  if (prefix.length === 0) return name;
  const joined = new Uint8Array(prefix.length + 1 + name.length);
  joined.set(prefix);
  joined[prefix.length] = 0x2f;
  joined.set(name, prefix.length + 1);
  return joined;
}

/** A count (size, id, mode, device number): negative, unreadable or unrepresentable values are reported. */
export function toCount(value: bigint | null, label: string, offset: number, diagnostics: Diagnostic[]): number {
  if (value === null) {
    diagnostics.push(
      diagnostic('warning', 'TAR_BAD_NUMBER', `header at offset ${offset}: ${label} is not a number; read as 0`),
    );
    return 0;
  }
  if (value < 0n) {
    diagnostics.push(
      diagnostic('warning', 'TAR_BAD_NUMBER', `header at offset ${offset}: ${label} is negative (${value}); read as 0`),
    );
    return 0;
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    diagnostics.push(
      diagnostic(
        'warning',
        'TAR_BAD_NUMBER',
        `header at offset ${offset}: ${label} ${value} is too large; read as ${Number.MAX_SAFE_INTEGER}`,
      ),
    );
    return Number.MAX_SAFE_INTEGER;
  }
  return Number(value);
}

/** Times before 1970 are legitimate, so unlike counts a negative base-256 mtime is kept. */
function mtimeField(field: Uint8Array, offset: number, diagnostics: Diagnostic[]): bigint {
  const value = parseNumeric(field);
  if (value !== null) return value;
  diagnostics.push(
    diagnostic('warning', 'TAR_BAD_NUMBER', `header at offset ${offset}: mtime is not a number; read as 0`),
  );
  return 0n;
}

/** How far into a file detection looks for a valid header when the first ones are damaged (GNU tar's default record is 10 KiB). */
export const TAR_DETECT_BYTES = 64 * 1024;

/**
 * A tar starts with a valid header: block 0 with a valid checksum and either a ustar magic or (v7) a
 * printable name and numeric size. When block 0 is damaged, any later block of `head` that is a valid
 * ustar or GNU header will do, so the damage is reported and the rest recovered, as GNU tar does.
 */
export function looksLikeTar(head: Uint8Array): boolean {
  if (isTarHeader(head)) return true;
  for (let at = BLOCK; at + BLOCK <= head.length; at += BLOCK) {
    const block = head.subarray(at, at + BLOCK);
    if (!isZeroBlock(block) && checksumMatches(block) && headerFormat(block) !== 'v7') return true;
  }
  return false;
}

function isTarHeader(head: Uint8Array): boolean {
  if (head.length < BLOCK || isZeroBlock(head) || !checksumMatches(head)) return false;
  if (headerFormat(head) !== 'v7') return true;
  const name = cString(head.subarray(0, 100));
  return (
    name.length > 0 &&
    name.every((byte) => byte >= 0x20 && byte !== 0x7f) &&
    parseOctal(head.subarray(124, 136)) !== null
  );
}
