import { Instant } from '../../../../model/metadata.js';
import type { NodeKind } from '../../../../model/tree.js';
import { i32le, u16le, u32le } from '../../bytes.js';

export const ROOT_INODE = 2;
export const FLAG_INDEX = 0x1000;
export const FLAG_EXTENTS = 0x80000;
export const FLAG_EA_INODE = 0x200000;
export const FLAG_INLINE_DATA = 0x10000000;
/** i_block: 15 block pointers, or the extent tree root, or inline data, or a fast symlink target. */
export const BLOCK_AREA = 0x28;
export const BLOCK_AREA_SIZE = 60;
const GOOD_OLD_INODE_SIZE = 128;

export interface Inode {
  number: number;
  raw: Uint8Array;
  mode: number;
  type: number;
  uid: number;
  gid: number;
  size: number;
  links: number;
  flags: number;
  generation: number;
  /** Block of the shared extended attribute block, 0 when there is none. */
  xattrBlock: number;
  mtime: Instant;
  /** Where the in-inode extended attributes start (after the extra fields), or the inode size when none fit. */
  extraEnd: number;
}

export const S_IFMT = 0xf000;
export const S_IFIFO = 0x1000;
export const S_IFCHR = 0x2000;
export const S_IFDIR = 0x4000;
export const S_IFBLK = 0x6000;
export const S_IFREG = 0x8000;
export const S_IFLNK = 0xa000;
export const S_IFSOCK = 0xc000;

const kinds: Record<number, NodeKind> = {
  [S_IFIFO]: 'fifo',
  [S_IFCHR]: 'device',
  [S_IFDIR]: 'dir',
  [S_IFBLK]: 'device',
  [S_IFREG]: 'file',
  [S_IFLNK]: 'symlink',
  [S_IFSOCK]: 'socket',
};

/** The tree kind of an inode type; an unknown type is shown as a file so its bytes stay reachable. */
export function kindOf(inode: Inode): NodeKind {
  return kinds[inode.type] ?? 'file';
}

export function parseInode(number: number, raw: Uint8Array): Inode {
  const extraSize = raw.length > GOOD_OLD_INODE_SIZE ? u16le(raw, 0x80) : 0;
  const extraEnd = Math.min(raw.length, GOOD_OLD_INODE_SIZE + extraSize);
  const modeBits = u16le(raw, 0x0);
  return {
    number,
    raw,
    mode: modeBits & 0o7777,
    type: modeBits & S_IFMT,
    uid: u16le(raw, 0x2) + u16le(raw, 0x78) * 0x10000,
    gid: u16le(raw, 0x18) + u16le(raw, 0x7a) * 0x10000,
    size: Math.min(Number.MAX_SAFE_INTEGER, u32le(raw, 0x4) + u32le(raw, 0x6c) * 2 ** 32),
    links: u16le(raw, 0x1a),
    flags: u32le(raw, 0x20),
    generation: u32le(raw, 0x64),
    xattrBlock: u32le(raw, 0x68) + u16le(raw, 0x76) * 2 ** 32,
    mtime: inodeTime(raw, 0x10, 0x88, extraEnd),
    extraEnd,
  };
}

/**
 * A time from its signed seconds and, when the inode is large enough, the extra field: two epoch
 * bits that extend the seconds past 2038 and 30 bits of nanoseconds.
 */
function inodeTime(raw: Uint8Array, secondsAt: number, extraAt: number, extraEnd: number): Instant {
  let seconds = BigInt(i32le(raw, secondsAt));
  let nanoseconds = 0n;
  if (extraAt + 4 <= extraEnd) {
    const extra = u32le(raw, extraAt);
    seconds += BigInt(extra & 3) << 32n;
    nanoseconds = BigInt(Math.floor(extra / 4));
  }
  return new Instant(seconds * 1_000_000_000n + nanoseconds);
}

/** The bytes of i_block. */
export function blockArea(inode: Inode): Uint8Array {
  return inode.raw.subarray(BLOCK_AREA, BLOCK_AREA + BLOCK_AREA_SIZE);
}

/** `chardev 1:3` / `blockdev 8:0`: the old 8:8 encoding in i_block[0], else the new 12:20 one in i_block[1]. */
export function deviceText(inode: Inode): string {
  const area = blockArea(inode);
  const old = u32le(area, 0);
  const kind = inode.type === S_IFBLK ? 'blockdev' : 'chardev';
  if (old !== 0) return `${kind} ${(old >>> 8) & 0xff}:${old & 0xff}`;
  const encoded = u32le(area, 4);
  const major = (encoded >>> 8) & 0xfff;
  const minor = (encoded & 0xff) | ((encoded >>> 12) & 0xfff00);
  return `${kind} ${major}:${minor}`;
}
