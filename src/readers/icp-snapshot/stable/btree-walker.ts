import { limits } from '../limits.js';
import type { Source } from '../../../model/source.js';
import { DecodeError } from '../../shared/byte-cursor.js';
import {
  KEY_MODES,
  readBTreeNode,
  readNodeShape,
  type BTreeLayout,
  type BTreeNode,
  type KeyMode,
  type NodeShape,
} from './btree-node.js';

export interface MapEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** A position in the in-order walk: per level, a node and how far into it the walk has gone. */
type Cursor = { address: number; step: number }[];

/** B-trees of the crate are shallow (B = 6); a deeper path means a cycle or garbage. */
const MAX_DEPTH = 64;
const CACHED_NODES = 256;

/**
 * Walks a BTreeMap in key order, a page of entries at a time. The cursor at each page boundary
 * reached is kept, so paging forward costs one page of nodes and going back costs nothing; a jump
 * ahead walks the pages in between without copying their entries.
 */
export class BTreeWalker {
  private keyMode: KeyMode | undefined;
  private readonly nodes = new Map<number, BTreeNode>();
  private readonly cursors = new Map<number, Cursor>();
  private visited = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly memory: Source,
    private readonly layout: BTreeLayout,
    root: number,
    private readonly pageSize: number,
  ) {
    this.cursors.set(0, root === 0 ? [] : [{ address: root, step: 0 }]);
  }

  /** Entries `page × pageSize` onwards, at most `pageSize`; one walk at a time, since cursors are shared. */
  page(page: number): Promise<MapEntry[]> {
    const result = this.queue.then(() => this.walkTo(page));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async walkTo(page: number): Promise<MapEntry[]> {
    let start = page;
    while (!this.cursors.has(start)) start--;
    let cursor = clone(this.cursors.get(start) ?? []);
    for (let current = start; current < page; current++) {
      await this.advance(cursor, this.pageSize, null);
      this.cursors.set(current + 1, clone(cursor));
    }
    const entries: MapEntry[] = [];
    cursor = clone(cursor);
    await this.advance(cursor, this.pageSize, entries);
    this.cursors.set(page + 1, clone(cursor));
    return entries;
  }

  /**
   * Moves the cursor `count` entries on, copying them into `into`; with `into` null it reads only
   * node shapes and passes over the rest of a leaf in one step, so a jump ahead reads headers only.
   */
  private async advance(cursor: Cursor, count: number, into: MapEntry[] | null): Promise<void> {
    let passed = 0;
    while (passed < count) {
      const top = cursor.at(-1);
      if (top === undefined) return;
      const node = into ? await this.node(top.address) : await this.shape(top.address);
      const internal = node.children.length > 0;
      const entries = 'keys' in node ? node.keys.length : node.entries;
      const steps = internal ? 2 * entries + 1 : entries;
      if (top.step >= steps) {
        cursor.pop();
        continue;
      }
      if (!into && !internal) {
        const skipped = Math.min(steps - top.step, count - passed);
        top.step += skipped;
        passed += skipped;
        continue;
      }
      const step = top.step++;
      if (internal && step % 2 === 0) {
        if (cursor.length >= MAX_DEPTH)
          throw new DecodeError(`the tree is deeper than ${MAX_DEPTH} levels (a cycle of child addresses?)`);
        if (++this.visited > limits.btreeNodes) throw new DecodeError(`more than ${limits.btreeNodes} nodes visited`);
        cursor.push({ address: node.children[step / 2] ?? 0, step: 0 });
        continue;
      }
      const index = internal ? (step - 1) / 2 : step;
      if (into && 'keys' in node)
        into.push({ key: node.keys[index] ?? new Uint8Array(), value: node.values[index] ?? new Uint8Array() });
      passed++;
    }
  }

  private shape(address: number): Promise<NodeShape | BTreeNode> {
    const cached = this.nodes.get(address);
    return cached ? Promise.resolve(cached) : readNodeShape(this.memory, address, this.layout);
  }

  /** The node at `address`, decoded with the key mode that fits the map (settled by the first node with two keys). */
  private async node(address: number): Promise<BTreeNode> {
    const cached = this.nodes.get(address);
    if (cached) return cached;
    const modes = this.keyMode ? [this.keyMode, ...KEY_MODES.filter((mode) => mode !== this.keyMode)] : KEY_MODES;
    let failure: unknown;
    for (const mode of modes) {
      try {
        const node = await readBTreeNode(this.memory, address, this.layout, mode);
        if (node.keys.length >= 2) this.keyMode ??= mode;
        this.remember(node);
        return node;
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        failure ??= error;
      }
    }
    throw failure;
  }

  private remember(node: BTreeNode): void {
    if (this.nodes.size >= CACHED_NODES) this.nodes.delete(this.nodes.keys().next().value ?? 0);
    this.nodes.set(node.address, node);
  }
}

function clone(cursor: Cursor): Cursor {
  return cursor.map((frame) => ({ ...frame }));
}
