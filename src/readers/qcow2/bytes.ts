/** Big-endian reads that never throw: bytes past the end of the array read as zero (callers check lengths first). */
export function be16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

export function be32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) * 0x1000000 +
      (((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0))) >>>
    0
  );
}

export function be64(bytes: Uint8Array, at: number): bigint {
  return (BigInt(be32(bytes, at)) << 32n) | BigInt(be32(bytes, at + 4));
}

/** A file offset as a number; anything beyond 2^53 is past the end of any real file, so Infinity says so. */
export function fileOffset(value: bigint): number {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : Number.POSITIVE_INFINITY;
}

export function hex(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
