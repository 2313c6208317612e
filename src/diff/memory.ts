import { refusePageScan } from './limits.js';
import { appendPage } from '../model/memory.js';
import { FileSource, type Source } from '../model/source.js';
import { compareFilePages, toRanges } from './file-compare.js';
import type { PageTokens, TreeNode } from '../model/tree.js';
import type { MemoryChange } from './types.js';
import { xxh64Pages, xxh64ZeroPage } from './page-hash.js';

const BLOCK_TARGET = 8 * 1024 * 1024;

type Progress = ((done: number, total: number) => void) | undefined;

/** Compares two memory images page by page, by the cheapest method both sides allow. */
export async function compareMemory(
  path: string,
  before: TreeNode,
  after: TreeNode,
  progress: Progress,
): Promise<MemoryChange> {
  const pageSize = before.pageSize ?? after.pageSize ?? 65536;
  const [left, right] = await Promise.all([before.pageTokens?.(), after.pageTokens?.()]);
  if (left && right && left.scope === right.scope)
    return fromTokens(path, pageSize, left.tokens, right.tokens, 'mapping', 0n);
  if (left?.scope === 'xxh64' || right?.scope === 'xxh64') {
    const [leftHashes, rightHashes] = await Promise.all([
      hashesOf(path, before, left, pageSize),
      hashesOf(path, after, right, pageSize),
    ]);
    return fromTokens(path, pageSize, leftHashes, rightHashes, 'xxh64', await xxh64ZeroPage(pageSize));
  }
  if (before.content instanceof FileSource && after.content instanceof FileSource)
    return compareFiles(path, pageSize, before.content, after.content, progress);
  refusePageScan(path, 'comparing', before.content, after.content);
  return compareBytes(path, pageSize, before.content, after.content, progress);
}

/** Two whole files on disk: read by workers with reused buffers, one per core. */
async function compareFiles(
  path: string,
  pageSize: number,
  before: FileSource,
  after: FileSource,
  progress: Progress,
): Promise<MemoryChange> {
  const result = await compareFilePages(before, after, pageSize, progress);
  return {
    ...emptyChange(path, pageSize, 'bytes'),
    changedPages: toRanges(result.changed),
    addedPages: toRanges(result.added),
    removedPages: toRanges(result.removed),
    addedZeroPages: toRanges(result.addedZero),
    bytesChanged: result.bytesChanged,
  };
}

async function hashesOf(
  path: string,
  node: TreeNode,
  tokens: PageTokens | undefined,
  pageSize: number,
): Promise<BigUint64Array> {
  if (tokens?.scope === 'xxh64') return tokens.tokens;
  return node.content ? xxh64Pages(node.content, pageSize, path) : new BigUint64Array(0);
}

/** `zeroToken` is what an all-zero page looks like: 0 for an unallocated cluster, the hash of zeros for page hashes. */
function fromTokens(
  path: string,
  pageSize: number,
  left: BigUint64Array,
  right: BigUint64Array,
  method: MemoryChange['method'],
  zeroToken: bigint,
): MemoryChange {
  const change = emptyChange(path, pageSize, method);
  const common = Math.min(left.length, right.length);
  for (let page = 0; page < common; page++) if (left[page] !== right[page]) appendPage(change.changedPages, page);
  for (let page = common; page < right.length; page++) {
    appendPage(change.addedPages, page);
    if (right[page] === zeroToken) appendPage(change.addedZeroPages, page);
  }
  for (let page = common; page < left.length; page++) appendPage(change.removedPages, page);
  return change;
}

function emptyChange(path: string, pageSize: number, method: MemoryChange['method']): MemoryChange {
  return {
    path,
    pageSize,
    changedPages: [],
    addedPages: [],
    removedPages: [],
    addedZeroPages: [],
    bytesChanged: method === 'bytes' ? 0 : null,
    method,
  };
}

/** Two sources read side by side in large blocks; memory stays bounded whatever their size. */
async function compareBytes(
  path: string,
  pageSize: number,
  before: Source | undefined,
  after: Source | undefined,
  progress: Progress,
): Promise<MemoryChange> {
  const change = emptyChange(path, pageSize, 'bytes');
  const leftSize = before?.size ?? 0;
  const rightSize = after?.size ?? 0;
  const block = Math.max(pageSize, Math.floor(BLOCK_TARGET / pageSize) * pageSize);
  const total = Math.max(leftSize, rightSize);
  for (let offset = 0; offset < total; offset += block) {
    const [left, right] = await Promise.all([readOr(before, offset, block), readOr(after, offset, block)]);
    comparePages(
      change,
      offset / pageSize,
      pageSize,
      Buffer.from(left.buffer, left.byteOffset, left.length),
      Buffer.from(right.buffer, right.byteOffset, right.length),
    );
    progress?.(Math.min(offset + block, total), total);
  }
  return change;
}

function readOr(source: Source | undefined, offset: number, length: number): Promise<Uint8Array> {
  return source && offset < source.size ? source.read(offset, length) : Promise.resolve(new Uint8Array(0));
}

function comparePages(change: MemoryChange, firstPage: number, pageSize: number, left: Buffer, right: Buffer): void {
  const pages = Math.ceil(Math.max(left.length, right.length) / pageSize);
  for (let i = 0; i < pages; i++) {
    const page = firstPage + i;
    const l = left.subarray(i * pageSize, (i + 1) * pageSize);
    const r = right.subarray(i * pageSize, (i + 1) * pageSize);
    if (l.length === 0) {
      appendPage(change.addedPages, page);
      if (isZero(r)) appendPage(change.addedZeroPages, page);
    } else if (r.length === 0) {
      appendPage(change.removedPages, page);
    } else if (!l.equals(r)) {
      appendPage(change.changedPages, page);
      change.bytesChanged = (change.bytesChanged ?? 0) + countDifferentBytes(l, r);
    }
  }
}

const zeroBlock = Buffer.alloc(1024 * 1024);

function isZero(bytes: Buffer): boolean {
  for (let offset = 0; offset < bytes.length; offset += zeroBlock.length) {
    const piece = bytes.subarray(offset, offset + zeroBlock.length);
    if (!piece.equals(zeroBlock.subarray(0, piece.length))) return false;
  }
  return true;
}

function countDifferentBytes(left: Buffer, right: Buffer): number {
  let count = Math.abs(left.length - right.length);
  const common = Math.min(left.length, right.length);
  for (let i = 0; i < common; i++) if (left[i] !== right[i]) count++;
  return count;
}
