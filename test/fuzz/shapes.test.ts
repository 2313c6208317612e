/**
 * The issue-14 shape mutators (mutate-shapes.ts, mutate-numbers.ts): each fits at least one seed,
 * replays exactly from the PRNG, and builds the shape it names (checked on the bytes it writes).
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../helpers/prng.js';
import { NUMBER_SHAPES } from './mutate-numbers.js';
import { ARCHIVE_SHAPES, CHAIN_MEMBERS, DEEP_LEVELS, NESTED_DIRS } from './mutate-shapes.js';
import { seedsByReader } from './seeds.js';

const seedFiles = Object.entries(seedsByReader).flatMap(([reader, seeds]) =>
  seeds().flatMap((seed) =>
    seed.input.kind === 'file'
      ? [{ label: `${reader}/${seed.name}`, bytes: seed.input.bytes }]
      : [...seed.input.entries].flatMap(([path, entry]) =>
          entry instanceof Uint8Array ? [{ label: `${reader}/${seed.name}/${path}`, bytes: entry }] : [],
        ),
  ),
);

describe('shape mutators', () => {
  it.each([...ARCHIVE_SHAPES, ...NUMBER_SHAPES].map((shape) => [shape.name, shape] as const))(
    '%s fits a seed and replays exactly',
    (_name, shape) => {
      const fitting = seedFiles.filter((file) => shape.fits(file.bytes));
      expect(fitting.length, shape.name).toBeGreaterThan(0);
      const [first] = fitting;
      if (!first) return;
      const [a, b] = [1, 1].map((seed) => shape.apply(prng(seed), first.bytes));
      expect(a?.note).toBe(b?.note);
      expect(Buffer.compare(Buffer.from(a?.bytes ?? []), Buffer.from(b?.bytes ?? []))).toBe(0);
      expect(a?.note).not.toMatch(/^no /);
    },
  );

  it('write the sizes the issue names', () => {
    const tar = seedFiles.find((file) => file.label === 'tar/volume')?.bytes ?? new Uint8Array(0);
    const byName = new Map([...ARCHIVE_SHAPES, ...NUMBER_SHAPES].map((shape) => [shape.name, shape]));
    const apply = (name: string, seed = 1): string => byName.get(name)?.apply(prng(seed), tar).note ?? '';
    expect(apply('tar deep path')).toMatch(new RegExp(`^a member ${DEEP_LEVELS} levels deep`));
    expect(apply('tar nested directories')).toMatch(new RegExp(`^${NESTED_DIRS} nested explicit directories`));
    expect(apply('tar link chain')).toMatch(new RegExp(`(chain|ring) of ${CHAIN_MEMBERS} members$`));
    const deep = byName.get('tar deep path')?.apply(prng(1), tar).bytes ?? new Uint8Array(0);
    expect(Buffer.from(deep).includes(Buffer.from(`${'a/'.repeat(DEEP_LEVELS)}leaf`))).toBe(true);
  });
});
