/**
 * Whole ic-stable-structures BTreeMaps (docs/formats/icp.md#btreemap): a valid B-tree over sorted entries, its
 * nodes in allocator chunks, in the V1 layout or the V2 layout with overflow pages.
 */
import { btreeMapHeaderV1, btreeMapHeaderV2, btreeV1NodeSize, Writer } from './stable-builder.js';

export interface BTreeSpec {
  entries: [Uint8Array, Uint8Array][];
  /** V1: fixed node size from the maximum key and value sizes. */
  v1?: { maxKeySize: number; maxValueSize: number };
  /** V2: nodes in pages of `pageSize` bytes, continued in overflow pages; keys without a length when `fixedKeySize`. */
  v2?: { pageSize: number; fixedKeySize?: boolean };
}

interface Node {
  keys: Uint8Array[];
  values: Uint8Array[];
  children: Node[];
}

const CAPACITY = 11;
const CHUNKS = 100;
const CHUNK_HEADER = 16;

/** A balanced tree: leaves of up to 11 entries, internal nodes with up to 12 children. */
function shape(entries: [Uint8Array, Uint8Array][]): Node {
  if (entries.length <= CAPACITY)
    return { keys: entries.map(([key]) => key), values: entries.map(([, value]) => value), children: [] };
  const childCount = Math.min(CAPACITY + 1, Math.max(2, Math.ceil((entries.length + 1) / (CAPACITY + 1))));
  const inChildren = entries.length - (childCount - 1);
  const node: Node = { keys: [], values: [], children: [] };
  let at = 0;
  for (let child = 0; child < childCount; child++) {
    const size = Math.floor(inChildren / childCount) + (child < inChildren % childCount ? 1 : 0);
    node.children.push(shape(entries.slice(at, at + size)));
    at += size;
    const separator = entries[at];
    if (child < childCount - 1 && separator) {
      node.keys.push(separator[0]);
      node.values.push(separator[1]);
      at++;
    }
  }
  return node;
}

/** The map's memory image: header, allocator, then one chunk per node page (and per overflow page). */
export function btreeMapImage(spec: BTreeSpec): Uint8Array {
  const sorted = [...spec.entries].sort(([a], [b]) => Buffer.compare(a, b));
  const allocation = spec.v1 ? btreeV1NodeSize(spec.v1.maxKeySize, spec.v1.maxValueSize) : (spec.v2?.pageSize ?? 0);
  const pages: Uint8Array[] = [];
  const allocate = (): number => {
    pages.push(new Uint8Array(allocation));
    return CHUNKS + (pages.length - 1) * (CHUNK_HEADER + allocation) + CHUNK_HEADER;
  };
  const pageAt = (address: number): Uint8Array =>
    pages[(address - CHUNKS - CHUNK_HEADER) / (CHUNK_HEADER + allocation)] ?? new Uint8Array();
  const place = (node: Node): number => {
    const address = allocate();
    const children = node.children.map(place);
    const stream = spec.v1 ? v1Node(node, children, spec.v1) : v2Stream(node, children, spec.v2?.fixedKeySize === true);
    writeV2Pages(stream, address, allocation, allocate, pageAt);
    return address;
  };
  const root = sorted.length === 0 ? 0n : BigInt(place(shape(sorted)));
  const length = BigInt(sorted.length);
  const header = spec.v1
    ? btreeMapHeaderV1({ ...spec.v1, rootAddr: root, length })
    : btreeMapHeaderV2({ pageSize: allocation, rootAddr: root, length });
  const image = new Writer(CHUNKS + pages.length * (CHUNK_HEADER + allocation));
  image.bytes.set(header, 0);
  image.u64(68, BigInt(pages.length)).u64(76, BigInt(CHUNKS + pages.length * (CHUNK_HEADER + allocation)));
  pages.forEach((page, i) => {
    const chunk = CHUNKS + i * (CHUNK_HEADER + allocation);
    image
      .ascii(chunk, 'CHK')
      .u8(chunk + 3, 1)
      .u8(chunk + 4, 1);
    image.bytes.set(page, chunk + CHUNK_HEADER);
  });
  return image.bytes;
}

function v1Node(node: Node, children: number[], sizes: { maxKeySize: number; maxValueSize: number }): Uint8Array {
  const out = new Writer(btreeV1NodeSize(sizes.maxKeySize, sizes.maxValueSize));
  out
    .ascii(0, 'BTN')
    .u8(3, 1)
    .u8(4, children.length > 0 ? 1 : 0)
    .u16(5, node.keys.length);
  const entrySize = 8 + sizes.maxKeySize + sizes.maxValueSize;
  node.keys.forEach((key, i) => {
    const at = 7 + i * entrySize;
    const value = node.values[i] ?? new Uint8Array();
    out.u32(at, key.length).u32(at + 4 + sizes.maxKeySize, value.length);
    out.bytes.set(key, at + 4);
    out.bytes.set(value, at + 8 + sizes.maxKeySize);
  });
  children.forEach((child, i) => out.u64(7 + node.keys.length * entrySize + 8 * i, BigInt(child)));
  return out.bytes;
}

function v2Stream(node: Node, children: number[], fixedKeys: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new Writer(15 + 8 * children.length)
    .ascii(0, 'BTN')
    .u8(3, 2)
    .u8(4, children.length > 0 ? 1 : 0)
    .u16(5, node.keys.length);
  children.forEach((child, i) => head.u64(15 + 8 * i, BigInt(child)));
  parts.push(head.bytes);
  const length = (n: number): Uint8Array => new Writer(4).u32(0, n).bytes;
  for (const key of node.keys) parts.push(...(fixedKeys ? [key] : [length(key.length), key]));
  for (const value of node.values) parts.push(length(value.length), value);
  return Buffer.concat(parts);
}

/** First page, then "NOF" overflow pages linked from the node's overflow address (byte 7) onwards. */
function writeV2Pages(
  stream: Uint8Array,
  address: number,
  pageSize: number,
  allocate: () => number,
  pageAt: (address: number) => Uint8Array,
): void {
  const first = pageAt(address);
  first.set(stream.subarray(0, pageSize));
  let previous = { page: first, link: 7 };
  for (let at = pageSize; at < stream.length; at += pageSize - 11) {
    const next = allocate();
    new DataView(previous.page.buffer, previous.page.byteOffset).setBigUint64(previous.link, BigInt(next), true);
    const page = pageAt(next);
    page.set([0x4e, 0x4f, 0x46]);
    page.set(stream.subarray(at, at + pageSize - 11), 11);
    previous = { page, link: 3 };
  }
}
