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
