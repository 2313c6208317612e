import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { limits } from '../limits.js';
import { ExtensionState, isExtensionType, type ExtensionType } from './extensions.js';
import { pushAll } from '../../../model/arrays.js';
import { BLOCK, checksumMatches, decodeHeader, isZeroBlock, sparseSegments, type TarHeader } from './header.js';
import type { TarEntry, TarIndex } from './types.js';

export interface TarOptions {
  /** Members indexed before giving up with `TAR_TOO_MANY_ENTRIES`. */
  maxEntries?: number;
}

/**
 * What the walker wants next. `block` is 512 bytes (a header or a GNU sparse map block); `payload`
 * is an extension record to hand over in full; `data` is bytes to pass by (member data, delivered
 * to the stream's onData when `entry` is set, or an extension too large to read); `trailer` is what
 * follows the end marker.
 */
export type TarNeed =
  | { kind: 'block' }
  | { kind: 'payload'; length: number; padded: number }
  | { kind: 'data'; length: number; padded: number; entry?: TarEntry }
  | { kind: 'trailer' }
  | { kind: 'done' };

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/**
 * Members whose header is all there is: whatever their size field says, no data follows a hard link or
 * a folder, as GNU tar reads them (a GNU dump directory, `D`, does carry data). For links, devices and
 * FIFOs GNU tar passes by the size the header declares, and so does snapinspect (Go and Python do not).
 */
const HEADER_ONLY: ReadonlySet<string> = new Set(['hardlink', 'dir']);

/**
 * The tar state machine both drivers share: it is handed the bytes it asks for, in order, and
 * never sees member data, so random access can skip it and a stream can hash it.
 */
export class TarWalker {
  need: TarNeed = { kind: 'block' };
  /** Stream offset where `need` starts. */
  offset = 0;
  private readonly entries: TarEntry[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly extensions = new ExtensionState();
  private readonly maxEntries: number;
  /** Offset of a zero block not yet followed by a second one. */
  private zeroAt: number | undefined;
  /** Set once the walk ends early or at the end marker: the bytes of stream it accounts for. */
  private size: number | undefined;
  private ended = false;
  private extension: { type: ExtensionType; at: number } | undefined;
  private sparseEntry: TarEntry | undefined;
  /** Offset of the first of a run of blocks that are not valid headers, skipped as GNU tar skips them. */
  private damagedFrom: number | undefined;

  constructor(options: TarOptions = {}) {
    this.maxEntries = options.maxEntries ?? limits.archiveEntries;
  }

  block(bytes: Uint8Array): void {
    const at = this.offset;
    if (this.sparseEntry) return this.sparseBlock(bytes);
    if (!isZeroBlock(bytes) && !checksumMatches(bytes)) return this.damagedBlock(at);
    const zero = isZeroBlock(bytes);
    if (this.damagedFrom !== undefined) this.resynchronised(at, zero);
    if (zero) return this.zeroBlock(at);
    if (this.zeroAt !== undefined) {
      this.warn(
        'TAR_LONE_ZERO_BLOCK',
        `a single zero block at offset ${this.zeroAt} is followed by more headers; reading on`,
      );
      this.zeroAt = undefined;
    }
    const header = decodeHeader(bytes, at, this.diagnostics);
    this.offset += BLOCK;
    if (isExtensionType(header.typeflag)) this.startExtension(header.typeflag, header.size, at);
    else this.member(header, at);
  }

  payload(bytes: Uint8Array): void {
    if (this.need.kind !== 'payload' || !this.extension) return;
    this.extensions.add(this.extension.type, this.extension.at, bytes.subarray(0, this.need.length), this.diagnostics);
    this.offset += this.need.padded;
    this.extension = undefined;
    this.need = { kind: 'block' };
  }

  /** The `data` bytes went by in full, padding included. */
  skipped(): void {
    if (this.need.kind !== 'data') return;
    this.offset += this.need.padded;
    this.extension = undefined;
    this.need = { kind: 'block' };
  }

  /** Bytes after the end marker, in order: zeros are padding (GNU pads to 10240), anything else is reported. */
  trailer(bytes: Uint8Array): void {
    if (this.need.kind !== 'trailer') return;
    const first = bytes.findIndex((byte) => byte !== 0);
    if (first < 0) {
      this.offset += bytes.length;
      return;
    }
    this.warn(
      'TAR_TRAILING_GARBAGE',
      `non-zero bytes after the end-of-archive marker, the first at offset ${this.offset + first}`,
    );
    this.need = { kind: 'done' };
  }

  /** The input ended `received` bytes into `need` (`partial` holds them for a block or payload). */
  finish(received: number, partial: Uint8Array = new Uint8Array(0)): TarIndex {
    this.reportEnd(received, partial);
    if (this.need.kind !== 'done' && this.need.kind !== 'trailer') this.size = this.offset + received;
    this.need = { kind: 'done' };
    return { entries: this.entries, diagnostics: this.diagnostics, size: this.size ?? this.offset, ended: this.ended };
  }

  /**
   * A block where a header should be fails its checksum: its member (and any extension header before
   * it) is lost, and blocks are passed by one at a time until the next valid header, as GNU tar does.
   */
  private damagedBlock(at: number): void {
    this.offset += BLOCK;
    if (this.damagedFrom !== undefined) return;
    this.damagedFrom = at;
    this.zeroAt = undefined;
    this.extensions.discard();
  }

  private resynchronised(at: number, zero: boolean): void {
    const from = this.damagedFrom ?? at;
    this.damagedFrom = undefined;
    const next = zero ? 'a zero block' : 'the next valid header';
    this.error(
      'TAR_BAD_CHECKSUM',
      `header at offset ${from} has a bad checksum; skipped ${at - from} bytes to ${next} at offset ${at}: members stored there are lost`,
    );
  }

  private zeroBlock(at: number): void {
    this.offset += BLOCK;
    if (this.zeroAt === undefined) {
      this.zeroAt = at;
      if (this.extensions.pending) {
        this.warn(
          'TAR_DANGLING_EXTENSION',
          `extension header at offset ${this.extensions.memberStart} is followed by the end of the archive, not by a member`,
        );
        this.extensions.discard();
      }
      return;
    }
    this.ended = true;
    this.size = this.offset;
    this.need = { kind: 'trailer' };
  }

  private startExtension(type: ExtensionType, size: number, at: number): void {
    // PAX and GNU long-name payloads are read whole; real ones are a few hundred bytes.
    if (size > limits.pathBytes) {
      this.error(
        'TAR_EXTENSION_TOO_LARGE',
        `extension header '${type}' at offset ${at} claims ${size} bytes (limit pathBytes=${limits.pathBytes}); skipped`,
      );
      this.extensions.skip(type, at);
      this.extension = { type, at };
      this.need = { kind: 'data', length: size, padded: padded(size) };
      return;
    }
    this.extension = { type, at };
    this.need = { kind: 'payload', length: size, padded: padded(size) };
    if (size === 0) this.payload(new Uint8Array(0));
  }

  private member(header: TarHeader, at: number): void {
    if (this.entries.length >= this.maxEntries) {
      this.error('TAR_TOO_MANY_ENTRIES', `more than ${this.maxEntries} members; indexing stops at offset ${at}`);
      return this.stop(this.extensions.memberStart ?? at);
    }
    const entry = this.extensions.entry(header, at, this.diagnostics);
    if (header.typeflag === 'V') return this.volumeLabel(entry);
    if (entry.path === '') this.emptyName(entry);
    this.entries.push(entry);
    if (header.sparseExtended) this.sparseEntry = entry;
    else this.expectData(entry);
  }

  /** A GNU volume header names the archive (`tar -V LABEL`); it is not a member, as GNU tar lists it. */
  private volumeLabel(entry: TarEntry): void {
    const message = `GNU volume label ${JSON.stringify(entry.path)} at offset ${entry.headerOffset}: a name for the archive, not a member`;
    this.diagnostics.push(diagnostic('info', 'TAR_VOLUME_LABEL', message));
    this.expectData(entry);
  }

  private emptyName(entry: TarEntry): void {
    const lost = entry.kind === 'file' && entry.size > 0 ? `, so its ${entry.size} bytes of data are not listed` : '';
    this.warn(
      'TAR_EMPTY_NAME',
      `member at offset ${entry.headerOffset} has an empty name; read as the archive root, as GNU tar reads it as "."${lost}`,
    );
  }

  /** Old-GNU sparse maps spill into extra blocks, each flagging at byte 504 whether another follows. */
  private sparseBlock(bytes: Uint8Array): void {
    const entry = this.sparseEntry;
    this.offset += BLOCK;
    if (entry?.sparse && 'map' in entry.sparse) pushAll(entry.sparse.map, sparseSegments(bytes, 0, 21));
    if (!entry || bytes[504] !== 0) return;
    this.sparseEntry = undefined;
    entry.dataOffset = this.offset;
    this.expectData(entry);
  }

  private expectData(entry: TarEntry): void {
    if (HEADER_ONLY.has(entry.kind) && entry.typeflag !== 'D') entry.size = 0;
    this.need =
      entry.size === 0 ? { kind: 'block' } : { kind: 'data', length: entry.size, padded: padded(entry.size), entry };
  }

  private stop(at: number): void {
    this.size = at;
    this.need = { kind: 'done' };
  }

  private reportEnd(received: number, partial: Uint8Array): void {
    const need = this.need;
    const at = this.offset;
    if (this.damagedFrom !== undefined) {
      return this.error(
        'TAR_BAD_CHECKSUM',
        `header at offset ${this.damagedFrom} has a bad checksum and no valid header follows: the last ${at + received - this.damagedFrom} bytes are lost`,
      );
    }
    if (need.kind === 'payload' || (need.kind === 'data' && !need.entry)) {
      const header = this.extension?.at ?? at;
      const missing = need.length - received;
      return this.error(
        'TAR_TRUNCATED',
        missing > 0
          ? `archive ends inside the extension header at offset ${header}: ${missing} of its ${need.length} bytes missing`
          : `archive ends in the padding after the extension header at offset ${header}, before the member it describes`,
      );
    }
    if (need.kind === 'data' && need.entry) return this.truncatedData(need.entry, need.length, received);
    if (need.kind !== 'block') return;
    if (this.sparseEntry) {
      const { path } = this.sparseEntry;
      return this.error('TAR_TRUNCATED', `archive ends inside the sparse map of ${path} at offset ${at}`, path);
    }
    if (partial.some((byte) => byte !== 0)) {
      return this.error(
        'TAR_TRUNCATED',
        `archive ends inside the header at offset ${at}: ${BLOCK - received} of 512 bytes missing`,
      );
    }
    if (this.extensions.pending) {
      return this.error(
        'TAR_TRUNCATED',
        `archive ends after the extension header at offset ${this.extensions.memberStart}, before the member it describes`,
      );
    }
    const lone = this.zeroAt === undefined ? '' : ` (only one zero block, at offset ${this.zeroAt})`;
    this.warn(
      'TAR_NO_END_MARKER',
      `archive ends at offset ${at + received} without the two zero blocks that close a tar${lone}`,
    );
  }

  /** The member is kept with the data that is there, so what survived can still be listed and read. */
  private truncatedData(entry: TarEntry, length: number, received: number): void {
    const { path } = entry;
    if (received >= length) {
      this.error(
        'TAR_TRUNCATED',
        `archive ends in the padding after the data of ${path} (offset ${this.offset + received})`,
        path,
      );
      return;
    }
    entry.present = received;
    this.error(
      'TAR_TRUNCATED',
      `${path} is cut short: ${length} bytes declared, ${received} present, ${length - received} missing (data at offset ${entry.dataOffset})`,
      path,
    );
  }

  private warn(code: string, message: string, path?: string): void {
    this.diagnostics.push(diagnostic('warning', code, message, path));
  }

  private error(code: string, message: string, path?: string): void {
    this.diagnostics.push(diagnostic('error', code, message, path));
  }
}
