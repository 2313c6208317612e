import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFolders } from '../../fixtures/generate.js';
import { repoRoot } from '../helpers/cli.js';

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

describe('committed fixtures', () => {
  it.each([...exampleFolders()])(
    '%s is exactly what fixtures/generate.ts builds (run npm run fixtures after changing it)',
    (folder, files) => {
      const dir = join(repoRoot, 'fixtures', folder);
      const committed = filesBelow(dir)
        .map((path) => relative(dir, path))
        .sort();
      expect(committed).toEqual([...files.keys()].sort());
      for (const [path, bytes] of files)
        expect(Buffer.compare(readFileSync(join(dir, path)), Buffer.from(bytes)), path).toBe(0);
    },
  );
});
