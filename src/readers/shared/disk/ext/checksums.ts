import { u16le, u32le } from '../../bytes.js';
import { crc32cUpdate, le32 } from '../crc32c.js';
import type { Inode } from './inode.js';
import type { Superblock } from './superblock.js';

const SB_CHECKSUM_AT = 0x3fc;
const GD_CHECKSUM_AT = 0x1e;
const INODE_CHECKSUM_LO = 0x7c;
const INODE_CHECKSUM_HI = 0x82;
const DIR_TAIL = 12;
const DIR_TAIL_TYPE = 0xde;

/** The seed every metadata_csum checksum starts from: stored, or the crc32c of the filesystem UUID. */
export function checksumSeed(sb: Superblock): number {
  return sb.checksumSeed >= 0 ? sb.checksumSeed : crc32cUpdate(0xffffffff, sb.uuid);
}

export function superblockChecksumOk(sb: Superblock): boolean {
  return crc32cUpdate(0xffffffff, sb.raw.subarray(0, SB_CHECKSUM_AT)) === sb.checksum;
}

/** Checksums are computed over a copy with the checksum field zeroed; the cached block stays intact. */
export function descriptorChecksumOk(seed: number, group: number, descriptor: Uint8Array): boolean {
  const copy = new Uint8Array(descriptor);
  copy.fill(0, GD_CHECKSUM_AT, GD_CHECKSUM_AT + 2);
  const crc = crc32cUpdate(crc32cUpdate(seed, le32(group)), copy);
  return (crc & 0xffff) === u16le(descriptor, GD_CHECKSUM_AT);
}

/** The per-inode seed that extent and directory block checksums start from. */
export function inodeSeed(seed: number, inode: Inode): number {
  return crc32cUpdate(crc32cUpdate(seed, le32(inode.number)), le32(inode.generation));
}

/** Large inodes keep 32 checksum bits (the high half in the extra fields), 128-byte ones only 16. */
export function inodeChecksumOk(seed: number, inode: Inode): boolean {
  const copy = new Uint8Array(inode.raw);
  const hasHigh = copy.length > 128 && inode.extraEnd >= INODE_CHECKSUM_HI + 2;
  copy.fill(0, INODE_CHECKSUM_LO, INODE_CHECKSUM_LO + 2);
  if (hasHigh) copy.fill(0, INODE_CHECKSUM_HI, INODE_CHECKSUM_HI + 2);
  const crc = crc32cUpdate(inodeSeed(seed, inode), copy);
  const low = u16le(inode.raw, INODE_CHECKSUM_LO);
  if (!hasHigh) return (crc & 0xffff) === low;
  return crc === (low | (u16le(inode.raw, INODE_CHECKSUM_HI) << 16)) >>> 0;
}

/** An extent block's checksum sits right after the entries its header has room for. */
export function extentBlockChecksumOk(seed: number, inode: Inode, block: Uint8Array): boolean {
  const tailAt = 12 + 12 * u16le(block, 4);
  if (tailAt + 4 > block.length) return false;
  return crc32cUpdate(inodeSeed(seed, inode), block.subarray(0, tailAt)) === u32le(block, tailAt);
}

/**
 * Whether a directory block ends in the checksum tail entry (leaf blocks do; the index blocks of a
 * hashed directory carry their checksum elsewhere and are not checked here).
 */
export function hasDirectoryTail(block: Uint8Array): boolean {
  const at = block.length - DIR_TAIL;
  return (
    u32le(block, at) === 0 &&
    u16le(block, at + 4) === DIR_TAIL &&
    block[at + 6] === 0 &&
    block[at + 7] === DIR_TAIL_TYPE
  );
}

export function directoryBlockChecksumOk(seed: number, inode: Inode, block: Uint8Array): boolean {
  const at = block.length - DIR_TAIL;
  return crc32cUpdate(inodeSeed(seed, inode), block.subarray(0, at)) === u32le(block, at + 8);
}

const XATTR_CHECKSUM_AT = 0x10;

/** A shared xattr block is checksummed with its block number (64-bit), not an inode, as its seed. */
export function xattrBlockChecksumOk(seed: number, number: number, block: Uint8Array): boolean {
  const copy = new Uint8Array(block);
  copy.fill(0, XATTR_CHECKSUM_AT, XATTR_CHECKSUM_AT + 4);
  const blockNumber = new Uint8Array(8);
  new DataView(blockNumber.buffer).setBigUint64(0, BigInt(number), true);
  return crc32cUpdate(crc32cUpdate(seed, blockNumber), copy) === u32le(block, XATTR_CHECKSUM_AT);
}
