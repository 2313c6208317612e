/** Tar archives built in code, in the header flavours real writers produce (see docs/formats/containers.md, Tar). */

/**
 * `ustar`: POSIX magic, long names split into prefix/name (Go). `gnu`: old-GNU magic, `././@LongLink`
 * records. `busybox`: old-GNU magic, unterminated 8-digit octal, decimal ids as names. `pax`: an `x`
 * record for what ustar cannot hold (Go). `v7`: no magic at all.
 */
export type TarStyle = 'ustar' | 'gnu' | 'busybox' | 'pax' | 'v7';

export interface TarEntrySpec {
  name: string;
  /** Typeflag character; '0' when absent. */
  type?: string;
  data?: Uint8Array | string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Seconds since 1970. */
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  style?: TarStyle;
  /** PAX style: an mtime with a fraction, written as a record (the header keeps the whole seconds). */
  mtimeNs?: bigint;
  /** PAX style: extra `x` records such as `SCHILY.xattr.*`. */
  pax?: Record<string, string | Uint8Array>;
  /** Numeric fields written in base-256 whatever their value. */
  base256?: ('uid' | 'gid' | 'size' | 'mtime')[];
  /** What the header claims, when it should differ from the data written. */
  headerSize?: number | bigint;
  /** The signed checksum some old writers produced. */
  signedChecksum?: boolean;
}

const encoder = new TextEncoder();
const BLOCK = 512;

export function bytesOf(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function padToBlock(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** One member: its extension records, header and padded data. */
export function tarEntry(spec: TarEntrySpec): Uint8Array {
  const style = spec.style ?? 'ustar';
  const name = bytesOf(spec.name);
  const link = bytesOf(spec.linkname ?? '');
  const parts: Uint8Array[] = [];
  let headerName = name;
  let headerLink = link;
  if (style === 'pax') {
    const records = paxRecordsFor(spec, name, link);
    if (Object.keys(records).length > 0)
      parts.push(paxHeader('x', records, `PaxHeaders.0/${spec.name.split('/').pop() ?? ''}`.slice(0, 100)));
    headerName = name.subarray(0, 100);
    headerLink = link.subarray(0, 100);
  } else if (style === 'gnu' || style === 'busybox') {
    if (name.length > 100) parts.push(gnuLongRecord('L', name, style));
    if (link.length > 100) parts.push(gnuLongRecord('K', link, style));
    headerName = name.subarray(0, 100);
    headerLink = link.subarray(0, 100);
  }
  const data = bytesOf(spec.data ?? '');
  parts.push(tarHeader({ ...spec, style }, headerName, headerLink, spec.headerSize ?? data.length), padToBlock(data));
  return concat(parts);
}

function paxRecordsFor(spec: TarEntrySpec, name: Uint8Array, link: Uint8Array): Record<string, string | Uint8Array> {
  const records: Record<string, string | Uint8Array> = {};
  const needsRecord = (bytes: Uint8Array): boolean => bytes.length > 100 || bytes.some((byte) => byte >= 0x80);
  if (needsRecord(name)) records.path = name;
  if (needsRecord(link)) records.linkpath = link;
  if (spec.mtimeNs !== undefined) records.mtime = formatNs(spec.mtimeNs);
  return { ...records, ...spec.pax };
}

function formatNs(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / 1_000_000_000n}${fraction ? `.${fraction}` : ''}`;
}

/** `"<len> <key>=<value>\n"` records, each length counting its own digits. */
export function paxRecords(records: Record<string, string | Uint8Array>): Uint8Array {
  return concat(
    Object.entries(records).map(([key, value]) => {
      const body = concat([encoder.encode(` ${key}=`), bytesOf(value), encoder.encode('\n')]);
      let length = body.length + 1;
      while (String(length).length + body.length !== length) length = String(length).length + body.length;
      return concat([encoder.encode(String(length)), body]);
    }),
  );
}

/** A PAX extension member (`x` for the next member, `g` for all following); the payload may be given raw. */
export function paxHeader(
  type: 'x' | 'g',
  records: Record<string, string | Uint8Array> | Uint8Array,
  name = 'pax_global_header',
): Uint8Array {
  const payload = records instanceof Uint8Array ? records : paxRecords(records);
  return concat([
    tarHeader({ name, type, mode: 0o644 }, bytesOf(name), new Uint8Array(0), payload.length),
    padToBlock(payload),
  ]);
}

/** GNU `L`/`K` record: the whole name plus a NUL. Busybox writes mode 0 and no owner names; GNU 0644 and root. */
export function gnuLongRecord(
  type: 'L' | 'K',
  value: Uint8Array | string,
  style: 'gnu' | 'busybox' = 'gnu',
): Uint8Array {
  const payload = concat([bytesOf(value), new Uint8Array(1)]);
  const owner = style === 'gnu' ? 'root' : '';
  const name = '././@LongLink';
  const header = tarHeader(
    { name, type, style, mode: style === 'gnu' ? 0o644 : 0, uname: owner, gname: owner },
    bytesOf(name),
    new Uint8Array(0),
    payload.length,
  );
  return concat([header, padToBlock(payload)]);
}

/** One 512-byte header block; `name` and `link` are the bytes that go into the fields. */
export function tarHeader(spec: TarEntrySpec, name: Uint8Array, link: Uint8Array, size: number | bigint): Uint8Array {
  const style = spec.style ?? 'ustar';
  const block = new Uint8Array(BLOCK);
  const forced = new Set(spec.base256 ?? []);
  const number = (
    offset: number,
    width: number,
    value: number | bigint,
    field?: 'uid' | 'gid' | 'size' | 'mtime',
  ): void => {
    block.set(numberField(BigInt(value), width, style, field !== undefined && forced.has(field)), offset);
  };
  const { prefix, rest } = style === 'ustar' ? splitUstarName(name) : { prefix: new Uint8Array(0), rest: name };
  block.set(rest.subarray(0, 100), 0);
  number(100, 8, spec.mode ?? 0o644);
  number(108, 8, spec.uid ?? 0, 'uid');
  number(116, 8, spec.gid ?? 0, 'gid');
  number(124, 12, size, 'size');
  number(136, 12, spec.mtime ?? 0, 'mtime');
  block[156] = (spec.type ?? '0').charCodeAt(0);
  block.set(link.subarray(0, 100), 157);
  if (style !== 'v7') writeOwnerFields(block, spec, style, prefix);
  writeChecksum(block, spec.signedChecksum);
  return block;
}

function writeOwnerFields(block: Uint8Array, spec: TarEntrySpec, style: TarStyle, prefix: Uint8Array): void {
  block.set(encoder.encode(style === 'ustar' || style === 'pax' ? 'ustar\u000000' : 'ustar  \u0000'), 257);
  const idName = (name: string | undefined, id: number | undefined): string =>
    name ?? (style === 'busybox' ? String(id ?? 0) : '');
  block.set(encoder.encode(idName(spec.uname, spec.uid)).subarray(0, 32), 265);
  block.set(encoder.encode(idName(spec.gname, spec.gid)).subarray(0, 32), 297);
  const device = spec.type === '3' || spec.type === '4';
  // Go writes zero device numbers on every member; GNU and busybox leave them NUL except for devices.
  if (device || style === 'ustar' || style === 'pax') {
    block.set(numberField(BigInt(spec.devmajor ?? 0), 8, style, false), 329);
    block.set(numberField(BigInt(spec.devminor ?? 0), 8, style, false), 337);
  }
  if (style === 'ustar' || style === 'pax') block.set(prefix, 345);
}

/** Go's split: up to 155 bytes of prefix and 100 of name, at a `/`. */
function splitUstarName(name: Uint8Array): { prefix: Uint8Array; rest: Uint8Array } {
  if (name.length <= 100) return { prefix: new Uint8Array(0), rest: name };
  for (let i = Math.min(name.length - 1, 155); i > 0; i--) {
    if (name[i] === 0x2f && name.length - i - 1 <= 100)
      return { prefix: name.subarray(0, i), rest: name.subarray(i + 1) };
  }
  throw new Error(`tar-builder: ${name.length}-byte name cannot be split for ustar`);
}

function numberField(value: bigint, width: number, style: TarStyle, forceBase256: boolean): Uint8Array {
  const digits = value < 0n ? '' : value.toString(8);
  if (!forceBase256 && value >= 0n) {
    if (style === 'busybox' && digits.length <= width) return busyboxOctal(digits, width);
    if (digits.length <= width - 1) return encoder.encode(`${digits.padStart(width - 1, '0')}\u0000`);
  }
  return base256(value, width);
}

/** Busybox `putOctal`: all `width` digits when the value needs them, else one fewer and a NUL. */
function busyboxOctal(digits: string, width: number): Uint8Array {
  const padded = digits.padStart(width, '0');
  return encoder.encode(padded.startsWith('0') ? `${padded.slice(1)}\u0000` : padded);
}

export function base256(value: bigint, width: number): Uint8Array {
  const field = new Uint8Array(width);
  let rest = value < 0n ? (1n << BigInt(8 * width)) + value : value;
  for (let i = width - 1; i >= 0; i--) {
    field[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  field[0] = (field[0] ?? 0) | 0x80;
  return field;
}

/** `%06o\0 ` of the byte sum with the checksum field counted as spaces. */
export function writeChecksum(block: Uint8Array, signed = false): void {
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + (signed && byte >= 0x80 ? byte - 0x100 : byte), 0);
  block.set(encoder.encode(`${sum.toString(8).padStart(6, '0')}\u0000 `), 148);
}

export interface BuildOptions {
  endBlocks?: 0 | 1 | 2;
  /** GNU tar pads the archive to its 10240-byte record size. */
  padTo10240?: boolean;
}

export function buildTar(members: Uint8Array[], { endBlocks = 2, padTo10240 = false }: BuildOptions = {}): Uint8Array {
  const body = concat([...members, new Uint8Array(endBlocks * BLOCK)]);
  if (!padTo10240) return body;
  const out = new Uint8Array(Math.ceil(body.length / 10240) * 10240);
  out.set(body);
  return out;
}
