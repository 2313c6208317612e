import { u16le, u32le, u8 } from '../../bytes.js';
import { crc32cUpdate } from '../crc32c.js';
import type { BlockMapping } from './mapping.js';
import type { ExtVolume } from './volume.js';

/** A hashed directory's index levels are bounded by the format (3 with large_dir). */
const MAX_INDEX_LEVELS = 3;
const ROOT_INFO_AT = 0x18;
const NODE_COUNT_AT = 8;

/** One index block of a hashed directory: where its count/limit header sits, on the volume. */
export interface IndexBlock {
  physical: number;
  bytes: Uint8Array;
  countAt: number;
}

/**
 * The index blocks (dx_root, dx_node) of a hashed directory, found by walking down from block 0 with
 * an explicit queue, each block once. Leaf blocks are not returned: they are ordinary entry blocks.
 */
export async function indexBlocks(volume: ExtVolume, mapping: BlockMapping, blocks: number): Promise<IndexBlock[]> {
  const root = await blockAt(volume, mapping, 0);
  if (!root) return [];
  const levels = u8(root.bytes, ROOT_INFO_AT + 6);
  const countAt = ROOT_INFO_AT + u8(root.bytes, ROOT_INFO_AT + 5);
  if (levels >= MAX_INDEX_LEVELS) return [];
  const found: IndexBlock[] = [{ ...root, countAt }];
  const seen = new Set<number>([0]);
  let level: IndexBlock[] = found.slice();
  for (let depth = 0; depth < levels; depth++) {
    const next: IndexBlock[] = [];
    for (const node of level) {
      for (const logical of childBlocks(node)) {
        if (seen.has(logical) || logical >= blocks) continue;
        seen.add(logical);
        const child = await blockAt(volume, mapping, logical);
        if (child) next.push({ ...child, countAt: NODE_COUNT_AT });
      }
    }
    for (const node of next) found.push(node);
    level = next;
  }
  return found;
}

/** The logical blocks an index block points at: the first entry's block, then one per hash entry. */
function childBlocks(node: IndexBlock): number[] {
  const count = u16le(node.bytes, node.countAt + 2);
  const children: number[] = [];
  for (let i = 0; i < count && node.countAt + i * 8 + 8 <= node.bytes.length; i++)
    children.push(u32le(node.bytes, node.countAt + i * 8 + 4));
  return children;
}

async function blockAt(
  volume: ExtVolume,
  mapping: BlockMapping,
  logical: number,
): Promise<{ physical: number; bytes: Uint8Array } | null> {
  const [run] = await mapping.runs(logical, 1);
  if (!run || run.physical === null) return null;
  const bytes = await volume.block(run.physical);
  return bytes ? { physical: run.physical, bytes } : null;
}

/**
 * The checksum in the dx_tail after `limit` entries covers the used entries, then the tail with its
 * checksum field as zeros.
 */
export function indexChecksumOk(seed: number, node: IndexBlock): boolean {
  const limit = u16le(node.bytes, node.countAt);
  const count = u16le(node.bytes, node.countAt + 2);
  const tailAt = node.countAt + limit * 8;
  if (count > limit || tailAt + 8 > node.bytes.length) return false;
  const crc = crc32cUpdate(seed, node.bytes.subarray(0, node.countAt + count * 8));
  const tail = new Uint8Array(node.bytes.subarray(tailAt, tailAt + 8));
  tail.fill(0, 4);
  return crc32cUpdate(crc, tail) === u32le(node.bytes, tailAt + 4);
}
