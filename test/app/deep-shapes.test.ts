/**
 * The issue-14 shapes the fuzzer found heavy (3,000 nested directories, paths 100k levels deep,
 * 20k-member link chains and rings), as generated fixtures: each command finishes with its exit
 * code, its diagnostic codes and a complete listing. The fuzz cases themselves were 12–23 MB, too
 * large to keep under test/fuzz-crashes/; the mutators that built them make these.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_SHAPES } from '../fuzz/mutate-shapes.js';
import { seedsByReader } from '../fuzz/seeds.js';
import { cli, tempDir } from '../helpers/cli.js';
import { prng } from '../helpers/prng.js';

const root = tempDir();

function shaped(reader: string, seedName: string, shapeName: string, seed: number): string {
  const input = seedsByReader[reader]?.().find((candidate) => candidate.name === seedName)?.input;
  const shape = ARCHIVE_SHAPES.find((candidate) => candidate.name === shapeName);
  if (input?.kind !== 'file' || !shape) throw new Error(`no ${reader}/${seedName} or ${shapeName}`);
  const path = join(root, `${reader}-${shapeName.replaceAll(' ', '-')}-${seed}`);
  writeFileSync(path, shape.apply(prng(seed), input.bytes).bytes);
  return path;
}

async function codes(path: string): Promise<string[]> {
  const info = await cli(['info', '--json', path]);
  expect(info.code).toBe(0);
  return (JSON.parse(info.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((found) => found.code);
}

describe.each([
  ['tar', 'volume'],
  ['zip', 'files'],
])('%s with 3,000 nested explicit directories', (reader, seedName) => {
  const path = shaped(reader, seedName, `${reader} nested directories`, 1);

  it('lists every one of them, and diffs and verifies', async () => {
    const listing = await cli(['ls', '-R', path]);
    expect(listing.code).toBe(0);
    const nested = listing.stdout.split('\n').filter((line) => /^(d\/)+$/.test(line));
    expect(nested).toHaveLength(3000);
    expect(nested.at(-1)).toBe('d/'.repeat(3000));
    expect((await cli(['diff', path, path])).code).toBe(0);
    expect((await cli(['verify', path])).code).toBeLessThan(2);
  });
});

describe('a tar member 100,000 levels deep', () => {
  it('is left out with PATH_TOO_DEEP; the rest is listed', async () => {
    const path = shaped('tar', 'volume', 'tar deep path', 1);
    expect(await codes(path)).toContain('PATH_TOO_DEEP');
    const listing = await cli(['ls', '-R', path]);
    expect([listing.code, listing.stdout.includes('a/a/a/')]).toEqual([0, false]);
  });
});

describe('20,000-member link chains and rings', () => {
  it.each([
    [1, 'a symlink ring'],
    [10, 'a symlink chain'],
    [100, 'a hard-link ring'],
    [101, 'a hard-link chain'],
  ])('seed %i (%s): listed whole, each command finishes', async (seed) => {
    const path = shaped('tar', 'volume', 'tar link chain', seed);
    const listing = await cli(['ls', '-R', path]);
    expect(listing.code).toBe(0);
    expect(listing.stdout.split('\n').filter((line) => /^chain\/\d+$/.test(line))).toHaveLength(20_000);
    await codes(path);
    expect((await cli(['diff', path, path])).code).toBe(0);
  });

  it('a ring of 20,000 symlinks is one finding: every link starts a chain past the kernel limit of 40', async () => {
    const info = await cli(['info', '--json', shaped('tar', 'volume', 'tar link chain', 1)]);
    const loops = (JSON.parse(info.stdout) as { diagnostics: { code: string; message: string }[] }).diagnostics.filter(
      (found) => found.code === 'TAR_SYMLINK_LOOP',
    );
    expect(loops.map((found) => found.message.replace(/, e\.g\. .*$/, ''))).toEqual([
      '20000 symlinks start chains longer than 40 links, where the kernel gives up (ELOOP)',
    ]);
  });

  it('a hard link to a hard link reaches the file, as GNU tar links it; a ring of them is reported link by link', async () => {
    const chain = shaped('tar', 'volume', 'tar link chain', 101);
    expect(await codes(chain)).not.toContain('TAR_HARDLINK_MISSING');
    expect((await cli(['cat', `${chain}:chain/19999`])).stdout).toBe('target\n');
    const ring = (await codes(shaped('tar', 'volume', 'tar link chain', 100))).filter(
      (code) => code === 'TAR_HARDLINK_MISSING',
    );
    expect(ring).toHaveLength(20_000);
  });
});
