import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { decodeName } from '../../../model/display.js';
import { limits } from '../limits.js';
import type { Source } from '../../../model/source.js';
import { applyZip64Extra, dosTime } from './fields.js';
import { scanLocalHeaders, tooManyEntries } from './local-scan.js';
import { isSaturated, SIGNATURES, type ZipEntry, type ZipIndex } from './types.js';
import { pushAll } from '../../../model/arrays.js';

const utf8 = new TextDecoder();

const END_SIZE = 22;
const LOCATOR_SIZE = 20;
const CENTRAL_SIZE = 46;
const MAX_COMMENT = 0xffff;

interface EndRecord {
  entries: number;
  directorySize: number;
  directoryOffset: number;
  comment: string;
  zip64: boolean;
  /** Bytes in front of the zip (a self-extracting stub): every offset the zip records counts from after them. */
  prefix: number;
}

/**
 * Lists a zip through its central directory: one read of the tail for the end record, one of the
 * directory itself; member data is never touched. Without an end record the local headers are
 * scanned instead, which recovers what a truncated archive still holds.
 */
export async function indexZip(source: Source): Promise<ZipIndex> {
  const diagnostics: Diagnostic[] = [];
  const end = await findEnd(source, diagnostics);
  if (!end) {
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP_NO_CENTRAL_DIRECTORY',
        'no end-of-central-directory record: the zip is truncated or damaged; entries were recovered from local headers',
      ),
    );
    const entries = await scanLocalHeaders(source, diagnostics);
    return { entries, diagnostics, centralDirectory: false, zip64: entries.some((entry) => entry.zip64), comment: '' };
  }
  const entries = await readDirectory(source, end, diagnostics);
  if (entries.length < Math.min(end.entries, limits.zipEntries)) {
    const recovered = await recoverFromLocalHeaders(source, entries.length);
    if (recovered) {
      pushAll(diagnostics, recovered.diagnostics);
      return {
        entries: recovered.entries,
        diagnostics,
        centralDirectory: false,
        zip64: recovered.entries.some((entry) => entry.zip64),
        comment: end.comment,
      };
    }
  }
  markOverlaps(entries, diagnostics);
  return { entries, diagnostics, centralDirectory: true, zip64: end.zip64, comment: end.comment };
}

/**
 * Members whose local header and data start inside another member's: a real zip never does this, a
 * zip bomb does it to inflate one stream thousands of times. Such members are listed but never read,
 * as unzip 6.0 refuses them ("overlapped components"); one sort and one sweep, so linear after sorting.
 */
function markOverlaps(entries: readonly ZipEntry[], diagnostics: Diagnostic[]): void {
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  let end = -1;
  let overlapping = 0;
  for (const entry of byOffset) {
    if (entry.localOffset < end) {
      entry.overlaps = true;
      overlapping++;
    }
    end = Math.max(end, entry.localOffset + 30 + Buffer.byteLength(entry.name) + entry.compressedSize);
  }
  if (overlapping === 0) return;
  const message = `${overlapping} of ${entries.length} members overlap the bytes of another, as zip bombs do; they are listed but never read (unzip refuses such archives)`;
  diagnostics.push(diagnostic('error', 'ZIP_OVERLAP', message));
}

/**
 * A central directory that misplaced or lost members (a shifted offset, damaged records) says less
 * than the local headers still can; the scan is used only when it finds more.
 */
async function recoverFromLocalHeaders(
  source: Source,
  listed: number,
): Promise<{ entries: ZipEntry[]; diagnostics: Diagnostic[] } | undefined> {
  const diagnostics: Diagnostic[] = [];
  const entries = await scanLocalHeaders(source, diagnostics);
  if (entries.length <= listed) return undefined;
  const message = `the central directory lists ${listed} readable entries; ${entries.length} were recovered from local headers`;
  return { entries, diagnostics: [diagnostic('error', 'ZIP_DIRECTORY_RECOVERED', message), ...diagnostics] };
}

/**
 * The last end-of-central-directory record in the file's tail: the tail as read, and where in it the
 * record is. The last one wins even when its comment runs past the end of the file, as unzip, Python and
 * Go pick it: skipping to an earlier record would let a zip hide a second directory that only
 * snapinspect lists (Go's comment-truncated.zip).
 */
async function locateEnd(
  source: Source,
): Promise<{ view: DataView; tail: Uint8Array; tailStart: number; at: number } | undefined> {
  const tailStart = Math.max(0, source.size - END_SIZE - MAX_COMMENT - LOCATOR_SIZE);
  const tail = await source.read(tailStart, source.size - tailStart);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.length - END_SIZE; at >= 0; at--)
    if (view.getUint32(at, true) === SIGNATURES.end) return { view, tail, tailStart, at };
  return undefined;
}

/**
 * Whether a file that does not start with `PK` is a zip all the same (a self-extracting one): it ends
 * in an end record whose directory fits before it, so the four signature bytes are no coincidence.
 */
export async function hasEndRecord(source: Source): Promise<boolean> {
  const found = await locateEnd(source);
  if (!found) return false;
  const { view, tailStart, at } = found;
  return view.getUint32(at + 16, true) + view.getUint32(at + 12, true) <= tailStart + at;
}

async function findEnd(source: Source, diagnostics: Diagnostic[]): Promise<EndRecord | undefined> {
  const found = await locateEnd(source);
  if (!found) return undefined;
  const { view, tail, tailStart, at } = found;
  const commentLength = view.getUint16(at + 20, true);
  const record: EndRecord = {
    entries: view.getUint16(at + 10, true),
    directorySize: view.getUint32(at + 12, true),
    directoryOffset: view.getUint32(at + 16, true),
    comment: utf8.decode(tail.subarray(at + END_SIZE, at + END_SIZE + commentLength)),
    zip64: false,
    prefix: 0,
  };
  const missing = at + END_SIZE + commentLength - tail.length;
  if (missing > 0)
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP_TRUNCATED',
        `the end record's comment claims ${commentLength} bytes but the file ends ${missing} bytes short of it`,
      ),
    );
  if (view.getUint16(at + 4, true) !== 0)
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP_MULTI_DISK',
        'the zip is one part of a split (multi-disk) archive; only this part is listed',
      ),
    );
  const locatorAt = at - LOCATOR_SIZE;
  if (locatorAt >= 0 && view.getUint32(locatorAt, true) === SIGNATURES.zip64Locator) {
    return zip64End(source, Number(view.getBigUint64(locatorAt + 8, true)), record, diagnostics);
  }
  return withPrefix(record, tailStart + at, diagnostics);
}

/**
 * The end record sits right after the central directory; when it sits further on, that many bytes
 * precede the whole zip (a self-extracting stub, a script) and every recorded offset is shifted by
 * them, as unzip reads such archives.
 */
function withPrefix(record: EndRecord, endAt: number, diagnostics: Diagnostic[]): EndRecord {
  const prefix = endAt - (record.directoryOffset + record.directorySize);
  if (prefix <= 0) return record;
  const message = `${prefix} bytes precede the zip (a self-extracting stub or other data); its offsets are read from where it starts, as unzip does`;
  diagnostics.push(diagnostic('info', 'ZIP_PREFIX', message));
  return { ...record, prefix };
}

async function zip64End(
  source: Source,
  offset: number,
  fallback: EndRecord,
  diagnostics: Diagnostic[],
): Promise<EndRecord> {
  const bytes = await source.read(offset, 56);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 56 || view.getUint32(0, true) !== SIGNATURES.zip64End) {
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP64_END_MISSING',
        `the zip64 locator points at byte ${offset}, where no zip64 end record is; using the classic end record`,
      ),
    );
    return fallback;
  }
  return {
    entries: Number(view.getBigUint64(32, true)),
    directorySize: Number(view.getBigUint64(40, true)),
    directoryOffset: Number(view.getBigUint64(48, true)),
    comment: fallback.comment,
    zip64: true,
    prefix: 0,
  };
}

async function readDirectory(source: Source, end: EndRecord, diagnostics: Diagnostic[]): Promise<ZipEntry[]> {
  const start = end.prefix + end.directoryOffset;
  if (start + end.directorySize > source.size) {
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP_TRUNCATED',
        `the central directory should end at byte ${start + end.directorySize} but the file has ${source.size} bytes`,
      ),
    );
  }
  const directory = await source.read(start, Math.min(end.directorySize, source.size));
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + CENTRAL_SIZE <= directory.length && view.getUint32(at, true) === SIGNATURES.central) {
    if (entries.length >= limits.zipEntries) {
      diagnostics.push(tooManyEntries());
      // Cut on purpose: the shortfall against the end record is not damage.
      return entries;
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > directory.length) break;
    const entry = centralEntry(view, directory, at, nameLength, extraLength, diagnostics);
    entry.localOffset += end.prefix;
    entries.push(entry);
    at = next;
  }
  if (entries.length !== end.entries) {
    diagnostics.push(
      diagnostic(
        'error',
        'ZIP_DIRECTORY_DAMAGED',
        `the end record announces ${end.entries} entries but the central directory holds ${entries.length} readable ones`,
      ),
    );
  }
  return entries;
}

function centralEntry(
  view: DataView,
  bytes: Uint8Array,
  at: number,
  nameLength: number,
  extraLength: number,
  diagnostics: Diagnostic[],
): ZipEntry {
  const nameStart = at + CENTRAL_SIZE;
  // Raw bytes as every name is kept: a name in a legacy code page (cp866, cp932) stays distinct and
  // addressable instead of collapsing into U+FFFD replacement characters.
  const name = decodeName(bytes.subarray(nameStart, nameStart + nameLength));
  const madeOnUnix = view.getUint8(at + 5) === 3;
  const external = view.getUint32(at + 38, true);
  const unixMode = madeOnUnix ? external >>> 16 : 0;
  const entry: ZipEntry = {
    name,
    isDirectory: name.endsWith('/') || (unixMode & 0o170000) === 0o040000 || isDosDirectory(unixMode, external),
    isSymlink: (unixMode & 0o170000) === 0o120000,
    method: view.getUint16(at + 10, true),
    encrypted: (view.getUint16(at + 8, true) & 1) === 1,
    crc32: view.getUint32(at + 16, true),
    compressedSize: view.getUint32(at + 20, true),
    size: view.getUint32(at + 24, true),
    localOffset: view.getUint32(at + 42, true),
    mtime: dosTime(view.getUint16(at + 14, true), view.getUint16(at + 12, true)),
    zip64: false,
    ...(madeOnUnix && unixMode !== 0 ? { mode: unixMode & 0o7777 } : {}),
  };
  applyZip64Extra(
    entry,
    bytes.subarray(nameStart + nameLength, nameStart + nameLength + extraLength),
    isSaturated(view.getUint16(at + 34, true), 2),
    diagnostics,
  );
  return entry;
}

/** MS-DOS writers mark a folder only by the directory attribute (0x10), without a trailing slash; unzip honours it. */
function isDosDirectory(unixMode: number, external: number): boolean {
  return unixMode === 0 && (external & 0x10) !== 0;
}
