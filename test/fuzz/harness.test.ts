/**
 * The fuzz harness (test/fuzz/): its seeds are real inputs of every reader, a short fixed-seed run
 * finds nothing, and each kind of failure (hang, memory, a dying worker, a broken invariant) is
 * caught and its input saved. Longer runs: `npm run fuzz`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probePath } from '../../src/readers/probe.js';
import { detectReader, readers } from '../../src/readers/registry.js';
import { tempDir } from '../helpers/cli.js';
import { fuzz } from '../fuzz/harness.js';
import { writeInput } from '../fuzz/input.js';
import { mutate } from '../fuzz/mutate.js';
import { prng } from '../helpers/prng.js';
import { seedsByReader } from '../fuzz/seeds.js';

describe('fuzz seeds', () => {
  it('cover every reader in the registry', () => {
    expect(Object.keys(seedsByReader).sort()).toEqual(readers.map((reader) => reader.id).sort());
  });

  it.each(Object.entries(seedsByReader))('%s: every seed is detected as that reader', async (id, seeds) => {
    const root = tempDir();
    for (const seed of seeds()) {
      const path = writeInput(join(root, seed.name), seed.input);
      expect((await detectReader(await probePath(path))).reader.id, seed.name).toBe(id);
    }
  });
});

describe('mutations', () => {
  it('replay exactly from a seed and leave the original alone', () => {
    const [seed] = seedsByReader['docker-export']?.() ?? [];
    if (!seed || seed.input.kind !== 'file') throw new Error('no docker-export file seed');
    const copy = seed.input.bytes.slice();
    const runs = [1, 1, 2].map((value) => {
      const random = prng(value);
      return Array.from({ length: 20 }, () => mutate(random, seed.input).note);
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
    expect(Buffer.compare(seed.input.bytes, copy)).toBe(0);
  });
});

describe('a short fixed-seed run', () => {
  it('tries every reader and finds no failure', async () => {
    const summaries = await fuzz({
      seed: 20261202,
      iterations: 1,
      timeMs: 240_000, // one case per reader, some of them 20k-member tars (mutate-shapes.ts), on a loaded machine
      caseDeadlineMs: 20_000,
      rssCapMib: 768,
    });
    expect(summaries.map((summary) => [summary.reader, summary.cases])).toEqual(
      Object.keys(seedsByReader).map((id) => [id, 1]),
    );
    expect(
      summaries.flatMap((summary) =>
        summary.failures.map(
          (failure) => `${failure.reader}: ${failure.mutations.join('; ')}: ${failure.problems.join(' | ')}`,
        ),
      ),
    ).toEqual([]);
    const exits = summaries.reduce((sum, summary) => sum + (summary.exits[0] ?? 0), 0);
    expect(exits).toBeGreaterThan(20);
  }, 300_000);
});

describe('the harness catches', () => {
  it('a hang, a memory blow-up, a dying worker and a broken invariant, and saves each input', async () => {
    const crashDir = tempDir();
    const summaries = await fuzz({
      seed: 1,
      iterations: 5,
      timeMs: 60_000,
      caseDeadlineMs: 6000, // room for the memory case to fill its buffers on a loaded machine before the hang deadline
      rssCapMib: 700,
      readers: ['tar'],
      crashDir,
      workerScript: new URL('../fuzz/misbehaving-worker.ts', import.meta.url).pathname,
    });
    const [tar] = summaries;
    expect(tar?.cases).toBe(5);
    expect(tar?.failures.map((failure) => failure.problems[0]?.replace(/\d+/g, 'N'))).toEqual([
      'hang: no answer within N ms',
      'memory: worker RSS N MiB over the N MiB cap',
      'worker died (N): ',
      'info MUTATED: INTERNAL: made up',
    ]);
    for (const failure of tar?.failures ?? []) {
      const saved = failure.saved ?? '';
      const description = JSON.parse(readFileSync(join(saved, 'case.json'), 'utf8')) as {
        reader: string;
        mutations: string[];
        mutated: string;
      };
      expect(description).toMatchObject({ reader: 'tar', mutations: failure.mutations });
      expect(existsSync(join(saved, description.mutated))).toBe(true);
    }
  }, 60_000);
});
