import xxhash from 'xxhash-wasm';
import type { Source } from '../model/source.js';
import { refusePageScan } from './limits.js';

type Hasher = Awaited<ReturnType<typeof xxhash>>;
let hasher: Promise<Hasher> | undefined;

const BLOCK_TARGET = 8 * 1024 * 1024;

/** xxh64 of every page, read in large blocks; the last page may be short. `path` names the memory in a refusal. */
export async function xxh64Pages(source: Source, pageSize: number, path: string): Promise<BigUint64Array> {
  refusePageScan(path, 'hashing', source);
  const { h64Raw } = await (hasher ??= xxhash());
  const hashes = new BigUint64Array(Math.ceil(source.size / pageSize));
  const block = Math.max(pageSize, Math.floor(BLOCK_TARGET / pageSize) * pageSize);
  for (let offset = 0; offset < source.size; offset += block) {
    const bytes = await source.read(offset, block);
    for (let i = 0; i * pageSize < bytes.length; i++)
      hashes[offset / pageSize + i] = h64Raw(bytes.subarray(i * pageSize, (i + 1) * pageSize));
    if (bytes.length < block) break;
  }
  return hashes;
}

export async function xxh64ZeroPage(pageSize: number): Promise<bigint> {
  const { h64Raw } = await (hasher ??= xxhash());
  return h64Raw(new Uint8Array(pageSize));
}
