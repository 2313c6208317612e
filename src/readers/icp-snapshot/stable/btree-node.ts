import { limits } from '../limits.js';
import type { Source } from '../../../model/source.js';
import { DecodeError, readFully } from '../../shared/byte-cursor.js';
import { LittleEndian } from '../structure-headers.js';

/** One B-tree node, keys and values copied out of the memory. */
export interface BTreeNode {
  address: number;
  keys: Uint8Array[];
  values: Uint8Array[];
  /** Empty for a leaf; k + 1 addresses for an internal node with k entries. */
  children: number[];
}

/** What the map header says about its nodes (docs/formats/icp.md#btreemap). */
export interface BTreeLayout {
  maxKeySize?: number;
  maxValueSize?: number;
  /** The allocator's chunk size, which is the page size of V2 nodes. */
  pageSize: number;
}

const HEADER = 7;
const CAPACITY = 11;
const V2_CHILDREN = 15;
const OVERFLOW_DATA = 11;
/** The crate's smallest V2 page: header, overflow address and 11 children, rounded up. */
const MIN_PAGE = 128;

/** How many entries a node holds and where its children are: all a walk needs to pass over it. */
export interface NodeShape {
  address: number;
  entries: number;
  children: number[];
}

/** Decodes the node at `address`; throws DecodeError for anything that is not a well-formed node. */
export async function readBTreeNode(
  memory: Source,
  address: number,
  layout: BTreeLayout,
  keyMode: KeyMode,
): Promise<BTreeNode> {
  const { version, count, internal } = await nodeHeader(memory, address);
  if (version === 1) return readV1(memory, address, layout, count, internal);
  return readV2(memory, address, layout, count, internal, keyMode);
}

/** The entry count and child addresses of a node, read without its keys, values or overflow pages. */
export async function readNodeShape(memory: Source, address: number, layout: BTreeLayout): Promise<NodeShape> {
  const { version, count, internal } = await nodeHeader(memory, address);
  if (!internal) return { address, entries: count, children: [] };
  const at = version === 1 ? HEADER + count * (8 + (layout.maxKeySize ?? 0) + (layout.maxValueSize ?? 0)) : V2_CHILDREN;
  const bytes = await readFully(memory, address + at, 8 * (count + 1));
  if (bytes.length < 8 * (count + 1))
    throw new DecodeError(`the children of node ${address} run past the end of the memory`);
  return { address, entries: count, children: addresses(new LittleEndian(bytes), 0, count + 1) };
}

async function nodeHeader(
  memory: Source,
  address: number,
): Promise<{ version: number; count: number; internal: boolean }> {
  const head = new LittleEndian(await readFully(memory, address, HEADER));
  if (head.length < HEADER || head.ascii(0, 3) !== 'BTN')
    throw new DecodeError(`no B-tree node ("BTN") at address ${address}`);
  const [version, type, count] = [head.u8(3), head.u8(4), head.u16(5)];
  if (type > 1) throw new DecodeError(`node at address ${address} has type ${type}, neither leaf (0) nor internal (1)`);
  if (count > CAPACITY)
    throw new DecodeError(`node at address ${address} holds ${count} entries, more than ${CAPACITY}`);
  if (version !== 1 && version !== 2) throw new DecodeError(`node at address ${address} has layout version ${version}`);
  return { version, count, internal: type === 1 };
}

async function readV1(
  memory: Source,
  address: number,
  layout: BTreeLayout,
  count: number,
  internal: boolean,
): Promise<BTreeNode> {
  const maxKey = layout.maxKeySize ?? 0;
  const maxValue = layout.maxValueSize ?? 0;
  const entrySize = 8 + maxKey + maxValue;
  const size = HEADER + count * entrySize + (internal ? (count + 1) * 8 : 0);
  if (size > limits.stableNodeBytes) throw new DecodeError(`V1 node at address ${address} would span ${size} bytes`);
  const bytes = await readFully(memory, address, size);
  if (bytes.length < size) throw new DecodeError(`V1 node at address ${address} runs past the end of the memory`);
  const fields = new LittleEndian(bytes);
  const node: BTreeNode = { address, keys: [], values: [], children: [] };
  for (let i = 0; i < count; i++) {
    const at = HEADER + i * entrySize;
    const keyLength = fields.u32(at);
    const valueLength = fields.u32(at + 4 + maxKey);
    if (keyLength > maxKey || valueLength > maxValue)
      throw new DecodeError(`entry ${i} of node ${address} is longer than the map's maximum sizes`);
    node.keys.push(bytes.slice(at + 4, at + 4 + keyLength));
    node.values.push(bytes.slice(at + 8 + maxKey, at + 8 + maxKey + valueLength));
  }
  if (internal) node.children = addresses(fields, HEADER + count * entrySize, count + 1);
  return node;
}

function addresses(fields: LittleEndian, at: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number(fields.u64(at + 8 * i)));
}

/**
 * How V2 keys are stored: with a u32 length (`prefixed`), or bare at a fixed width when the key type
 * is fixed-size. The memory does not say which, so the walker tries the modes and keeps one that
 * gives strictly increasing keys.
 */
export type KeyMode = { kind: 'prefixed' } | { kind: 'fixed'; width: number };

export const KEY_MODES: readonly KeyMode[] = [
  { kind: 'prefixed' },
  ...[8, 4, 16, 2, 1, 32, 29, 10].map((width): KeyMode => ({ kind: 'fixed', width })),
];

async function readV2(
  memory: Source,
  address: number,
  layout: BTreeLayout,
  count: number,
  internal: boolean,
  keyMode: KeyMode,
): Promise<BTreeNode> {
  if (layout.pageSize < MIN_PAGE)
    throw new DecodeError(`V2 page size ${layout.pageSize} is below the crate's minimum of ${MIN_PAGE}`);
  // The page size comes from the map header: trusted as a read length, it would allocate whatever it claims.
  if (layout.pageSize > limits.stableNodeBytes)
    throw new DecodeError(
      `V2 page size ${layout.pageSize} is over the stableNodeBytes limit of ${limits.stableNodeBytes}`,
    );
  const stream = await nodeStream(memory, address, layout.pageSize);
  const fields = new LittleEndian(stream);
  const node: BTreeNode = {
    address,
    keys: [],
    values: [],
    children: internal ? addresses(fields, V2_CHILDREN, count + 1) : [],
  };
  let at = V2_CHILDREN + (internal ? (count + 1) * 8 : 0);
  const take = (length: number, what: string): Uint8Array => {
    if (at + length > stream.length) throw new DecodeError(`${what} in node ${address} runs past the node's pages`);
    const bytes = stream.slice(at, at + length);
    at += length;
    return bytes;
  };
  const length = (what: string): number => new LittleEndian(take(4, `the length of ${what}`)).u32(0);
  for (let i = 0; i < count; i++)
    node.keys.push(take(keyMode.kind === 'fixed' ? keyMode.width : length(`key ${i}`), `key ${i}`));
  for (let i = 0; i < count; i++) node.values.push(take(length(`value ${i}`), `value ${i}`));
  if (!strictlyIncreasing(node.keys)) throw new DecodeError(`keys of node ${address} are not in order`);
  return node;
}

/** The first page followed by the data of every overflow page ("NOF"), bounded in total size. */
async function nodeStream(memory: Source, address: number, pageSize: number): Promise<Uint8Array> {
  const first = await readFully(memory, address, pageSize);
  if (first.length < pageSize) throw new DecodeError(`V2 node at address ${address} runs past the end of the memory`);
  const pieces = [first];
  let total = first.length;
  let next = Number(new LittleEndian(first).u64(7));
  const seen = new Set<number>();
  while (next !== 0) {
    if (seen.has(next)) throw new DecodeError(`the overflow pages of node ${address} loop back to address ${next}`);
    seen.add(next);
    if (total + pageSize > limits.stableNodeBytes)
      throw new DecodeError(`node at address ${address} spans more than ${limits.stableNodeBytes} bytes`);
    const page = await readFully(memory, next, pageSize);
    const fields = new LittleEndian(page);
    if (page.length < pageSize || fields.ascii(0, 3) !== 'NOF')
      throw new DecodeError(`no overflow page ("NOF") at address ${next}`);
    pieces.push(page.subarray(OVERFLOW_DATA));
    total += pageSize - OVERFLOW_DATA;
    next = Number(fields.u64(3));
  }
  return pieces.length === 1 ? first : Buffer.concat(pieces);
}

function strictlyIncreasing(keys: readonly Uint8Array[]): boolean {
  return keys.every((key, i) => i === 0 || Buffer.compare(keys[i - 1] ?? key, key) < 0);
}
