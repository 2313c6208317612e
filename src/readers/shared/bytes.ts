/**
 * Fixed-width unsigned integers at a byte offset, in either byte order. They never throw: bytes past
 * the end of the array read as zero, so callers check lengths first where a short read matters.
 */
export function u16be(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

export function u32be(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] ?? 0) * 0x1000000 + (((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0))
  );
}

export function u64be(bytes: Uint8Array, at: number): bigint {
  return (BigInt(u32be(bytes, at)) << 32n) | BigInt(u32be(bytes, at + 4));
}

export function u8(bytes: Uint8Array, at: number): number {
  return bytes[at] ?? 0;
}

export function u16le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

/** Signed 32-bit little-endian (ext inode times before 1970 are negative). */
export function i32le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24);
}

export function u32le(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at + 3] ?? 0) * 0x1000000 + (((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at] ?? 0))
  );
}

export function u64le(bytes: Uint8Array, at: number): bigint {
  return (BigInt(u32le(bytes, at + 4)) << 32n) | BigInt(u32le(bytes, at));
}
