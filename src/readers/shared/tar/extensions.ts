import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { decodeName } from '../../../model/display.js';
import { Instant } from '../../../model/metadata.js';
import { cString, entryKind, toCount, type TarHeader } from './header.js';
import type { SparseLayout, SparseSegment, TarEntry } from './types.js';

/** PAX values by key, as bytes (`SCHILY.xattr.*` values may be binary) and as display text, decoded once. */
type PaxRecords = Map<string, { bytes: Uint8Array; text: string }>;

export type ExtensionType = 'x' | 'g' | 'L' | 'K';

export function isExtensionType(typeflag: string): typeflag is ExtensionType {
  return typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
}

const NEWLINE = 0x0a;
const XATTR_PREFIX = 'SCHILY.xattr.';
/** Longer than any real record length (a 1 MiB payload needs 7 digits), short enough to stay exact. */
const MAX_LENGTH_DIGITS = 15;
/**
 * Records kept per header and in the global set. Real headers carry a handful (LXD: one per xattr);
 * the cap stops a hostile global header from being copied into every member.
 */
const MAX_PAX_RECORDS = 1000;
/** Digits beyond any real id, size or time; longer numbers are not worth converting. */
const MAX_NUMBER_DIGITS = 20;

/** Records that name something; a NUL cannot be part of a name, so such a record is damage or an attack. */
const NAME_KEYS: ReadonlySet<string> = new Set(['path', 'linkpath', 'uname', 'gname']);

/**
 * Parses `"<len> <key>=<value>\n"` records. A record whose length does not land on its newline is
 * reported and skipped up to the next newline, so one bad record does not hide the others.
 */
function parsePaxRecords(payload: Uint8Array, offset: number, diagnostics: Diagnostic[]): PaxRecords {
  const records: PaxRecords = new Map();
  const pairs: string[] = [];
  let pos = 0;
  while (pos < payload.length && payload[pos] !== 0) {
    if (records.size >= MAX_PAX_RECORDS) {
      diagnostics.push(
        diagnostic(
          'warning',
          'TAR_EXTENSION_TOO_LARGE',
          `PAX header at offset ${offset}: more than ${MAX_PAX_RECORDS} records; the rest ignored`,
        ),
      );
      break;
    }
    const record = readRecord(payload, pos);
    if (record === null) {
      diagnostics.push(
        diagnostic(
          'warning',
          'TAR_BAD_PAX_RECORD',
          `PAX header at offset ${offset}: malformed record at byte ${pos} of its data; skipped`,
        ),
      );
      const newline = payload.indexOf(NEWLINE, pos);
      if (newline < 0) break;
      pos = newline + 1;
      continue;
    }
    pos = record.end;
    if (NAME_KEYS.has(record.key) && record.value.includes(0)) {
      diagnostics.push(
        diagnostic(
          'warning',
          'TAR_BAD_PAX_RECORD',
          `PAX header at offset ${offset}: the ${record.key} record holds a NUL byte, which no name can; ignored`,
        ),
      );
      continue;
    }
    if (record.key === 'GNU.sparse.offset' || record.key === 'GNU.sparse.numbytes')
      pairs.push(decodeName(record.value));
    else records.set(record.key, { bytes: record.value, text: decodeName(record.value) });
  }
  // PAX sparse 0.0 repeats offset/numbytes records, in order: they are kept as the 0.1 map they amount to.
  if (pairs.length > 0 && !records.has('GNU.sparse.map')) {
    const text = pairs.join(',');
    records.set('GNU.sparse.map', { bytes: Buffer.from(text), text });
  }
  return records;
}

function readRecord(payload: Uint8Array, start: number): { key: string; value: Uint8Array; end: number } | null {
  let pos = start;
  let length = 0;
  while (pos < payload.length && pos - start < MAX_LENGTH_DIGITS) {
    const byte = payload[pos] ?? 0;
    if (byte < 0x30 || byte > 0x39) break;
    length = length * 10 + byte - 0x30;
    pos++;
  }
  if (pos === start || payload[pos] !== 0x20) return null;
  const end = start + length;
  if (end <= pos + 2 || end > payload.length || payload[end - 1] !== NEWLINE) return null;
  const body = payload.subarray(pos + 1, end - 1);
  const equals = body.indexOf(0x3d);
  if (equals <= 0) return null;
  // Copied so that a record never pins the large read window it was parsed from.
  return { key: decodeName(body.subarray(0, equals)), value: body.slice(equals + 1), end };
}

/**
 * Extension records waiting for the member they describe: `x`, `L` and `K` apply to the next member,
 * `g` to every following one.
 */
export class ExtensionState {
  private readonly globals: PaxRecords = new Map();
  private locals: PaxRecords = new Map();
  private longName: string | undefined;
  private longLink: string | undefined;
  /** Offset of the first per-member extension header, which is where the member starts. */
  private start: number | undefined;

  get pending(): boolean {
    return this.start !== undefined;
  }

  get memberStart(): number | undefined {
    return this.start;
  }

  add(type: ExtensionType, headerOffset: number, payload: Uint8Array, diagnostics: Diagnostic[]): void {
    if (type === 'g') {
      this.addGlobals(parsePaxRecords(payload, headerOffset, diagnostics), headerOffset, diagnostics);
      return;
    }
    this.start ??= headerOffset;
    // Of two per-member PAX headers in a row the last one wins whole, as Go and GNU tar read them.
    if (type === 'x') this.locals = parsePaxRecords(payload, headerOffset, diagnostics);
    else if (type === 'L') this.longName = decodeName(cString(payload));
    else this.longLink = decodeName(cString(payload));
  }

  private addGlobals(records: PaxRecords, headerOffset: number, diagnostics: Diagnostic[]): void {
    for (const [key, value] of records) {
      if (this.globals.size >= MAX_PAX_RECORDS && !this.globals.has(key)) {
        diagnostics.push(
          diagnostic(
            'warning',
            'TAR_EXTENSION_TOO_LARGE',
            `PAX global header at offset ${headerOffset}: more than ${MAX_PAX_RECORDS} global records; the rest ignored`,
          ),
        );
        return;
      }
      this.globals.set(key, value);
    }
  }

  /** Marks the start of a member whose own extension record was skipped (too large to read). */
  skip(type: ExtensionType, headerOffset: number): void {
    if (type !== 'g') this.start ??= headerOffset;
  }

  discard(): void {
    this.locals = new Map();
    this.longName = undefined;
    this.longLink = undefined;
    this.start = undefined;
  }

  /** The member a header describes, with the pending records folded in; the per-member ones are then used up. */
  entry(header: TarHeader, headerOffset: number, diagnostics: Diagnostic[]): TarEntry {
    const records = this.effectiveRecords();
    const text = (key: string): string | undefined => records.get(key)?.text;
    const count = (key: string, fallback: number): number =>
      paxCount(text(key), key, fallback, headerOffset, diagnostics);
    const sparse = header.sparse ?? paxSparse(text);
    // A PAX sparse member is stored under a made-up name (GNUSparseFile.N/…); its own is a record.
    const path = (sparse && text('GNU.sparse.name')) || (text('path') ?? this.longName ?? header.name);
    const linkTarget = text('linkpath') ?? this.longLink ?? header.linkname;
    const kind = sparse ? 'sparse' : entryKind(header.typeflag, path);
    const entry: TarEntry = {
      path,
      kind,
      typeflag: header.typeflag,
      mode: header.mode,
      uid: count('uid', header.uid),
      gid: count('gid', header.gid),
      uname: ownerName(text('uname') ?? header.uname),
      gname: ownerName(text('gname') ?? header.gname),
      size: count('size', header.size),
      mtime: paxTime(text('mtime'), headerOffset, diagnostics) ?? new Instant(header.mtimeSeconds * 1_000_000_000n),
      headerOffset: this.start ?? headerOffset,
      dataOffset: headerOffset + 512,
      pax: records.size === 0 ? NO_PAX : Object.fromEntries([...records].map(([key, value]) => [key, value.text])),
      xattrs: records.size === 0 ? NO_XATTRS : xattrsOf(records),
      format: header.format,
    };
    if (sparse) entry.sparse = sparse;
    if (kind === 'hardlink' || kind === 'symlink') entry.linkTarget = linkTarget;
    if (kind === 'chardev' || kind === 'blockdev')
      Object.assign(entry, { devMajor: header.devMajor, devMinor: header.devMinor });
    this.discard();
    return entry;
  }

  /** A per-member record with an empty value removes the global one of that key, as POSIX specifies. */
  private effectiveRecords(): PaxRecords {
    // Most archives carry no PAX records at all; skip building a map per member for them.
    if (this.globals.size === 0 && this.locals.size === 0) return NO_RECORDS;
    const records: PaxRecords = new Map(this.globals);
    for (const [key, value] of this.locals) records.set(key, value);
    for (const [key, value] of records) if (value.bytes.length === 0) records.delete(key);
    return records;
  }
}

const NO_RECORDS: PaxRecords = new Map();
/** Shared by the members without PAX records (nearly all): a million members need not carry two empty objects each. */
const NO_PAX: Record<string, string> = Object.freeze({});
const NO_XATTRS: Record<string, Uint8Array> = Object.freeze({});

/** Owner names repeat across members: one string per name, not per member (a bounded cache). */
const ownerNames = new Map<string, string>();
function ownerName(name: string): string {
  const known = ownerNames.get(name);
  if (known !== undefined) return known;
  if (ownerNames.size < 4096) ownerNames.set(name, name);
  return name;
}

function paxCount(
  value: string | undefined,
  key: string,
  fallback: number,
  offset: number,
  diagnostics: Diagnostic[],
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    diagnostics.push(
      diagnostic(
        'warning',
        'TAR_BAD_PAX_RECORD',
        `member at offset ${offset}: PAX ${key} "${value.slice(0, 40)}" is not a number; header value kept`,
      ),
    );
    return fallback;
  }
  const digits = value.replace(/^0+(?=\d)/, '');
  const number = digits.length > MAX_NUMBER_DIGITS ? 10n ** BigInt(MAX_NUMBER_DIGITS) : BigInt(digits);
  return toCount(number, `PAX ${key}`, offset, diagnostics);
}

/** Decimal seconds with an optional fraction, kept to the nanosecond. */
function paxTime(value: string | undefined, offset: number, diagnostics: Diagnostic[]): Instant | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?)0*(\d{1,20})(?:\.(\d*))?$/.exec(value);
  if (!match) {
    diagnostics.push(
      diagnostic(
        'warning',
        'TAR_BAD_PAX_RECORD',
        `member at offset ${offset}: PAX mtime "${value.slice(0, 40)}" is not a time; header value kept`,
      ),
    );
    return undefined;
  }
  const [, sign = '', seconds = '0', fraction = ''] = match;
  const ns = BigInt(seconds) * 1_000_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  return new Instant(sign === '-' ? -ns : ns);
}

/** Built with fromEntries so that a hostile name such as `__proto__` stays an ordinary key. */
function xattrsOf(records: PaxRecords): Record<string, Uint8Array> {
  const xattrs = [...records].filter(([key]) => key.startsWith(XATTR_PREFIX));
  return Object.fromEntries(xattrs.map(([key, value]) => [key.slice(XATTR_PREFIX.length), value.bytes]));
}

/**
 * GNU tar's PAX sparse formats: 1.0 keeps the map at the start of the data, 0.1 in one `GNU.sparse.map`
 * record of `offset,length` pairs (0.0's repeated `GNU.sparse.offset`/`numbytes` records arrive as one).
 */
function paxSparse(text: (key: string) => string | undefined): SparseLayout | undefined {
  const realSize = Number(text('GNU.sparse.realsize') ?? text('GNU.sparse.size'));
  if (!Number.isSafeInteger(realSize) || realSize < 0) return undefined;
  if (text('GNU.sparse.major') === '1' && text('GNU.sparse.minor') === '0') return { realSize, mapInData: true };
  const map = text('GNU.sparse.map');
  if (map === undefined) return undefined;
  const numbers = map === '' ? [] : map.split(',').map(Number);
  if (numbers.length % 2 !== 0 || !numbers.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  const segments: SparseSegment[] = [];
  for (let i = 0; i < numbers.length; i += 2) segments.push({ offset: numbers[i] ?? 0, length: numbers[i + 1] ?? 0 });
  return { realSize, map: segments };
}
