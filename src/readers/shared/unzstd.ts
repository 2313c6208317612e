import { Decompress } from 'fzstd';
import { errorMessage } from '../../model/errors.js';
import { SCAN_BLOCK, type Source } from '../../model/source.js';
import { DecompressionError, MiB, type OutputGuard } from './decompress-guard.js';

// The reference decoder refuses larger windows by default too (zstd -d needs --long=31 for them); fzstd allocates the
// whole window up front, so a hostile header could otherwise ask for 2 GiB.
const MAX_ZSTD_WINDOW = 128 * MiB;
const MAX_ZSTD_BLOCK = 128 * 1024;

export function isZstdFrame(head: Uint8Array): boolean {
  return startsWith(head, [0x28, 0xb5, 0x2f, 0xfd]);
}

export function isSkippableFrame(head: Uint8Array): boolean {
  return ((head[0] ?? 0) & 0xf0) === 0x50 && startsWith(head.subarray(1), [0x2a, 0x4d, 0x18]);
}

export async function* unzstd(source: Source, guard: OutputGuard): AsyncGenerator<Uint8Array> {
  const input = new ReadAhead(source);
  if (source.size === 0) throw new DecompressionError('DECOMPRESS_TRUNCATED', 'zstd stream is empty');
  let offset = 0;
  while (offset < source.size) {
    const head = await input.need(offset, 4);
    if (isSkippableFrame(head)) offset += 8 + readLE(await input.need(offset + 4, 4), 0, 4);
    else if (isZstdFrame(head)) offset = yield* zstdFrame(input, offset, guard);
    else throw new DecompressionError('DECOMPRESS_CORRUPT', `no zstd frame at byte ${offset}`);
  }
  if (offset > source.size) throw truncatedZstd(source.size);
}

/**
 * Walks the frame's block headers itself and hands fzstd one block at a time, so output arrives in pieces of at most
 * 128 KiB and a truncated frame is told apart from a corrupt one. Each push ends with the next block's header:
 * fzstd keeps an empty leftover per push that ends exactly on a block boundary, which would grow with the frame.
 */
async function* zstdFrame(input: ReadAhead, start: number, guard: OutputGuard): AsyncGenerator<Uint8Array, number> {
  const header = await frameHeader(input, start);
  const output: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => output.push(chunk));
  let produced = 0;
  let pushed = start;
  let offset = start + header.length;
  for (let last = false; !last;) {
    const block = blockHeader(await input.need(offset, 3), offset, header.windowSize);
    last = block.last;
    offset += 3;
    if (last) offset += block.bodyLength + (header.checksum ? 4 : 0);
    pushZstd(decoder, await input.need(pushed, offset - pushed), last, start);
    pushed = offset;
    for (const chunk of output.splice(0)) {
      produced += chunk.length;
      guard.count(chunk.length, pushed);
      yield chunk;
    }
    if (!last) offset += block.bodyLength;
  }
  if (header.contentSize !== undefined && produced !== header.contentSize) {
    throw new DecompressionError(
      'DECOMPRESS_CORRUPT',
      `zstd frame at byte ${start} declares ${header.contentSize} bytes but holds ${produced}`,
    );
  }
  return offset;
}

function pushZstd(decoder: Decompress, bytes: Uint8Array, final: boolean, frameStart: number): void {
  try {
    decoder.push(bytes, final);
  } catch (error) {
    throw new DecompressionError(
      'DECOMPRESS_CORRUPT',
      `zstd data is corrupt in the frame at byte ${frameStart}: ${errorMessage(error)}`,
    );
  }
}

interface FrameHeader {
  length: number;
  windowSize: number;
  contentSize: number | undefined;
  checksum: boolean;
}

async function frameHeader(input: ReadAhead, start: number): Promise<FrameHeader> {
  const descriptor = (await input.need(start, 5))[4] ?? 0;
  if (descriptor & 0x08)
    throw new DecompressionError('DECOMPRESS_CORRUPT', `zstd frame at byte ${start} sets a reserved bit`);
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6] ?? 0;
  const length = 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
  const bytes = await input.need(start, length);
  let at = singleSegment ? 5 : 6;
  if (readLE(bytes, at, dictionaryBytes) !== 0) {
    throw new DecompressionError(
      'DECOMPRESS_UNSUPPORTED',
      `zstd frame at byte ${start} needs a dictionary, which is not supported`,
    );
  }
  at += dictionaryBytes;
  const contentSize =
    contentSizeBytes === 0 ? undefined : readLE(bytes, at, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
  const windowSize = singleSegment ? (contentSize ?? 0) : windowFromDescriptor(bytes[5] ?? 0);
  if (windowSize > MAX_ZSTD_WINDOW) {
    const message = `zstd frame at byte ${start} needs a ${Math.ceil(windowSize / MiB)} MiB window (the limit is 128 MiB); decompress it first: zstd -d --long=31 FILE`;
    throw new DecompressionError('DECOMPRESS_UNSUPPORTED', message);
  }
  return { length, windowSize, contentSize, checksum: (descriptor & 0x04) !== 0 };
}

function windowFromDescriptor(descriptor: number): number {
  const base = 2 ** (10 + (descriptor >> 3));
  return base + (base / 8) * (descriptor & 7);
}

function blockHeader(bytes: Uint8Array, at: number, windowSize: number): { last: boolean; bodyLength: number } {
  const value = readLE(bytes, 0, 3);
  const type = (value >> 1) & 3;
  const size = value >> 3;
  if (type === 3) throw new DecompressionError('DECOMPRESS_CORRUPT', `zstd block at byte ${at} has the reserved type`);
  if (size > Math.min(MAX_ZSTD_BLOCK, windowSize)) {
    throw new DecompressionError(
      'DECOMPRESS_CORRUPT',
      `zstd block at byte ${at} is larger than its frame allows (${size} bytes)`,
    );
  }
  return { last: (value & 1) === 1, bodyLength: type === 1 ? 1 : size };
}

function truncatedZstd(at: number): DecompressionError {
  return new DecompressionError('DECOMPRESS_TRUNCATED', `zstd stream ends mid-frame at byte ${at}`);
}

/** Small contiguous ranges of the compressed input, fetched from the source in large blocks. */
class ReadAhead {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(private readonly source: Source) {}

  /** Exactly `length` bytes at `offset`; the input ending first means the stream was cut short. */
  async need(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length;
    if (offset < this.start || end > this.start + this.bytes.length) {
      if (end > this.source.size) throw truncatedZstd(this.source.size);
      this.bytes = await this.source.read(offset, Math.max(length, SCAN_BLOCK));
      this.start = offset;
      if (this.bytes.length < length) throw truncatedZstd(offset + this.bytes.length);
    }
    return this.bytes.subarray(offset - this.start, end - this.start);
  }
}

/** Little-endian unsigned integer of up to 8 bytes; beyond 2^53 it is approximate, which only ever exceeds a limit. */
function readLE(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

export function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
