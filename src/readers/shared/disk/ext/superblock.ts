import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import { decodeName } from '../../../../model/display.js';
import { u16le, u32le, u8 } from '../../bytes.js';
import { INCOMPAT_64BIT, INCOMPAT_CSUM_SEED, type FeatureSet } from './features.js';

export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
export const EXT_MAGIC = 0xef53;
const MAX_LOG_BLOCK_SIZE = 6;

/** The superblock fields this reader uses, decoded once. */
export interface Superblock extends FeatureSet {
  raw: Uint8Array;
  inodesCount: number;
  blocksCount: number;
  reservedBlocks: number;
  freeBlocks: number;
  freeInodes: number;
  firstDataBlock: number;
  logBlockSize: number;
  blockSize: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  mountTime: number;
  writeTime: number;
  createdTime: number;
  magic: number;
  state: number;
  revLevel: number;
  inodeSize: number;
  descSize: number;
  firstMetaBg: number;
  uuid: Uint8Array;
  label: string;
  lastMounted: string;
  checksumSeed: number;
  checksum: number;
}

/** Seconds since 1970 from a low 32-bit field and its high byte (times after 2038). */
function time40(raw: Uint8Array, low: number, high: number): number {
  return u32le(raw, low) + u8(raw, high) * 2 ** 32;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decodeName(end < 0 ? bytes : bytes.subarray(0, end));
}

export function parseSuperblock(raw: Uint8Array): Superblock {
  const incompat = u32le(raw, 0x60);
  const wide = (incompat & INCOMPAT_64BIT) !== 0;
  const high = (at: number): number => (wide ? u32le(raw, at) * 2 ** 32 : 0);
  const revLevel = u32le(raw, 0x4c);
  const logBlockSize = u32le(raw, 0x18);
  return {
    raw,
    compat: u32le(raw, 0x5c),
    incompat,
    roCompat: u32le(raw, 0x64),
    inodesCount: u32le(raw, 0x0),
    blocksCount: u32le(raw, 0x4) + high(0x150),
    reservedBlocks: u32le(raw, 0x8) + high(0x154),
    freeBlocks: u32le(raw, 0xc) + high(0x158),
    freeInodes: u32le(raw, 0x10),
    firstDataBlock: u32le(raw, 0x14),
    logBlockSize,
    blockSize: logBlockSize <= MAX_LOG_BLOCK_SIZE ? 1024 << logBlockSize : 0,
    blocksPerGroup: u32le(raw, 0x20),
    inodesPerGroup: u32le(raw, 0x28),
    mountTime: time40(raw, 0x2c, 0x275),
    writeTime: time40(raw, 0x30, 0x274),
    createdTime: time40(raw, 0x108, 0x276),
    magic: u16le(raw, 0x38),
    state: u16le(raw, 0x3a),
    revLevel,
    inodeSize: revLevel === 0 ? 128 : u16le(raw, 0x58),
    descSize: wide ? u16le(raw, 0xfe) : 32,
    firstMetaBg: u32le(raw, 0x104),
    uuid: new Uint8Array(raw.subarray(0x68, 0x78)),
    label: cString(raw.subarray(0x78, 0x88)),
    lastMounted: cString(raw.subarray(0x88, 0xc8)),
    checksumSeed: incompat & INCOMPAT_CSUM_SEED ? u32le(raw, 0x270) : -1,
    checksum: u32le(raw, 0x3fc),
  };
}

/** How many block groups the superblock describes (0 when its counts make no sense). */
export function groupCount(sb: Superblock): number {
  if (sb.blocksPerGroup === 0 || sb.blocksCount <= sb.firstDataBlock) return 0;
  return Math.ceil((sb.blocksCount - sb.firstDataBlock) / sb.blocksPerGroup);
}

/**
 * Problems that make the filesystem unreadable: without a sane block size, group geometry and inode
 * size no inode can be located. Returns an empty list when the superblock can be used.
 */
export function fatalProblems(sb: Superblock, where: string): Diagnostic[] {
  const problems: string[] = [];
  if (sb.magic !== EXT_MAGIC) problems.push(`magic 0x${sb.magic.toString(16)} is not 0xef53`);
  if (sb.blockSize === 0) problems.push(`block size 2^(10+${sb.logBlockSize}) is over 64 KiB`);
  if (sb.blocksPerGroup === 0) problems.push('blocks per group is 0');
  if (sb.inodesPerGroup === 0) problems.push('inodes per group is 0');
  if (sb.blockSize > 0 && sb.blocksPerGroup > sb.blockSize * 8)
    problems.push(`blocks per group ${sb.blocksPerGroup} exceeds what one bitmap block holds`);
  if (sb.blockSize > 0 && sb.inodesPerGroup > sb.blockSize * 8)
    problems.push(`inodes per group ${sb.inodesPerGroup} exceeds what one bitmap block holds`);
  if (!validInodeSize(sb)) problems.push(`inode size ${sb.inodeSize} is not a power of two from 128 to the block size`);
  if (sb.descSize < 32 || sb.descSize > 1024 || (sb.descSize & (sb.descSize - 1)) !== 0)
    problems.push(`group descriptor size ${sb.descSize} is not a power of two from 32 to 1024`);
  if (groupCount(sb) === 0) problems.push(`block count ${sb.blocksCount} leaves no block group`);
  return problems.map((problem) =>
    diagnostic('error', 'EXT_BAD_SUPERBLOCK', `${where}: the ext superblock is unusable: ${problem}`, where),
  );
}

function validInodeSize(sb: Superblock): boolean {
  const size = sb.inodeSize;
  return size >= 128 && (size & (size - 1)) === 0 && (sb.blockSize === 0 || size <= sb.blockSize);
}

/** A superblock signature worth opening: the magic and a block size the format allows. */
export function looksLikeSuperblock(raw: Uint8Array): boolean {
  return raw.length >= 0x100 && u16le(raw, 0x38) === EXT_MAGIC && u32le(raw, 0x18) <= MAX_LOG_BLOCK_SIZE;
}
