import type { Diagnostic } from '../../../model/diagnostics.js';
import type { Instant } from '../../../model/metadata.js';

/** One member as the central directory (or, when that is missing, its local header) describes it. */
export interface ZipEntry {
  /** Stored name, decoded by decodeName (invalid UTF-8 as `\xNN`); not normalised. */
  name: string;
  isDirectory: boolean;
  /** A Unix symlink (mode 0o120000 in the external attributes): the member's data is the link target. */
  isSymlink: boolean;
  /** Its bytes overlap another member's, as in zip bombs that point many entries at one stream; never read. */
  overlaps?: boolean;
  /** 0 stored, 8 deflate; anything else is listed but cannot be read. */
  method: number;
  encrypted: boolean;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  localOffset: number;
  /** Unix permission bits when the archive was made on Unix. */
  mode?: number;
  /** The DOS date and time, taken as UTC (zip stores local time without a zone). */
  mtime: Instant;
  zip64: boolean;
}

export interface ZipIndex {
  entries: ZipEntry[];
  /** Missing or damaged central directory, bad extra fields, entries beyond the limit — each with a stable code. */
  diagnostics: Diagnostic[];
  /** False when the entries were recovered by scanning local headers because no central directory was found. */
  centralDirectory: boolean;
  zip64: boolean;
  comment: string;
}

export const SIGNATURES = {
  local: 0x04034b50,
  central: 0x02014b50,
  end: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;

const UINT32_MAX = 0xffffffff;
const UINT16_MAX = 0xffff;

export function isSaturated(value: number, width: 2 | 4): boolean {
  return value === (width === 4 ? UINT32_MAX : UINT16_MAX);
}

export function looksLikeZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}
