import { u16le, u32le } from '../../bytes.js';
import { appendRun, type BlockMapping, type Run } from './mapping.js';
import type { ExtVolume } from './volume.js';

const EXTENT_MAGIC = 0xf30a;
/** The kernel refuses deeper trees (EXT4_MAX_EXTENT_DEPTH); a deeper header is damage. */
export const MAX_EXTENT_DEPTH = 5;
const HEADER = 12;
const ENTRY = 12;
const UNINITIALISED = 32768;

interface Extent {
  logical: number;
  count: number;
  physical: number;
  uninitialised: boolean;
}

/** An extent tree read once: its leaves in logical order, the blocks it used and what was wrong. */
export interface ExtentTree {
  extents: Extent[];
  /** Index and leaf blocks below the inode, for checksum verification. */
  treeBlocks: number[];
  problems: string[];
}

/**
 * Walks the tree from the inode's root with an explicit stack. Each level must be one shallower than
 * its parent (as the kernel demands), which also rules out loops; blocks outside the volume, bad
 * headers and more than `maxExtents` entries stop that branch with a problem noted.
 */
export async function readExtentTree(volume: ExtVolume, root: Uint8Array, maxExtents: number): Promise<ExtentTree> {
  const tree: ExtentTree = { extents: [], treeBlocks: [], problems: [] };
  const rootDepth = u16le(root, 6);
  if (rootDepth > MAX_EXTENT_DEPTH) {
    tree.problems.push(`extent tree depth ${rootDepth} is over ${MAX_EXTENT_DEPTH}`);
    return tree;
  }
  const pending: { node: Uint8Array; depth: number; where: string }[] = [
    { node: root, depth: rootDepth, where: 'inode' },
  ];
  let entries = 0;
  for (let top = pending.pop(); top; top = pending.pop()) {
    const count = checkedHeader(top.node, top.depth, top.where, tree.problems);
    entries += count;
    if (entries > maxExtents) {
      tree.problems.push(`more than ${maxExtents} extents (limit extExtents)`);
      break;
    }
    if (top.depth === 0) {
      for (let i = 0; i < count; i++) addLeaf(volume, top.node, HEADER + i * ENTRY, tree);
      continue;
    }
    const children: { node: Uint8Array; depth: number; where: string }[] = [];
    for (let i = 0; i < count; i++) {
      const at = HEADER + i * ENTRY;
      const block = u32le(top.node, at + 4) + u16le(top.node, at + 8) * 2 ** 32;
      const node = volume.holds(block) ? await volume.block(block) : null;
      if (!node) {
        tree.problems.push(`extent index block ${block} is outside the volume`);
        continue;
      }
      tree.treeBlocks.push(block);
      children.push({ node, depth: top.depth - 1, where: `block ${block}` });
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) pending.push(child);
    }
  }
  tree.extents.sort((a, b) => a.logical - b.logical);
  return tree;
}

/** The entry count of a node whose header is sound, else 0 with the problem noted. */
function checkedHeader(node: Uint8Array, depth: number, where: string, problems: string[]): number {
  const magic = u16le(node, 0);
  const count = u16le(node, 2);
  const max = u16le(node, 4);
  if (magic !== EXTENT_MAGIC) problems.push(`extent header in ${where} has magic 0x${magic.toString(16)}`);
  else if (u16le(node, 6) !== depth)
    problems.push(`extent node in ${where} has depth ${u16le(node, 6)}, expected ${depth}`);
  else if (count > max || HEADER + count * ENTRY > node.length)
    problems.push(`extent node in ${where} claims ${count} entries, more than it holds`);
  else return count;
  return 0;
}

function addLeaf(volume: ExtVolume, node: Uint8Array, at: number, tree: ExtentTree): void {
  const rawLength = u16le(node, at + 4);
  const uninitialised = rawLength > UNINITIALISED;
  const count = uninitialised ? rawLength - UNINITIALISED : rawLength;
  const physical = u16le(node, at + 6) * 2 ** 32 + u32le(node, at + 8);
  const logical = u32le(node, at);
  if (count === 0) return;
  if (!uninitialised && !(volume.holds(physical) && volume.holds(physical + count - 1))) {
    tree.problems.push(`extent at file block ${logical} points at blocks ${physical}+${count}, outside the volume`);
    return;
  }
  tree.extents.push({ logical, count, physical, uninitialised });
}

/** Reads through the leaves of an extent tree; gaps between extents and uninitialised extents are holes. */
export class ExtentMapping implements BlockMapping {
  constructor(private readonly extents: readonly Extent[]) {}

  runs(first: number, count: number): Promise<Run[]> {
    const runs: Run[] = [];
    const end = first + count;
    let logical = first;
    for (let i = this.firstEndingAfter(first); i < this.extents.length && logical < end; i++) {
      const extent = this.extents[i];
      if (!extent || extent.logical >= end) break;
      if (extent.logical + extent.count <= logical) continue;
      if (extent.logical > logical) {
        appendRun(runs, { logical, count: extent.logical - logical, physical: null });
        logical = extent.logical;
      }
      const stop = Math.min(end, extent.logical + extent.count);
      const physical = extent.uninitialised ? null : extent.physical + (logical - extent.logical);
      appendRun(runs, { logical, count: stop - logical, physical });
      logical = stop;
    }
    if (logical < end) appendRun(runs, { logical, count: end - logical, physical: null });
    return Promise.resolve(runs);
  }

  /** Binary search: the first extent that ends after `logical`. */
  private firstEndingAfter(logical: number): number {
    let low = 0;
    let high = this.extents.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const extent = this.extents[middle];
      if (extent && extent.logical + extent.count <= logical) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
