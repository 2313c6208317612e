import { knownSame, type Source } from '../model/source.js';

const BLOCK = 1024 * 1024;

/** Offset of the first differing byte of two sources (the shorter one's end if one is a prefix), or null when equal. */
export async function firstDifference(a: Source, b: Source): Promise<number | null> {
  const common = Math.min(a.size, b.size);
  for (let offset = 0; offset < common; offset += BLOCK) {
    if (await knownSame(a, b, offset, Math.min(BLOCK, common - offset))) continue;
    const [left, right] = await Promise.all([a.read(offset, BLOCK), b.read(offset, BLOCK)]);
    if (Buffer.compare(left, right) === 0) continue;
    for (let i = 0; i < Math.min(left.length, right.length); i++) if (left[i] !== right[i]) return offset + i;
    return offset + Math.min(left.length, right.length);
  }
  return a.size === b.size ? null : common;
}
