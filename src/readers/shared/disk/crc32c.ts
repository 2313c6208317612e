/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of ext4 metadata_csum. */
const table = buildTable();

function buildTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let value = n;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ 0x82f63b78 : value >>> 1;
    entries[n] = value >>> 0;
  }
  return entries;
}

/**
 * Continues a CRC-32C over `bytes` from `seed` without the usual initial and final inversion, as the
 * Linux `crc32c()` does; ext4 chains it over several pieces (group number, then the descriptor).
 */
export function crc32cUpdate(seed: number, bytes: Uint8Array): number {
  let crc = seed >>> 0;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return crc >>> 0;
}

/** The standard CRC-32C of `bytes` (what `crc32c("123456789") = 0xE3069283` refers to). */
export function crc32c(bytes: Uint8Array): number {
  return ~crc32cUpdate(0xffffffff, bytes) >>> 0;
}

/** Little-endian bytes of a 32-bit number, to feed inode and group numbers into a checksum. */
export function le32(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}
