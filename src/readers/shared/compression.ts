import { createGunzip, createInflateRaw, type Gunzip, type InflateRaw } from 'node:zlib';
import { limits } from './limits.js';
import { Decompress } from 'fzstd';
import { errorMessage } from '../../model/errors.js';
import { blocks, SCAN_BLOCK, type Source } from '../../model/source.js';
import { looksLikeGzip } from './gzip.js';

export type Codec = 'gzip' | 'zstd' | 'xz' | 'bzip2';

export type DecompressErrorCode =
  'DECOMPRESS_CORRUPT' | 'DECOMPRESS_TRUNCATED' | 'DECOMPRESS_LIMIT' | 'DECOMPRESS_UNSUPPORTED';

/** The only error decompression throws for bad input bytes; the message is one line. */
export class DecompressionError extends Error {
  constructor(
    readonly code: DecompressErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecompressionError';
  }
}

export interface DecompressLimits {
  maxOutputBytes: number;
  /** Output bytes per input byte consumed so far. */
  maxRatio: number;
}

// Deflate tops out near 1032:1 and zstd near 32768:1 (all-RLE blocks); real data, even sparse disk images, stays far below.
// zstd turns a run of zeros into ~1/32000 of its size, so the ratio cap only stops absurd bombs.
const decompressLimits = (): DecompressLimits => ({
  maxOutputBytes: limits.decompressedBytes,
  maxRatio: limits.decompressRatio,
});

export function sniffCodec(head: Uint8Array): Codec | null {
  if (looksLikeGzip(head)) return 'gzip';
  if (isZstdFrame(head) || isSkippableFrame(head)) return 'zstd';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  // "BZh" alone is plausible text; bzip2 always follows it with the block size digit.
  const level = head[3] ?? 0;
  if (startsWith(head, [0x42, 0x5a, 0x68]) && level >= 0x31 && level <= 0x39) return 'bzip2';
  return null;
}

/** A bare deflate stream without gzip framing, as zip members store it. */
export type StreamCodec = Codec | 'deflate-raw';

/** Decompressed bytes as a stream of chunks; multi-member gzip and multi-frame zstd are concatenated. */
export async function* decompress(
  source: Source,
  codec: StreamCodec,
  bounds = decompressLimits(),
): AsyncGenerator<Uint8Array> {
  if (codec === 'xz' || codec === 'bzip2') {
    throw new DecompressionError(
      'DECOMPRESS_UNSUPPORTED',
      `${codec} compression is not supported; decompress it first: ${codec} -dk FILE`,
    );
  }
  if (codec === 'zstd') yield* unzstd(source, new OutputGuard(bounds));
  else yield* inflate(source, bounds, codec);
}

export type Inflated = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/**
 * Inflates a small stream whole, in memory, under the same guard as every stream (ratio and total output),
 * with `maxOutput` as a tighter output cap; a bomb comes back as an error message, never as an allocation.
 */
export async function inflateBounded(source: Source, codec: StreamCodec, maxOutput: number): Promise<Inflated> {
  const bounds = { maxOutputBytes: Math.min(maxOutput, limits.decompressedBytes), maxRatio: limits.decompressRatio };
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of decompress(source, codec, bounds)) {
      chunks.push(chunk);
      length += chunk.length;
    }
  } catch (error) {
    if (error instanceof DecompressionError) return { ok: false, error: error.message };
    throw error;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { ok: true, bytes };
}

function zlibPump(codec: 'gzip' | 'deflate-raw', chunkSize: number): ZlibPump {
  return codec === 'gzip'
    ? new ZlibPump(createGunzip({ chunkSize }), 'gzip')
    : new ZlibPump(createInflateRaw({ chunkSize }), 'deflate');
}

const MiB = 1024 * 1024;
const PUMP_CHUNK = 128 * 1024;
/** Output chunks of the second pass over corrupt data: at most this much inflated output is lost before the damage. */
const RECOVERY_CHUNK = 512;

/** Checks limits as output appears, so a bomb stops after its first MiB instead of at the end. */
class OutputGuard {
  private output = 0;

  constructor(private readonly limits: DecompressLimits) {}

  count(length: number, consumed: number): void {
    this.output += length;
    const { maxOutputBytes, maxRatio } = this.limits;
    if (this.output > maxOutputBytes) {
      throw new DecompressionError('DECOMPRESS_LIMIT', `decompresses to more than ${maxOutputBytes} bytes`);
    }
    if (this.output >= MiB && this.output > consumed * maxRatio) {
      const message = `expands more than ${maxRatio}:1 (${this.output} bytes from the first ${consumed}); likely a decompression bomb`;
      throw new DecompressionError('DECOMPRESS_LIMIT', message);
    }
  }
}

/**
 * zlib drops the output chunk it was filling when it meets corrupt data, which can be a whole small
 * archive. After a corrupt stream, a second pass in small chunks gives back what the first withheld,
 * all but the last few hundred bytes before the damage, as `gzip -d` writes them; then the error stands.
 */
async function* inflate(
  source: Source,
  bounds: DecompressLimits,
  codec: 'gzip' | 'deflate-raw',
): AsyncGenerator<Uint8Array> {
  let emitted = 0;
  try {
    for await (const chunk of pumpAll(source, new OutputGuard(bounds), zlibPump(codec, PUMP_CHUNK))) {
      emitted += chunk.length;
      yield chunk;
    }
  } catch (error) {
    if (!(error instanceof DecompressionError) || error.code !== 'DECOMPRESS_CORRUPT') throw error;
    yield* withheld(pumpAll(source, new OutputGuard(bounds), zlibPump(codec, RECOVERY_CHUNK)), emitted);
    throw error;
  }
}

/** What `pass` yields past its first `skip` bytes, until it fails the way the first pass did. */
async function* withheld(pass: AsyncGenerator<Uint8Array>, skip: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  try {
    for await (const chunk of pass) {
      const start = Math.max(0, skip - seen);
      seen += chunk.length;
      if (start < chunk.length) yield chunk.subarray(start);
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
  }
}

async function* pumpAll(source: Source, guard: OutputGuard, pump: ZlibPump): AsyncGenerator<Uint8Array> {
  try {
    for await (const block of blocks(source, SCAN_BLOCK)) {
      for await (const chunk of pump.run((done) => pump.stream.write(block, done))) {
        guard.count(chunk.length, pump.stream.bytesWritten);
        yield chunk;
      }
    }
    for await (const chunk of pump.run(() => pump.stream.end())) {
      guard.count(chunk.length, pump.stream.bytesWritten);
      yield chunk;
    }
  } finally {
    pump.stream.destroy();
  }
}

/**
 * Drives zlib in flowing mode rather than through its async iterator: that iterator drops output still buffered when
 * the stream fails, so a second pass over corrupt data could stop earlier than the first. Pausing above a small
 * backlog bounds memory; zlib only inflates further once the backlog is taken.
 */
class ZlibPump {
  private readonly ready: Uint8Array[] = [];
  private readyBytes = 0;
  private failure: DecompressionError | undefined;
  private closed = false;
  private wake = (): void => {};

  // zlib's gunzip continues into the next member by itself, so multi-member files come out concatenated.
  constructor(
    readonly stream: Gunzip | InflateRaw,
    private readonly label: string,
  ) {
    this.stream.on('data', (chunk: Buffer) => {
      this.ready.push(chunk);
      this.readyBytes += chunk.length;
      if (this.readyBytes >= MiB) this.stream.pause();
      this.wake();
    });
    this.stream.on('error', (error: Error & { code?: string }) => {
      const at = `near byte ${this.stream.bytesWritten}`;
      this.failure ??=
        error.code === 'Z_BUF_ERROR'
          ? new DecompressionError('DECOMPRESS_TRUNCATED', `${this.label} stream ends early ${at}`)
          : new DecompressionError('DECOMPRESS_CORRUPT', `${this.label} data is corrupt ${at}: ${error.message}`);
    });
    this.stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Starts a write (or the end) and yields the output until it completes; the end completes when the stream closes. */
  async *run(start: (done: () => void) => void): AsyncGenerator<Uint8Array> {
    let finished = false;
    start(() => {
      finished = true;
      this.wake();
    });
    for (;;) {
      if (this.ready.length === 0) {
        if (finished || this.closed) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const chunks = this.ready.splice(0);
      this.readyBytes = 0;
      yield* chunks;
      this.stream.resume();
    }
    if (this.failure) throw this.failure;
  }
}

// The reference decoder refuses larger windows by default too (zstd -d needs --long=31 for them); fzstd allocates the
// whole window up front, so a hostile header could otherwise ask for 2 GiB.
const MAX_ZSTD_WINDOW = 128 * MiB;
const MAX_ZSTD_BLOCK = 128 * 1024;

function isZstdFrame(head: Uint8Array): boolean {
  return startsWith(head, [0x28, 0xb5, 0x2f, 0xfd]);
}

function isSkippableFrame(head: Uint8Array): boolean {
  return ((head[0] ?? 0) & 0xf0) === 0x50 && startsWith(head.subarray(1), [0x2a, 0x4d, 0x18]);
}

async function* unzstd(source: Source, guard: OutputGuard): AsyncGenerator<Uint8Array> {
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

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
