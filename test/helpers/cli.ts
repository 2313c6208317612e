import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
// The runner lives apart so that processes outside vitest (the fuzz worker) can use it.
export { cli, type CliResult } from './run-cli.js';

/** A temporary folder removed after the test file finishes. */
export function tempDir(prefix = 'snapinspect-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const corpusRoot = new URL('../../../shared/corpus/', import.meta.url).pathname;
