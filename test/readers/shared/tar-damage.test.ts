import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { buildTar, concat, tarEntry } from '../../helpers/tar-builder.js';

// Damaged and odd archives, each read by GNU tar as the oracle: snapinspect must recover the members
// GNU tar recovers, and say what it lost.
const dir = tempDir();
const hasGnuTar = /GNU tar/.test(spawnSync('tar', ['--version'], { encoding: 'utf8' }).stdout ?? '');
if (!hasGnuTar) console.warn('SKIPPED GNU tar comparisons of damaged archives: GNU tar is not installed');

function save(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The member names GNU tar lists, whatever it says about the damage on stderr. */
function gnuNames(path: string): string[] {
  return spawnSync('tar', ['-tf', path], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

async function names(path: string): Promise<string[]> {
  const listed = await cli(['ls', '-R', '--json', path]);
  return (JSON.parse(listed.stdout) as { path: string }[]).map((entry) => entry.path);
}

const members = Array.from({ length: 12 }, (_, i) =>
  tarEntry({ name: `m${String(i).padStart(2, '0')}.txt`, data: 'x'.repeat(600 + i) }),
);
/** Offset of member `i`'s header: each holds 600–611 bytes, two blocks of data. */
const headerOf = (i: number): number => i * 3 * 512;

function damaged(at: number): Uint8Array {
  const bytes = buildTar(members);
  bytes[at + 10] = (bytes[at + 10] ?? 0) ^ 0x55;
  return bytes;
}

describe.skipIf(!hasGnuTar)('a tar with damaged headers', () => {
  it('skips a bad third header to the next valid one and lists the rest, as GNU tar does', async () => {
    const path = save('third.tar', damaged(headerOf(2)));
    const expected = gnuNames(path);
    expect(expected).toHaveLength(11);
    expect(await names(path)).toEqual([...expected].sort());
    const verified = await cli(['verify', path]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(
      'error   TAR_BAD_CHECKSUM: header at offset 3072 has a bad checksum; skipped 1536 bytes to the next valid header at offset 4608: members stored there are lost',
    );
  });

  it('is still recognised as a tar when its first header is damaged, and recovers the other eleven', async () => {
    const path = save('first.tar', damaged(headerOf(0)));
    const expected = gnuNames(path);
    expect(expected).toHaveLength(11);
    expect(await names(path)).toEqual([...expected].sort());
    const verified = await cli(['verify', path]);
    expect([verified.code, verified.stdout.split('\n')[0]]).toEqual([
      1,
      'error   TAR_BAD_CHECKSUM: header at offset 0 has a bad checksum; skipped 1536 bytes to the next valid header at offset 1536: members stored there are lost',
    ]);
  });

  it.each([
    ['hard link', '1', ['x', 'a1', 'a2', 'after.txt']],
    ['folder', '5', ['x', 'a1', 'a2', 'after.txt']],
    ['symlink', '2', ['x', 'a2', 'after.txt']],
    ['device', '3', ['x', 'a2', 'after.txt']],
    ['FIFO', '6', ['x', 'a2', 'after.txt']],
    ['GNU dump folder', 'D', ['x', 'a2', 'after.txt']],
  ])(
    'passes by the data a %s header declares exactly as GNU tar does (Go and Python differ)',
    async (_, type, listed) => {
      const path = save(
        `type-${type}.tar`,
        buildTar([
          tarEntry({ name: 'x', type, linkname: 'a1', headerSize: 1024 }),
          tarEntry({ name: 'a1', data: 'a' }),
          tarEntry({ name: 'a2', data: 'b' }),
          tarEntry({ name: 'after.txt', data: 'still here' }),
        ]),
      );
      expect(gnuNames(path).map((name) => name.replace(/\/$/, ''))).toEqual(listed);
      expect(await names(path)).toEqual([...listed].sort());
      expect((await cli(['cat', `${path}:after.txt`])).stdout).toBe('still here');
    },
  );
});

describe.skipIf(!hasGnuTar)('odd headers, read as GNU tar reads them', () => {
  it('lets the last of two PAX headers in a row win whole (Python keeps the first)', async () => {
    const first = tarEntry({ name: 'x1', style: 'pax', pax: { path: 'first', comment: 'only here' } }).slice(0, 1024);
    const second = tarEntry({ name: 'orig', style: 'pax', pax: { path: 'second' }, data: 'hello' });
    const path = save('two-pax.tar', buildTar([concat([first, second]), tarEntry({ name: 'after', data: 'a' })]));
    expect(await names(path)).toEqual([...gnuNames(path)].sort());
    expect(await names(path)).toEqual(['after', 'second']);
  });

  it('marks block devices b and character devices c in ls -l, as tar tvf does', async () => {
    const path = save(
      'devices.tar',
      buildTar([
        tarEntry({ name: 'sda', type: '4', devmajor: 8, devminor: 0 }),
        tarEntry({ name: 'null', type: '3', devmajor: 1, devminor: 3 }),
      ]),
    );
    const letters = (text: string): string[] =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => `${line[0]} ${line.split(' ').pop()}`)
        .sort();
    const gnu = spawnSync('tar', ['tvf', path], { encoding: 'utf8' }).stdout;
    expect(letters((await cli(['ls', '-l', path])).stdout)).toEqual(letters(gnu));
    expect(letters(gnu)).toEqual(['b sda', 'c null']);
  });

  it('says when a member has an empty name instead of losing it silently', async () => {
    const path = save(
      'empty-name.tar',
      buildTar([tarEntry({ name: '', data: 'lost bytes' }), tarEntry({ name: 'ok', data: 'a' })]),
    );
    expect(spawnSync('tar', ['tf', path], { encoding: 'utf8' }).stderr).toContain(
      "Substituting `.' for empty member name",
    );
    const info = await cli(['info', path]);
    expect(info.stdout).toContain(
      'warning TAR_EMPTY_NAME: member at offset 0 has an empty name; read as the archive root, as GNU tar reads it as ".", so its 10 bytes of data are not listed',
    );
  });

  it('ignores a PAX path holding a NUL byte, saying so, and keeps the header name', async () => {
    const path = save(
      'nul-pax.tar',
      buildTar([tarEntry({ name: 'plain.txt', style: 'pax', pax: { path: 'evil\u0000.txt' }, data: 'x' })]),
    );
    expect(await names(path)).toEqual(['plain.txt']);
    expect((await cli(['info', path])).stdout).toContain(
      'TAR_BAD_PAX_RECORD: PAX header at offset 0: the path record holds a NUL byte, which no name can; ignored',
    );
  });
});

describe.skipIf(!hasGnuTar)('a gzip-compressed tar damaged in the middle of its stream', () => {
  it('lists what gzip -d recovers before the damage, as GNU tar does, and says where the stream broke', async () => {
    const gzipped = Buffer.from(gzipSync(buildTar(members)));
    const middle = Math.floor(gzipped.length / 2);
    gzipped.fill(0x5a, middle, middle + 16);
    const path = save('damaged.tgz', gzipped);
    const expected = spawnSync('tar', ['-tzf', path], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(expected.length).toBeGreaterThan(0);
    expect(await names(path)).toEqual([...expected].sort());
    const info = await cli(['info', path]);
    expect(info.stdout).toMatch(/DECOMPRESS_CORRUPT: gzip stream: gzip data is corrupt near byte \d+/);
  });
});

describe('a member cut short', () => {
  const data = 'y'.repeat(512);
  const path = save(
    'short.tar',
    buildTar([tarEntry({ name: 'big.img', data, headerSize: 8 * 1024 ** 3 })], { endBlocks: 0 }),
  );

  it('lists with the size its header declares', async () => {
    const listed = JSON.parse((await cli(['ls', '--json', path])).stdout) as { path: string; size: number }[];
    expect(listed.map((entry) => [entry.path, entry.size])).toEqual([['big.img', 8 * 1024 ** 3]]);
  });

  it('cat writes the bytes that exist, then exits 1 saying how many are missing', async () => {
    expect(await cli(['cat', `${path}:big.img`])).toMatchObject({
      code: 1,
      stdout: data,
      stderr: `snapinspect: big.img is cut short: 512 of its ${8 * 1024 ** 3} bytes are in the input (TRUNCATED)\n`,
    });
  });
});

describe('a member path deeper than any filesystem', () => {
  it('is left out with PATH_TOO_DEEP while the rest lists, even 100,000 folders deep', async () => {
    const path = save(
      'deep.tar',
      buildTar([
        tarEntry({ name: `${'d/'.repeat(100_000)}leaf`, style: 'pax', data: 'x' }),
        tarEntry({ name: 'ok.txt', data: 'ok' }),
      ]),
    );
    expect(await cli(['ls', '-R', path])).toMatchObject({ code: 0, stdout: 'ok.txt\n' });
    const verified = await cli(['verify', path]);
    expect(verified.stdout).toContain(
      'warning PATH_TOO_DEEP d/d/d/d/d/d/d/d: a member 100001 folders deep (d/d/d/d/d/d/d/d/…) is over the pathDepth limit of 4096 and is not listed',
    );
  });
});

describe('names that are not valid UTF-8', () => {
  it('stay distinct from a name that spells their escape, and each is an address', async () => {
    const path = save(
      'escapes.tar',
      buildTar([
        tarEntry({ name: 'raw-', data: 'raw byte' }),
        tarEntry({ name: 'raw-\\xff', data: 'literal text' }),
        tarEntry({ name: 'a\\b', data: 'backslash' }),
      ]).map((byte, index) => (index === 4 ? 0xff : byte)),
    );
    rechecksum(path, 0);
    const listed = await names(path);
    expect(listed).toEqual(['a\\b', 'raw-\\x5cxff', 'raw-\\xff'].sort());
    expect((await cli(['cat', `${path}:raw-\\xff`])).stdout).toBe('raw byte');
    expect((await cli(['cat', `${path}:raw-\\x5cxff`])).stdout).toBe('literal text');
    expect((await cli(['cat', `${path}:a\\b`])).stdout).toBe('backslash');
  });
});

/** Rewrites the checksum of the header at `offset` after a test changed its bytes. */
function rechecksum(path: string, offset: number): void {
  const bytes = readFileSync(path);
  const header = bytes.subarray(offset, offset + 512);
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  writeFileSync(path, bytes);
}
