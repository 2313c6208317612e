/** Little-endian 16-bit read that never throws: bytes past the end read as zero, like `u32le`. */
export function u16le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

export function u8(bytes: Uint8Array, at: number): number {
  return bytes[at] ?? 0;
}

/** Signed 32-bit read, for the seconds fields of inode times (before 1970 is negative). */
export function i32le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24);
}
