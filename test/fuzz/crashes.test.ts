/**
 * Every input the fuzzer ever saved under test/fuzz-crashes/ (see test/fuzz/README.md) runs again
 * through the same commands, deadline and memory cap, and must now pass. Each case.json says what
 * went wrong and what fixed it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type SavedCase } from '../fuzz/harness.js';

const crashes = new URL('../fuzz-crashes/', import.meta.url).pathname;
const folders = readdirSync(crashes, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(crashes, entry.name))
  .sort();

describe('saved fuzz crashes', () => {
  it('are there, each with what failed and what fixed it', () => {
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const saved = JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')) as SavedCase & { fixed: string };
      expect(saved.problems.length, folder).toBeGreaterThan(0);
      expect(saved.fixed, `${folder}: case.json needs "fixed"`).not.toBe('');
    }
  });

  it('all pass now', async () => {
    const problems = await replay(folders, 20_000, 768);
    expect(Object.fromEntries([...problems].filter(([, found]) => found.length > 0))).toEqual({});
    expect(problems.size).toBe(folders.length);
  }, 120_000);
});
