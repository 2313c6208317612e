/**
 * The GUID at `at` in the mixed-endian layout GPT uses (the first three fields little-endian, the
 * last two as stored), upper-case as sgdisk and sfdisk print it.
 */
export function guidAt(bytes: Uint8Array, at: number): string {
  const hex = (from: number, to: number, reversed: boolean): string => {
    const part = Array.from(bytes.subarray(at + from, at + to), (byte) => byte.toString(16).padStart(2, '0'));
    return (reversed ? part.reverse() : part).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)]
    .join('-')
    .toUpperCase();
}

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
