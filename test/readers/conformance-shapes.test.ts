import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { buildTar, paxHeader, tarEntry } from '../helpers/tar-builder.js';
import { buildZip } from '../helpers/zip-builder.js';

// One fixture per shape the peers' corpora exercise (npm run conformance; test/conformance/RESULTS.md),
// built here in code. Where snapinspect reads a shape differently from GNU tar on purpose, the test
// name says why; GNU tar on the same bytes shows the difference is real.
const dir = tempDir();
const hasTar = spawnSync('tar', ['--version']).status === 0;
if (!hasTar) console.warn('SKIPPED GNU tar comparisons of the conformance shapes: tar is not installed');
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;
if (!hasUnzip) console.warn('SKIPPED unzip comparisons of the conformance shapes: unzip is not installed');

interface Listed {
  path: string;
  kind: string;
  size: number;
  mtime: string;
}

function save(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function listing(path: string): Promise<Listed[]> {
  const result = await cli(['ls', '-R', '-l', '--json', '--format', 'tar', path]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as Listed[]).map(({ path: name, kind, size, mtime }) => ({
    path: name,
    kind,
    size,
    mtime,
  }));
}

async function diagnosticCodes(path: string): Promise<string[]> {
  const result = await cli(['verify', '--json', '--format', 'tar', path]);
  return (JSON.parse(result.stdout) as { findings: { code: string }[] }).findings.map((finding) => finding.code);
}

function gnuNames(path: string): string[] {
  return gnuTar(['-tf', path])
    .stdout.split('\n')
    .filter((line) => line !== '');
}

function gnuTar(args: string[]): { stdout: string; stderr: string } {
  return spawnSync('tar', ['--quoting-style=literal', ...args], { encoding: 'utf8' });
}

describe('tar shapes of Go archive/tar testdata', () => {
  it('an empty path in a later PAX global header removes the global path, as POSIX says and Go reads it (GNU tar and Python name the member empty)', async () => {
    // pax-global-records.tar: a global path, a member of its own, then a global `path=` with no value.
    const path = save(
      'global-records.tar',
      buildTar([
        paxHeader('g', { path: 'global1', mtime: '1500000000.0' }),
        tarEntry({ name: 'file1' }),
        tarEntry({ name: 'file2', style: 'pax', pax: { path: 'file2' } }),
        paxHeader('g', { path: '' }),
        tarEntry({ name: 'file3' }),
        tarEntry({ name: 'file4', style: 'pax', pax: { mtime: '1400000000' } }),
      ]),
    );
    expect(await listing(path)).toEqual([
      { path: 'file2', kind: 'file', size: 0, mtime: '2017-07-14T02:40:00Z' },
      { path: 'file3', kind: 'file', size: 0, mtime: '2017-07-14T02:40:00Z' },
      { path: 'file4', kind: 'file', size: 0, mtime: '2014-05-13T16:53:20Z' },
      { path: 'global1', kind: 'file', size: 0, mtime: '2017-07-14T02:40:00Z' },
    ]);
    if (!hasTar) return;
    const gnu = gnuTar(['-tf', path]);
    expect(gnu.stdout).toBe('global1\nfile2\n\n\n');
    expect(gnu.stderr).toContain("Substituting `.' for empty member name");
  });

  it('a PAX path holding a NUL is ignored with TAR_BAD_PAX_RECORD and the header name kept, as Go rejects the header (GNU tar cuts the name at the NUL)', async () => {
    // pax-nul-path.tar
    const long = '0123456789'.repeat(20);
    const path = save(
      'nul-path.tar',
      buildTar([tarEntry({ name: long.slice(0, 100), style: 'pax', pax: { path: `${long}\0 suffix` } })]),
    );
    expect((await listing(path)).map((entry) => entry.path)).toEqual([long.slice(0, 100)]);
    expect(await diagnosticCodes(path)).toContain('TAR_BAD_PAX_RECORD');
    if (hasTar) expect(gnuNames(path)).toEqual([long]);
  });

  it('a PAX record over the pathBytes limit (1 MiB) is skipped with TAR_EXTENSION_TOO_LARGE, as Go refuses it with ErrFieldTooLong (GNU tar reads it)', async () => {
    // pax-bad-hdr-large.tar.bz2: a one-megabyte path record.
    const huge = 'X'.repeat(1024 * 1024);
    const path = save(
      'large-pax.tar',
      buildTar([tarEntry({ name: huge.slice(0, 100), style: 'pax', pax: { path: huge } })]),
    );
    expect((await listing(path)).map((entry) => entry.path)).toEqual([huge.slice(0, 100)]);
    expect(await diagnosticCodes(path)).toContain('TAR_EXTENSION_TOO_LARGE');
    if (hasTar) expect(gnuNames(path)).toEqual([huge]);
  });
});

describe('tar shapes of node-tar fixtures', () => {
  it('a member deeper than the pathDepth limit (4096) is not listed and is said with PATH_TOO_DEEP, so no walk is proportional to a hostile depth (GNU tar lists it)', async () => {
    // excessively-deep.tar: node-tar's denial-of-service fixture, 222,371 folders deep.
    const deep = `${'a/'.repeat(5000)}foo.txt`;
    const path = save('deep.tar', buildTar([tarEntry({ name: deep, style: 'pax', data: 'deep\n' })]));
    const listed = await listing(path);
    expect(listed.filter((entry) => entry.kind === 'file')).toEqual([]);
    expect(await diagnosticCodes(path)).toContain('PATH_TOO_DEEP');
    if (hasTar) expect(gnuNames(path)).toEqual([deep]);
  });
});

/** Member names as unzip's zipinfo lists them, whatever it warns about. */
function unzipNames(path: string): string[] {
  const listed = spawnSync('unzip', ['-Z1', path], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter((line) => line !== '');
}

async function zipListing(path: string): Promise<{ path: string; size: number }[]> {
  const result = await cli(['ls', '-R', '--json', '--format', 'zip', path]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { path: string; size: number }[]).map(({ path: name, size }) => ({
    path: name,
    size,
  }));
}

describe('zip shapes of Go archive/zip testdata', () => {
  it('the last end record wins even when its comment is cut off, so a second directory hidden before it is not what gets listed (as unzip and Python read it)', async () => {
    // comment-truncated.zip: a whole small zip hidden between a member and the real directory.
    const visible = buildZip([{ name: 'FILE', data: 'P', method: 0 }]);
    const [local, central, end] = [
      visible.subarray(0, 35),
      visible.subarray(35, 85),
      Buffer.from(visible.subarray(85)),
    ];
    const hidden = buildZip([{ name: 'file', data: 'data', method: 0 }]);
    end.writeUInt32LE(local.length + hidden.length, 16);
    end.writeUInt16LE(1, 20);
    const path = save('comment-truncated.zip', Buffer.concat([local, hidden, central, end]));
    expect(await zipListing(path)).toEqual([{ path: 'FILE', size: 1 }]);
    expect((await cli(['cat', `${path}:FILE`])).stdout).toBe('P');
    const verified = await cli(['verify', '--json', '--format', 'zip', path]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('ZIP_TRUNCATED');
    if (hasUnzip) expect(unzipNames(path)).toEqual(['FILE']);
  });
});

describe('zip shapes where the reference tools disagree', () => {
  const members = [
    { name: 'test.txt', data: 'This is a test text file.\n' },
    { name: 'gophercolor16x16.png', data: Buffer.alloc(785, 0x89), method: 0 },
  ];

  /** A zip whose end record claims a central directory `by` bytes shorter than it is. */
  function shortDirectory(by: number): Buffer {
    const zip = buildZip(members);
    const sizeField = zip.length - 22 + 12;
    zip.writeUInt32LE(zip.readUInt32LE(sizeField) - by, sizeField);
    return zip;
  }

  it.each([
    ['test-badbase.zip', 78],
    ['test-baddirsz.zip', 16],
  ] as const)(
    '%s: an end record that understates the directory is said (ZIP_DIRECTORY_DAMAGED) and both members are recovered from their local headers, as Go lists them (unzip warns of extra bytes, Python refuses)',
    async (name, by) => {
      const path = save(name, shortDirectory(by));
      expect(await zipListing(path)).toEqual([
        { path: 'gophercolor16x16.png', size: 785 },
        { path: 'test.txt', size: 26 },
      ]);
      expect((await cli(['cat', `${path}:test.txt`])).stdout).toBe('This is a test text file.\n');
      const verified = await cli(['verify', '--json', '--format', 'zip', path]);
      expect(verified.code).toBe(1);
      expect(verified.stdout).toContain('ZIP_DIRECTORY_DAMAGED');
      if (hasUnzip)
        expect(spawnSync('unzip', ['-Z1', path], { encoding: 'utf8' }).stderr).toContain('extra bytes at beginning');
    },
  );
});

describe('zip names in legacy code pages (libarchive test_read_format_zip_filename_*)', () => {
  it('keeps a name that is not UTF-8 as its raw bytes (\\xNN), so two such names stay two members, each an address, as unzip lists the bytes', async () => {
    // "привет" in cp866 and in koi8-r: both invalid UTF-8, and lossy decoding made them one name.
    const names = [Buffer.from('afe0a8a2a5e2', 'hex'), Buffer.from('d0d2c9d7c5d4', 'hex')];
    const zip = buildZip([
      { name: 'AAAAAA', data: 'cp866\n' },
      { name: 'BBBBBB', data: 'koi8-r\n' },
    ]);
    for (const [placeholder, raw] of [
      ['AAAAAA', names[0]],
      ['BBBBBB', names[1]],
    ] as const) {
      for (let at = zip.indexOf(placeholder); at >= 0; at = zip.indexOf(placeholder, at + 1)) raw?.copy(zip, at);
    }
    const path = save('legacy-names.zip', zip);
    expect(await zipListing(path)).toEqual([
      { path: '\\xaf\\xe0\\xa8\\xa2\\xa5\\xe2', size: 6 },
      { path: '\\xd0\\xd2\\xc9\\xd7\\xc5\\xd4', size: 7 },
    ]);
    expect((await cli(['cat', `${path}:\\xaf\\xe0\\xa8\\xa2\\xa5\\xe2`])).stdout).toBe('cp866\n');
    if (hasUnzip) {
      const listed = spawnSync('unzip', ['-Z1', path], { env: { ...process.env, LC_ALL: 'C' } }).stdout as Buffer;
      expect(listed).toEqual(
        Buffer.concat([names[0] ?? Buffer.alloc(0), Buffer.from('\n'), names[1] ?? Buffer.alloc(0), Buffer.from('\n')]),
      );
    }
  });
});

describe('zip folders written by MS-DOS tools (libarchive test_read_format_zip_msdos)', () => {
  it('takes a member with the DOS directory attribute and no trailing slash as a folder, as unzip does (Python goes by the slash alone)', async () => {
    const zip = buildZip([
      { name: 'jkl', method: 0 },
      { name: 'abc', data: '', method: 0 },
    ]);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt8(0, central + 5); // made by MS-DOS: no Unix mode in the external attributes
    zip.writeUInt32LE(0x10, central + 38);
    const path = save('msdos.zip', zip);
    const listed = JSON.parse((await cli(['ls', '--json', '--format', 'zip', path])).stdout) as {
      path: string;
      kind: string;
    }[];
    expect(listed.map((entry) => [entry.path, entry.kind])).toEqual([
      ['abc', 'file'],
      ['jkl', 'dir'],
    ]);
    if (hasUnzip) expect(spawnSync('unzip', ['-Z', path], { encoding: 'utf8' }).stdout).toMatch(/^d\S+ .* jkl$/m);
  });
});

describe('zip members snapinspect lists but does not read (libarchive test_read_format_zip_*)', () => {
  it('a member compressed with a method other than stored or deflate (zstd, bzip2, lzma, xz, ppmd) is listed and said with ZIP_UNSUPPORTED_METHOD, and cat exits 2 naming the method, where unzip and Python inflate some of them', async () => {
    const zip = buildZip([{ name: 'vimrc', data: 'set nocompatible\n', method: 0 }]);
    for (let at = zip.indexOf('PK'); at >= 0; at = zip.indexOf('PK', at + 1)) {
      const signature = zip.readUInt32LE(at);
      if (signature === 0x04034b50) zip.writeUInt16LE(93, at + 8);
      if (signature === 0x02014b50) zip.writeUInt16LE(93, at + 10);
    }
    const path = save('zstd-member.zip', zip);
    expect(await zipListing(path)).toEqual([{ path: 'vimrc', size: 17 }]);
    const cat = await cli(['cat', `${path}:vimrc`]);
    expect([cat.code, cat.stdout]).toEqual([2, '']);
    expect(cat.stderr).toContain('compressed with zstd, which is not supported');
    expect((await cli(['verify', '--json', '--format', 'zip', path])).stdout).toContain('ZIP_UNSUPPORTED_METHOD');
  });

  it('a member whose bytes fail their CRC32 is not written by cat (exit 2, both CRCs named), as Python refuses it, where unzip writes it with a warning', async () => {
    const path = save('bad-crc.zip', buildZip([{ name: 'first', data: '0123456789', method: 0, crc: 0x12345678 }]));
    const cat = await cli(['cat', `${path}:first`]);
    expect([cat.code, cat.stdout]).toEqual([2, '']);
    expect(cat.stderr).toMatch(/fails its CRC32 check \(data [0-9a-f]{8}, directory 12345678\)/);
    if (hasUnzip) expect(spawnSync('unzip', ['-p', path, 'first'], { encoding: 'utf8' }).stdout).toBe('0123456789');
  });
});

describe('tar shapes of libarchive testdata', () => {
  it.skipIf(!hasTar)(
    "a GNU volume label (tar -V) is reported as the archive's name, not listed as a file (GNU tar -tv marks it --Volume Header--)",
    async () => {
      const source = join(dir, 'labelled');
      spawnSync('mkdir', ['-p', source]);
      writeFileSync(join(source, 'a.txt'), 'a\n');
      const path = join(dir, 'labelled.tar');
      spawnSync('tar', ['-V', 'Backup 1', '-C', source, '-cf', path, 'a.txt']);
      expect(gnuTar(['-tvf', path]).stdout).toMatch(/^V-+ .* Backup 1--Volume Header--\n.* a\.txt\n$/);
      expect((await listing(path)).map((entry) => entry.path)).toEqual(['a.txt']);
      expect(await diagnosticCodes(path)).toEqual(['TAR_VOLUME_LABEL']);
    },
  );
});
