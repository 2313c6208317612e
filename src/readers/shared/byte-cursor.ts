import type { Source } from '../../model/source.js';

/** Malformed or truncated binary input, from any of the binary decoders; parsers catch it and report the message. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array, offset: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DecodeError(`name at offset ${offset} is not valid UTF-8`);
  }
}

export function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Reads forward through bytes that start at `base` in a larger file, so every error names a file
 * offset. Nothing reads past `bytes`, and every LEB128 has a byte budget, so hostile input can
 * neither overrun nor loop.
 */
export class ByteCursor {
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
    private readonly what: string,
  ) {}

  get offset(): number {
    return this.base + this.position;
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  peek(): number | undefined {
    return this.bytes[this.position];
  }

  byte(): number {
    const value = this.bytes[this.position];
    if (value === undefined) throw this.endError();
    this.position++;
    return value;
  }

  take(length: number): Uint8Array {
    if (length > this.remaining) throw this.endError();
    const start = this.position;
    this.position += length;
    return this.bytes.subarray(start, this.position);
  }

  expect(bytes: readonly number[], what: string): void {
    for (const expected of bytes) {
      const offset = this.offset;
      const actual = this.byte();
      if (actual !== expected) {
        throw new DecodeError(`${what} at offset ${offset} is 0x${hex(actual)}, expected 0x${hex(expected)}`);
      }
    }
  }

  u32(): number {
    const start = this.offset;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) {
        if (value > 0xffffffff) throw new DecodeError(`LEB128 at offset ${start} does not fit in 32 bits`);
        return value;
      }
    }
    throw new DecodeError(`LEB128 too long at offset ${start}`);
  }

  /** An unsigned LEB128 (a protobuf varint is one) that fits in 64 bits. */
  u64(): bigint {
    const start = this.offset;
    const value = this.leb(false, 10);
    if (value > U64_MAX) throw new DecodeError(`LEB128 at offset ${start} does not fit in 64 bits`);
    return value;
  }

  /** An LEB128 of at most `maxBytes` bytes, exact: unsigned, or signed (two's complement, as Candid's int). */
  leb(signed: boolean, maxBytes: number): bigint {
    const start = this.offset;
    let value = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const byte = this.byte();
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return signed && byte & 0x40 ? value - (1n << BigInt(7 * (i + 1))) : value;
    }
    throw new DecodeError(`LEB128 too long at offset ${start}`);
  }

  /** Steps over a signed LEB128 whose value nobody needs (constants in init expressions). */
  skipSigned(maxBytes: number): void {
    const start = this.offset;
    for (let i = 0; i < maxBytes; i++) {
      if (this.byte() < 0x80) return;
    }
    throw new DecodeError(`LEB128 too long at offset ${start}`);
  }

  name(): string {
    const start = this.offset;
    const length = this.u32();
    if (length > this.remaining) {
      throw new DecodeError(`name at offset ${start} (${length} bytes) runs past the end of the ${this.what}`);
    }
    return decodeUtf8(this.take(length), start);
  }

  private endError(): DecodeError {
    return new DecodeError(`${this.what} ends unexpectedly at offset ${this.offset}`);
  }
}

/** A cursor over `length` bytes of `source` from `offset`, or fewer when the source ends first. */
export async function readCursor(source: Source, offset: number, length: number, what: string): Promise<ByteCursor> {
  return new ByteCursor(await readFully(source, offset, length), offset, what);
}

/** Loops because a source may return a read in pieces; stops early only at the end of the source. */
export async function readFully(source: Source, offset: number, length: number): Promise<Uint8Array> {
  const first = await source.read(offset, length);
  if (first.length >= length) return first;
  const out = new Uint8Array(length);
  out.set(first);
  let filled = first.length;
  while (filled < length) {
    const piece = await source.read(offset + filled, length - filled);
    if (piece.length === 0) break;
    out.set(piece, filled);
    filled += piece.length;
  }
  return out.subarray(0, filled);
}
