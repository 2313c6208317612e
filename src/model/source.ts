import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Random-access bytes: a file, a part of one, a member of an archive or decompressed data.
 * `read` returns fewer bytes than asked only at the end of the source.
 */
export interface Source {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * A key for the bytes at `offset..offset+length` that is equal for two ranges only when they hold
   * the same bytes, or null when no such key is cheap. Snapshots of one qcow2 share the host clusters
   * they did not change, so a file inside them compares by where its bytes live, without reading them.
   */
  identity?(offset: number, length: number): Promise<string | null>;
}

/** Whether two ranges are known to hold the same bytes without reading them (false means "unknown"). */
export async function knownSame(a: Source, b: Source, offset: number, length: number): Promise<boolean> {
  if (!a.identity || !b.identity) return false;
  const [left, right] = await Promise.all([a.identity(offset, length), b.identity(offset, length)]);
  return left !== null && left === right;
}

/**
 * A file on disk. Each source keeps its descriptor open between reads and reads synchronously:
 * archive indexing makes thousands of small reads, and an open/close per read would dominate.
 * A least-recently-used cap bounds how many files stay open however large the tree.
 */
export class FileSource implements Source {
  private fd: number | undefined;

  constructor(
    readonly path: string | Buffer,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const wanted = clampLength(this.size, offset, length);
    if (wanted === 0) return new Uint8Array(0);
    const fd = this.descriptor();
    const buffer = Buffer.allocUnsafe(wanted);
    let filled = 0;
    while (filled < wanted) {
      const bytesRead = readSync(fd, buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  }

  private descriptor(): number {
    openSources.delete(this);
    openSources.add(this);
    this.fd ??= openSync(this.path, 'r');
    for (const oldest of openSources) {
      if (openSources.size <= MAX_OPEN_FILES) break;
      oldest.close();
    }
    return this.fd;
  }

  close(): void {
    openSources.delete(this);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

const MAX_OPEN_FILES = 32;
const openSources = new Set<FileSource>();

export class BytesSource implements Source {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.bytes.subarray(offset, offset + clampLength(this.size, offset, length));
  }
}

/** A window of another source, e.g. a wasm custom section inside the module file. */
export class SliceSource implements Source {
  readonly size: number;

  constructor(
    private readonly base: Source,
    private readonly start: number,
    size: number,
  ) {
    this.size = Math.max(0, Math.min(size, base.size - start));
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.base.read(this.start + offset, clampLength(this.size, offset, length));
  }

  async identity(offset: number, length: number): Promise<string | null> {
    const wanted = clampLength(this.size, offset, length);
    return this.base.identity ? this.base.identity(this.start + offset, wanted) : null;
  }
}

/** Several sources end to end, e.g. the buckets that make up one stable-structures virtual memory. */
export class ConcatSource implements Source {
  readonly size: number;
  private readonly starts: number[] = [];

  constructor(private readonly parts: Source[]) {
    let total = 0;
    for (const part of parts) {
      this.starts.push(total);
      total += part.size;
    }
    this.size = total;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const wanted = clampLength(this.size, offset, length);
    const out = new Uint8Array(wanted);
    let filled = 0;
    for (let i = 0; i < this.parts.length && filled < wanted; i++) {
      const part = this.parts[i];
      const start = this.starts[i];
      if (part === undefined || start === undefined) continue;
      const position = offset + filled;
      if (position >= start + part.size || position < start) continue;
      const piece = await part.read(position - start, Math.min(wanted - filled, start + part.size - position));
      out.set(piece, filled);
      filled += piece.length;
      if (piece.length === 0) break;
    }
    return out.subarray(0, filled);
  }
}

function clampLength(size: number, offset: number, length: number): number {
  if (offset < 0 || offset >= size || length <= 0) return 0;
  return Math.min(length, size - offset);
}

export const SCAN_BLOCK = 4 * 1024 * 1024;

/** Yields the source in order, `blockSize` bytes at a time (the last block may be shorter). */
export async function* blocks(source: Source, blockSize = SCAN_BLOCK): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < source.size; offset += blockSize) {
    const block = await source.read(offset, blockSize);
    if (block.length === 0) return;
    yield block;
    if (block.length < Math.min(blockSize, source.size - offset)) return;
  }
}

/** sha256 of the whole source, hex, read block by block. */
export async function sha256Of(source: Source): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of blocks(source)) hash.update(block);
  return hash.digest('hex');
}

/** The whole source, or null when it is larger than `maxBytes` (callers report the limit). */
export async function readAll(source: Source, maxBytes: number): Promise<Uint8Array | null> {
  if (source.size > maxBytes) return null;
  return source.read(0, source.size);
}
