import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { buildTar, tarEntry } from '../helpers/tar-builder.js';

describe('a hash manifest of a tar', () => {
  const dir = tempDir();
  const source = join(dir, 'owned.tar');
  writeFileSync(
    source,
    buildTar([
      tarEntry({ name: 'etc/', type: '5', uname: 'root', gname: 'root' }),
      tarEntry({ name: 'etc/passwd', data: 'root:x:0:0\n', uname: 'root', gname: 'wheel' }),
      tarEntry({ name: 'dev-null', type: '3', devmajor: 1, devminor: 3 }),
      tarEntry({
        name: 'ping',
        style: 'pax',
        data: 'ELF',
        pax: { 'SCHILY.xattr.security.capability': new Uint8Array([1, 0, 0, 2, 0x20, 0, 0, 0]) },
      }),
    ]),
  );
  const manifest = join(dir, 'owned.json');

  it('keeps owner names, device numbers and xattrs, so diff against its source finds nothing', async () => {
    expect((await cli(['hash', source, '-o', manifest])).code).toBe(0);
    const entries = (JSON.parse(readFileSync(manifest, 'utf8')) as { files: { path: string; attrs?: object }[] }).files;
    expect(Object.fromEntries(entries.map((entry) => [entry.path, entry.attrs]))).toMatchObject({
      etc: { uname: 'root', gname: 'root' },
      'etc/passwd': { uname: 'root', gname: 'wheel' },
      'dev-null': { device: 'chardev 1:3' },
      ping: { 'xattr security.capability': '0100000220000000' },
    });
    expect(await cli(['diff', manifest, source])).toMatchObject({ code: 0 });
    expect(await cli(['diff', source, manifest])).toMatchObject({ code: 0 });
  });
});
