import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';

// Sparse files archived by GNU tar in each of its four sparse dialects; GNU tar's own extraction is the oracle.
const hasGnuTar = /GNU tar/.test(spawnSync('tar', ['--version'], { encoding: 'utf8' }).stdout ?? '');
if (!hasGnuTar) console.warn('SKIPPED sparse tar dialects: GNU tar is not installed to write them');

const dir = tempDir();
const MiB = 1024 * 1024;

/** A 3 MiB file that is mostly holes, with `segments` short runs of data spread through it. */
function sparseFile(name: string, segments: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  for (let i = 0; i < segments; i++)
    writeSync(fd, Buffer.from(`run ${i} `.repeat(20)), 0, undefined, i * Math.floor((3 * MiB) / segments));
  writeSync(fd, Buffer.from('end!'), 0, undefined, 3 * MiB - 4);
  closeSync(fd);
  return path;
}

const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!hasGnuTar)('a sparse file in a tar', () => {
  const cases: [string, string[]][] = [
    ['old GNU', ['--format=gnu']],
    ['PAX 0.0', ['--format=posix', '--sparse-version=0.0']],
    ['PAX 0.1', ['--format=posix', '--sparse-version=0.1']],
    ['PAX 1.0', ['--format=posix', '--sparse-version=1.0']],
  ];
  it.each(cases)(
    'in %s: lists its real size and its name, and cat gives what GNU tar extracts',
    async (label, flags) => {
      const name = `holes-${label.replace(/\W/g, '')}.img`;
      sparseFile(name, 30);
      const archive = join(dir, `${name}.tar`);
      expect(spawnSync('tar', ['--sparse', ...flags, '-cf', archive, '-C', dir, name]).status).toBe(0);
      const extracted = spawnSync('tar', ['-xOf', archive, name], { maxBuffer: 8 * MiB }).stdout;
      expect(digest(extracted)).toBe(digest(readFileSync(join(dir, name))));
      const listed = JSON.parse((await cli(['ls', '--json', archive])).stdout) as { path: string; size: number }[];
      expect(listed.map((entry) => [entry.path, entry.size])).toEqual([[name, 3 * MiB]]);
      const written = await cli(['cat', `${archive}:${name}`]);
      expect([written.code, digest(written.bytes)]).toEqual([0, digest(extracted)]);
    },
  );
});
