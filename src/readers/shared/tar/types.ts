import type { Diagnostic } from '../../../model/diagnostics.js';
import type { Instant } from '../../../model/metadata.js';

export type TarEntryKind =
  'file' | 'hardlink' | 'symlink' | 'chardev' | 'blockdev' | 'dir' | 'fifo' | 'sparse' | 'unknown';

/** One run of real data in a sparse file: `length` bytes at `offset` of the file; the gaps are holes. */
export interface SparseSegment {
  offset: number;
  length: number;
}

/**
 * How a sparse member's stored bytes map onto the file: the segments from the headers (old GNU, PAX
 * 0.1), or, for PAX 1.0, a map written as decimal lines at the start of the member's own data.
 */
export type SparseLayout = { realSize: number; map: SparseSegment[] } | { realSize: number; mapInData: true };

/** One member as the archive describes it, after PAX and GNU extension records are applied. */
export interface TarEntry {
  /** Full name (PAX path > GNU long name > prefix/name), decoded; invalid UTF-8 shown as `\xNN`. Not normalised. */
  path: string;
  kind: TarEntryKind;
  /** The raw typeflag character ('0', '\0', '5', 'x' never appears here: extension records are folded in). */
  typeflag: string;
  /** Permission bits only (type bits that Docker 20.10 writes are masked off). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Bytes of member data the header declares (0 for members that are a header only). */
  size: number;
  /** Bytes of that data the archive really holds, when it ends inside the member; absent when all are there. */
  present?: number;
  /** A sparse file: its real size and where its data lies (holes read as zeros). */
  sparse?: SparseLayout;
  /** With the fraction PAX records carry. */
  mtime: Instant;
  linkTarget?: string;
  devMajor?: number;
  devMinor?: number;
  /** Offset of the first header block of this member (its extension headers included). */
  headerOffset: number;
  /** Offset of the member's data in the (decompressed) tar stream. */
  dataOffset: number;
  /** PAX records that applied to this member (per-file and global), values as text. */
  pax: Record<string, string>;
  /** `SCHILY.xattr.*` records, raw bytes. */
  xattrs: Record<string, Uint8Array>;
  /** Header flavour: `ustar` (POSIX, `ustar\0`), `gnu` (`ustar  \0`) or `v7` (no magic). */
  format: 'ustar' | 'gnu' | 'v7';
}

export interface TarIndex {
  entries: TarEntry[];
  /** Checksum errors, truncation, bad extension records — each with the byte offset. */
  diagnostics: Diagnostic[];
  /** Bytes of tar stream consumed, end-of-archive blocks included. */
  size: number;
  /** True when the two zero blocks that end an archive were seen. */
  ended: boolean;
}
