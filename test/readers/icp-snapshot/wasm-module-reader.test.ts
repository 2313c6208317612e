import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { canisterModule } from '../../helpers/icp-builder.js';
import { buildTar, tarEntry } from '../../helpers/tar-builder.js';

describe('a bare wasm module', () => {
  const dir = tempDir();
  const plain = join(dir, 'canister.wasm');
  const gzipped = join(dir, 'canister.wasm.gz');
  writeFileSync(plain, canisterModule());
  writeFileSync(gzipped, gzipSync(canisterModule()));

  it('is recognised gzipped, as dfx and icp-cli ship it, and lists what the plain module lists', async () => {
    const info = JSON.parse((await cli(['info', '--json', gzipped])).stdout) as { format: string; variant: string };
    expect([info.format, info.variant]).toEqual(['wasm-module', 'wasm-gzip']);
    const listing = async (path: string): Promise<string> => (await cli(['ls', '-R', path])).stdout;
    expect(await listing(gzipped)).toBe(await listing(plain));
  });

  it('does not claim other gzip files', async () => {
    const tgz = join(dir, 'files.tar.gz');
    writeFileSync(tgz, gzipSync(buildTar([tarEntry({ name: 'a.txt', data: 'a' })])));
    expect((await cli(['info', tgz])).stdout.split('\n')[0]).toBe('Format:   tar (gzip)');
  });
});
