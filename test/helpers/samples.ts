/**
 * Small, fixed-seed samples of truncation points and byte offsets for the unit suite. The
 * exhaustive sweeps (every length, every byte) are the fuzz harness's job (test/fuzz/, `npm run
 * fuzz`); a unit test checks the same invariants on a sample that always holds the edges.
 */
import { prng } from './prng.js';

/** Where readers change what they parse: magic numbers and words, headers, tar blocks, pages. */
export const BOUNDARIES: readonly number[] = [4, 8, 16, 64, 512, 4096];

export interface SampleOptions {
  /** The PRNG seed: a failing sample replays exactly. */
  seed?: number;
  /** How many points the PRNG adds to the fixed ones. */
  random?: number;
  /** Points always sampled, each with its two neighbours. */
  boundaries?: readonly number[];
}

/**
 * Lengths shorter than `size` to cut a file to: 0, 1, each boundary and its neighbours (511, 512,
 * 513 …), the last byte (size − 1) and `random` more from a fixed seed; sorted, without repeats.
 */
export function truncationSample(size: number, options: SampleOptions = {}): number[] {
  const { seed = 1, random = 12, boundaries = BOUNDARIES } = options;
  const lengths = new Set<number>([0, 1, size - 1]);
  for (const boundary of boundaries) [boundary - 1, boundary, boundary + 1].forEach((length) => lengths.add(length));
  const next = prng(seed);
  for (let i = 0; i < random; i++) lengths.add(Math.floor(next() * size));
  return [...lengths].filter((length) => length >= 0 && length < size).sort((a, b) => a - b);
}

/** `count` offsets below `size` from a fixed seed, always with the first and the last byte; sorted. */
export function offsetSample(size: number, count: number, seed = 1): number[] {
  const offsets = new Set<number>([0, size - 1]);
  const next = prng(seed);
  for (let tries = 0; offsets.size < Math.min(count, size) && tries < count * 8; tries++)
    offsets.add(Math.floor(next() * size));
  return [...offsets].filter((offset) => offset >= 0 && offset < size).sort((a, b) => a - b);
}

/** Up to `count` items of `items` picked with a fixed seed, in their original order. */
export function pickSample<T>(items: readonly T[], count: number, seed = 1): T[] {
  if (items.length <= count) return [...items];
  const next = prng(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(next() * items.length));
  return [...chosen].sort((a, b) => a - b).map((index) => items[index] as T);
}
