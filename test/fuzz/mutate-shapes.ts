/**
 * Structure-aware mutations for the input shapes of issue 14 that flipping bytes never reaches:
 * paths 100k levels deep, 3,000 nested explicit directories, hard-link and symlink chains and rings
 * of 20k members, and members whose declared size is far beyond their data. Each knows the seeds
 * it fits (an uncompressed tar, a zip starting with a local header) and is driven by the case's
 * seeded PRNG, so a case replays exactly.
 */
import { base256, concat, padToBlock, tarEntry, writeChecksum, type TarEntrySpec } from '../helpers/tar-builder.js';
import type { Random } from './mutate.js';

export interface Shape {
  name: string;
  fits: (bytes: Uint8Array) => boolean;
  apply: (random: Random, bytes: Uint8Array) => { bytes: Uint8Array; note: string };
}

const BLOCK = 512;
export const DEEP_LEVELS = 100_000;
export const NESTED_DIRS = 3_000;
export const CHAIN_MEMBERS = 20_000;

const below = (random: Random, bound: number): number => Math.floor(random() * bound);
export const pickOne = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)] as T;

// ---- tar ----

const isTarHeader = (bytes: Uint8Array, at: number): boolean =>
  Buffer.from(bytes.subarray(at + 257, at + 262)).toString('latin1') === 'ustar';

function octalField(bytes: Uint8Array, at: number, width: number): number | undefined {
  if ((bytes[at] ?? 0) & 0x80) return undefined;
  const text = Buffer.from(bytes.subarray(at, at + width))
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  return /^[0-7]*$/.test(text) ? Number.parseInt(text || '0', 8) : undefined;
}

/** The header offsets of an uncompressed ustar/GNU tar, and where its end marker (or its end) is. */
function tarLayout(bytes: Uint8Array): { headers: number[]; end: number } | undefined {
  const headers: number[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length && bytes.subarray(at, at + BLOCK).some((byte) => byte !== 0)) {
    const size = octalField(bytes, at + 124, 12);
    if (!isTarHeader(bytes, at) || size === undefined) return undefined;
    headers.push(at);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return headers.length > 0 ? { headers, end: Math.min(at, bytes.length) } : undefined;
}

const isTar = (bytes: Uint8Array): boolean => bytes.length >= BLOCK && isTarHeader(bytes, 0) && !!tarLayout(bytes);

function insertMembers(bytes: Uint8Array, members: Uint8Array[]): Uint8Array {
  const end = tarLayout(bytes)?.end ?? bytes.length;
  return concat([bytes.subarray(0, end), ...members, bytes.subarray(end)]);
}

const member = (spec: TarEntrySpec): Uint8Array => tarEntry({ mode: 0o644, mtime: 1_700_000_000, ...spec });
const deepPath = (levels: number, step = 'a/'): string => step.repeat(levels);

const tarDeepPath: Shape = {
  name: 'tar deep path',
  fits: isTar,
  apply: (random, bytes) => {
    const style = pickOne(random, ['pax', 'gnu'] as const);
    const name = `${deepPath(DEEP_LEVELS)}leaf`;
    return {
      bytes: insertMembers(bytes, [member({ name, data: 'deep\n', style })]),
      note: `a member ${DEEP_LEVELS} levels deep (${style})`,
    };
  },
};

const tarNestedDirs: Shape = {
  name: 'tar nested directories',
  fits: isTar,
  apply: (random, bytes) => {
    const style = pickOne(random, ['pax', 'gnu'] as const);
    const members = Array.from({ length: NESTED_DIRS }, (_, i) =>
      member({ name: deepPath(i + 1, 'd/'), type: '5', mode: 0o755, style }),
    );
    return { bytes: insertMembers(bytes, members), note: `${NESTED_DIRS} nested explicit directories (${style})` };
  },
};

const tarLinkChain: Shape = {
  name: 'tar link chain',
  fits: isTar,
  apply: (random, bytes) => {
    const type = pickOne(random, ['1', '2'] as const);
    const ring = random() < 0.5;
    // A chain ends at a regular file; a ring has none.
    const members = ring ? [] : [member({ name: 'chain/0', data: 'target\n' })];
    for (let i = ring ? 0 : 1; i < CHAIN_MEMBERS; i++) {
      const next = ring ? (i + 1) % CHAIN_MEMBERS : i - 1;
      members.push(member({ name: `chain/${i}`, type, linkname: type === '2' ? `${next}` : `chain/${next}` }));
    }
    const what = `${type === '1' ? 'hard-link' : 'symlink'} ${ring ? 'ring' : 'chain'}`;
    return { bytes: insertMembers(bytes, members), note: `a ${what} of ${CHAIN_MEMBERS} members` };
  },
};

const HUGE_SIZES = [2n ** 33n, 2n ** 40n, 2n ** 62n];

/** A regular member's size field set far beyond its data, and the archive cut after 512 bytes of it. */
const tarHugeSize: Shape = {
  name: 'tar huge size',
  fits: isTar,
  apply: (random, bytes) => {
    const layout = tarLayout(bytes);
    const files = (layout?.headers ?? []).filter((at) => [0x30, 0].includes(bytes[at + 156] ?? 0));
    if (files.length === 0) return { bytes, note: 'no regular member to resize' };
    const at = pickOne(random, files);
    const size = pickOne(random, HUGE_SIZES);
    const out = bytes.slice(0, at + 2 * BLOCK);
    out.set(base256(size, 12), at + 124);
    writeChecksum(out.subarray(at, at + BLOCK));
    return { bytes: concat([out, padToBlock(new Uint8Array(0))]), note: `member at ${at} declares ${size} bytes` };
  },
};

// ---- zip ----

const u16 = (bytes: Uint8Array, at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
const u32 = (bytes: Uint8Array, at: number): number => (u16(bytes, at) | (u16(bytes, at + 2) << 16)) >>> 0;

function endRecord(bytes: Uint8Array): { at: number; count: number; size: number; offset: number } | undefined {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (u32(bytes, at) !== 0x06054b50) continue;
    const record = { at, count: u16(bytes, at + 10), size: u32(bytes, at + 12), offset: u32(bytes, at + 16) };
    return record.count === 0xffff || record.offset === 0xffffffff ? undefined : record;
  }
  return undefined;
}

const isZip = (bytes: Uint8Array): boolean => u32(bytes, 0) === 0x04034b50 && endRecord(bytes) !== undefined;

function zipHeader(signature: number, length: number, fields: [number, number, 2 | 4][]): Buffer {
  const header = Buffer.alloc(length);
  header.writeUInt32LE(signature, 0);
  for (const [at, value, width] of fields)
    if (width === 2) header.writeUInt16LE(value, at);
    else header.writeUInt32LE(value, at);
  return header;
}

/** Appends empty stored members after the data and writes a new directory: the old entries, then these. */
function appendZipMembers(bytes: Uint8Array, names: string[]): Uint8Array {
  const end = endRecord(bytes);
  if (!end) return bytes;
  const parts: Uint8Array[] = [bytes];
  const centrals: Uint8Array[] = [bytes.subarray(end.offset, end.offset + end.size)];
  let offset = bytes.length;
  for (const text of names) {
    const name = Buffer.from(text);
    const mode = text.endsWith('/') ? 0o40755 : 0o100644;
    parts.push(
      zipHeader(0x04034b50, 30, [
        [4, 20, 2],
        [26, name.length, 2],
      ]),
      name,
    );
    centrals.push(
      zipHeader(0x02014b50, 46, [
        [4, 0x0314, 2],
        [6, 20, 2],
        [28, name.length, 2],
        [38, (mode << 16) >>> 0, 4],
        [42, offset, 4],
      ]),
      name,
    );
    offset += 30 + name.length;
  }
  const directory = concat(centrals);
  const count = Math.min(0xffff, end.count + names.length);
  const record = zipHeader(0x06054b50, 22, [
    [8, count, 2],
    [10, count, 2],
    [12, directory.length, 4],
    [16, offset, 4],
  ]);
  return concat([...parts, directory, record]);
}

/** A zip name holds at most 65,535 bytes: as deep as a zip path can go. */
const ZIP_DEEP_LEVELS = 32_765;

const zipDeepPath: Shape = {
  name: 'zip deep path',
  fits: isZip,
  apply: (_random, bytes) => ({
    bytes: appendZipMembers(bytes, [`${deepPath(ZIP_DEEP_LEVELS)}leaf`]),
    note: `a member ${ZIP_DEEP_LEVELS} levels deep`,
  }),
};

const zipNestedDirs: Shape = {
  name: 'zip nested directories',
  fits: isZip,
  apply: (_random, bytes) => ({
    bytes: appendZipMembers(
      bytes,
      Array.from({ length: NESTED_DIRS }, (_, i) => deepPath(i + 1, 'd/')),
    ),
    note: `${NESTED_DIRS} nested explicit directories`,
  }),
};

/** One directory entry's uncompressed size set to 2^32 − 1, and its zip64 size (when it has one) to 2^63. */
const zipHugeSize: Shape = {
  name: 'zip huge size',
  fits: isZip,
  apply: (random, bytes) => {
    const end = endRecord(bytes);
    const entries: number[] = [];
    for (let at = end?.offset ?? 0; end && at < end.offset + end.size && u32(bytes, at) === 0x02014b50;) {
      entries.push(at);
      at += 46 + u16(bytes, at + 28) + u16(bytes, at + 30) + u16(bytes, at + 32);
    }
    if (entries.length === 0) return { bytes, note: 'no directory entry to resize' };
    const at = pickOne(random, entries);
    const out = Buffer.from(bytes);
    out.writeUInt32LE(0xffffffff, at + 24);
    const extra = at + 46 + u16(bytes, at + 28);
    if (u16(bytes, extra) === 1) out.writeBigUInt64LE(pickOne(random, [2n ** 63n, 2n ** 64n - 1n]), extra + 4);
    return { bytes: out, note: `directory entry at ${at} declares a huge size` };
  },
};

export const ARCHIVE_SHAPES: Shape[] = [
  tarDeepPath,
  tarNestedDirs,
  tarLinkChain,
  tarHugeSize,
  zipDeepPath,
  zipNestedDirs,
  zipHugeSize,
];
