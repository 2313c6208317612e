import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeName } from '../../../src/model/display.js';
import { Instant } from '../../../src/model/metadata.js';
import { BytesSource, FileSource } from '../../../src/model/source.js';
import { CountingSource } from '../../helpers/counting-source.js';
import {
  indexTar,
  looksLikeTar,
  TarStreamParser,
  type TarEntry,
  type TarIndex,
  type TarOptions,
} from '../../../src/readers/shared/tar/index.js';
import {
  buildTar,
  bytesOf,
  concat,
  gnuLongRecord,
  paxHeader,
  paxRecords,
  tarEntry,
  tarHeader,
  writeChecksum,
} from '../../helpers/tar-builder.js';

const NS = 1_000_000_000n;
const encoder = new TextEncoder();

function streamIndex(bytes: Uint8Array, chunkSize: number, options?: TarOptions): TarIndex {
  const parser = new TarStreamParser(options);
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, i + chunkSize));
  return parser.end();
}

/** indexTar, after checking that the stream parser agrees at every chunk size. */
async function index(bytes: Uint8Array, options?: TarOptions): Promise<TarIndex> {
  const random = await indexTar(new BytesSource(bytes), options);
  for (const chunkSize of [1, 7, 4096]) expect(streamIndex(bytes, chunkSize, options)).toStrictEqual(random);
  return random;
}

function member(fields: Partial<TarEntry> & { path: string }): TarEntry {
  return {
    kind: 'file',
    typeflag: '0',
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    size: 0,
    mtime: new Instant(0n),
    headerOffset: 0,
    dataOffset: 512,
    pax: {},
    xattrs: {},
    format: 'ustar',
    ...fields,
  };
}

const codes = (result: TarIndex): string[] => result.diagnostics.map((entry) => entry.code);

describe('tar headers', () => {
  it('reads a POSIX ustar member field by field', async () => {
    const bytes = buildTar([
      tarEntry({
        name: 'etc/passwd',
        data: 'root:x:0:0\n',
        mode: 0o600,
        uid: 1000,
        gid: 100,
        uname: 'alice',
        gname: 'users',
        mtime: 1_700_000_000,
      }),
    ]);
    expect(await index(bytes)).toStrictEqual({
      entries: [
        member({
          path: 'etc/passwd',
          mode: 0o600,
          uid: 1000,
          gid: 100,
          uname: 'alice',
          gname: 'users',
          size: 11,
          mtime: new Instant(1_700_000_000n * NS),
        }),
      ],
      diagnostics: [],
      size: 2048,
      ended: true,
    });
  });

  it('joins the ustar prefix, and ignores those bytes under the old-GNU magic', async () => {
    const name = `${'a'.repeat(80)}/${'b'.repeat(90)}/c.txt`;
    const gnu = tarHeader({ name: 'plain', style: 'gnu' }, bytesOf('plain'), new Uint8Array(0), 0);
    gnu.set(encoder.encode('atime-and-ctime'), 345);
    writeChecksum(gnu);
    const { entries } = await index(buildTar([tarEntry({ name }), gnu]));
    expect(entries.map((entry) => [entry.path, entry.format])).toEqual([
      [name, 'ustar'],
      ['plain', 'gnu'],
    ]);
  });

  it('applies GNU long name and long link records, the member starting at the first of them', async () => {
    const name = `${'n'.repeat(120)}/file`;
    const linkname = 'l'.repeat(130);
    const bytes = buildTar([
      tarEntry({ name, type: '2', linkname, style: 'gnu', mode: 0o777, uname: 'root', gname: 'root' }),
      tarEntry({ name: 'next', style: 'gnu' }),
    ]);
    const { entries, diagnostics } = await index(bytes);
    expect(diagnostics).toEqual([]);
    expect(entries).toStrictEqual([
      member({
        path: name,
        kind: 'symlink',
        typeflag: '2',
        mode: 0o777,
        uname: 'root',
        gname: 'root',
        linkTarget: linkname,
        dataOffset: 2560,
        format: 'gnu',
      }),
      member({ path: 'next', headerOffset: 2560, dataOffset: 3072, format: 'gnu' }),
    ]);
  });

  it('reads busybox headers: unterminated 8-digit octal, decimal owner names, mode-0 long-name records', async () => {
    const name = `./${'x'.repeat(110)}`;
    const bytes = buildTar([
      tarEntry({
        name,
        style: 'busybox',
        uid: 3_000_000,
        gid: 3_000_001,
        mode: 0o755,
        data: 'hi',
        mtime: 0o7777777777,
      }),
    ]);
    const header = bytes.subarray(1024, 1536);
    expect(new TextDecoder().decode(header.subarray(108, 116))).toBe('13343300');
    expect(gnuLongRecord('L', name, 'busybox').subarray(100, 108)).toEqual(encoder.encode('0000000\u0000'));
    const { entries } = await index(bytes);
    expect(entries).toStrictEqual([
      member({
        path: name,
        mode: 0o755,
        uid: 3_000_000,
        gid: 3_000_001,
        uname: '3000000',
        gname: '3000001',
        size: 2,
        mtime: new Instant(0o7777777777n * NS),
        dataOffset: 1536,
        format: 'gnu',
      }),
    ]);
  });

  it('reads 12 unterminated octal digits in the size field (8 GiB, busybox)', async () => {
    const result = await index(buildTar([tarEntry({ name: 'big', style: 'busybox', headerSize: 8 ** 11 })]));
    expect(result.diagnostics).toStrictEqual([
      {
        severity: 'error',
        code: 'TAR_TRUNCATED',
        path: 'big',
        message: 'big is cut short: 8589934592 bytes declared, 1024 present, 8589933568 missing (data at offset 512)',
      },
    ]);
    expect([result.entries[0]?.size, result.entries[0]?.present]).toEqual([8589934592, 1024]);
  });

  it('applies PAX x and g records: path, ids, names, fractional mtime, binary xattrs, deletion of a global', async () => {
    const capability = Uint8Array.from([0x01, 0x00, 0x00, 0x02, 0xff, 0x0a, 0x00]);
    const bytes = buildTar([
      paxHeader('g', { comment: 'built by test', uname: 'globaluser' }),
      tarEntry({
        name: 'ünï/naïve.txt',
        style: 'pax',
        data: 'x',
        uid: 5,
        mtime: 1_700_000_000,
        mtimeNs: 1_700_000_000_123_456_789n,
        pax: { uid: '3000000', 'SCHILY.xattr.security.capability': capability, 'SCHILY.xattr.user.note': 'hi' },
      }),
      tarEntry({ name: 'second', style: 'pax', pax: { uname: '' } }),
      tarEntry({ name: 'third', style: 'pax', mtimeNs: -1_500_000_000n }),
    ]);
    const { entries, diagnostics } = await index(bytes);
    expect(diagnostics).toEqual([]);
    const first = member({
      path: 'ünï/naïve.txt',
      uid: 3_000_000,
      uname: 'globaluser',
      size: 1,
      mtime: new Instant(1_700_000_000_123_456_789n),
      headerOffset: 1024,
      dataOffset: 2560,
      pax: {
        comment: 'built by test',
        uname: 'globaluser',
        path: 'ünï/naïve.txt',
        mtime: '1700000000.123456789',
        uid: '3000000',
        'SCHILY.xattr.security.capability': decodeName(capability),
        'SCHILY.xattr.user.note': 'hi',
      },
      xattrs: { 'security.capability': capability, 'user.note': encoder.encode('hi') },
    });
    expect(entries).toStrictEqual([
      first,
      member({ path: 'second', headerOffset: 3072, dataOffset: 4608, pax: { comment: 'built by test' } }),
      member({
        path: 'third',
        uname: 'globaluser',
        mtime: new Instant(-1_500_000_000n),
        headerOffset: 4608,
        dataOffset: 6144,
        pax: { comment: 'built by test', uname: 'globaluser', mtime: '-1.5' },
      }),
    ]);
  });

  it('prefers PAX path over a GNU long name over the header name, and a PAX size over the header size', async () => {
    const bytes = buildTar([
      gnuLongRecord('L', 'gnu-long-name'),
      paxHeader('x', { path: 'pax-path', size: '11' }, 'PaxHeaders.0/x'),
      tarEntry({ name: 'header-name', style: 'gnu', headerSize: 0, data: 'hello world' }),
      tarEntry({ name: 'after', style: 'gnu' }),
    ]);
    const { entries } = await index(bytes);
    expect(entries.map((entry) => [entry.path, entry.size, entry.headerOffset, entry.dataOffset])).toEqual([
      ['pax-path', 11, 0, 2560],
      ['after', 0, 3072, 3584],
    ]);
  });

  it('reads base-256 numbers; negative ids are reported, negative times kept', async () => {
    const bytes = buildTar([
      tarEntry({ name: 'b256', style: 'gnu', uid: 3_000_000, gid: 7, data: 'abcde', base256: ['uid', 'gid', 'size'] }),
      tarEntry({ name: 'neg', style: 'gnu', uid: -2, mtime: -100 }),
    ]);
    expect(bytes.subarray(108, 116)).toEqual(Uint8Array.from([0x80, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0]));
    const { entries, diagnostics } = await index(bytes);
    expect(entries.map((entry) => [entry.uid, entry.gid, entry.size, entry.mtime.epochNs])).toEqual([
      [3_000_000, 7, 5, 0n],
      [0, 0, 0, -100n * NS],
    ]);
    expect(diagnostics).toStrictEqual([
      {
        severity: 'warning',
        code: 'TAR_BAD_NUMBER',
        message: 'header at offset 1024: uid is negative (-2); read as 0',
      },
    ]);
  });

  it('maps every typeflag to its kind, with device numbers and link targets', async () => {
    const flags: [string, TarEntry['kind']][] = [
      ['0', 'file'],
      ['\u0000', 'file'],
      ['7', 'file'],
      ['1', 'hardlink'],
      ['2', 'symlink'],
      ['3', 'chardev'],
      ['4', 'blockdev'],
      ['5', 'dir'],
      ['6', 'fifo'],
      ['S', 'sparse'],
      ['D', 'dir'],
    ];
    const bytes = buildTar(
      flags.map(([type], i) => tarEntry({ name: `m${i}`, type, linkname: 'target', devmajor: 1, devminor: 3 })),
    );
    const { entries } = await index(bytes);
    expect(
      entries.map((entry) => [entry.typeflag, entry.kind, entry.linkTarget, entry.devMajor, entry.devMinor]),
    ).toEqual(
      flags.map(([type, kind]) => [
        type,
        kind,
        kind.endsWith('link') ? 'target' : undefined,
        kind.endsWith('dev') ? 1 : undefined,
        kind.endsWith('dev') ? 3 : undefined,
      ]),
    );
  });

  it('reads v7 headers, where a trailing slash marks a directory; masks the type bits Docker writes into mode', async () => {
    const bytes = buildTar([
      tarEntry({ name: 'old/', type: '\u0000', style: 'v7', mode: 0o755 }),
      tarEntry({ name: 'old/f', type: '\u0000', style: 'v7', uid: 12 }),
      tarEntry({ name: 'docker', mode: 0o100755 }),
    ]);
    const { entries } = await index(bytes);
    expect(entries.map((entry) => [entry.path, entry.kind, entry.format, entry.mode, entry.uid])).toEqual([
      ['old/', 'dir', 'v7', 0o755, 0],
      ['old/f', 'file', 'v7', 0o644, 12],
      ['docker', 'file', 'ustar', 0o755, 0],
    ]);
  });

  it('accepts the signed checksum of old writers and octal padded with leading spaces', async () => {
    const signed = tarEntry({ name: 'ü-signed', signedChecksum: true });
    expect(new TextDecoder().decode(signed.subarray(148, 154))).not.toBe(
      new TextDecoder().decode(tarEntry({ name: 'ü-signed' }).subarray(148, 154)),
    );
    const spaced = tarHeader({ name: 'spaced' }, bytesOf('spaced'), new Uint8Array(0), 0);
    spaced.set(encoder.encode('   644 \u0000'), 100);
    writeChecksum(spaced);
    const { entries, diagnostics } = await index(buildTar([signed, spaced]));
    expect(diagnostics).toEqual([]);
    expect(entries.map((entry) => [entry.path, entry.mode])).toEqual([
      ['ü-signed', 0o644],
      ['spaced', 0o644],
    ]);
  });

  it('passes over old-GNU sparse map blocks before the data', async () => {
    const header = tarHeader({ name: 'sparse', type: 'S', style: 'gnu' }, bytesOf('sparse'), new Uint8Array(0), 512);
    header[482] = 1;
    writeChecksum(header);
    const bytes = buildTar([
      header,
      new Uint8Array(512),
      new Uint8Array(512).fill(9),
      tarEntry({ name: 'after', style: 'gnu' }),
    ]);
    const { entries, diagnostics } = await index(bytes);
    expect(diagnostics).toEqual([]);
    expect(entries.map((entry) => [entry.path, entry.kind, entry.dataOffset, entry.size])).toEqual([
      ['sparse', 'sparse', 1024, 512],
      ['after', 'file', 2048, 0],
    ]);
  });

  it('recognises tar heads', () => {
    expect(looksLikeTar(tarEntry({ name: 'a' }))).toBe(true);
    expect(looksLikeTar(tarEntry({ name: 'a', style: 'gnu' }))).toBe(true);
    expect(looksLikeTar(tarEntry({ name: 'a', style: 'v7' }))).toBe(true);
    expect(looksLikeTar(tarEntry({ name: '\u0001bad', style: 'v7' }))).toBe(false);
    expect(looksLikeTar(new Uint8Array(1024))).toBe(false);
    expect(looksLikeTar(tarEntry({ name: 'a' }).subarray(0, 511))).toBe(false);
    expect(looksLikeTar(garbage(512))).toBe(false);
  });
});

function garbage(length: number, seed = 1): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state >>> 16;
  });
}

// ----- archives written by the system tar -----

const work = mkdtempSync(join(tmpdir(), 'snapinspect-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const tarEnv = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };

function makeTree(root: string): boolean {
  mkdirSync(join(root, 'dir'), { recursive: true });
  writeFileSync(join(root, 'file.txt'), 'hello\n');
  writeFileSync(join(root, 'exec.sh'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(root, 'suid'), '', { mode: 0o755 });
  chmodSync(join(root, 'suid'), 0o4755);
  mkdirSync(join(root, 'sticky'));
  chmodSync(join(root, 'sticky'), 0o1777);
  writeFileSync(join(root, 'dir', 'nested.bin'), garbage(3000));
  symlinkSync('file.txt', join(root, 'link'));
  linkSync(join(root, 'file.txt'), join(root, 'hard'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  mkdirSync(join(root, 'd'.repeat(60)));
  writeFileSync(join(root, 'd'.repeat(60), 'f'.repeat(60)), 'long\n');
  symlinkSync('x'.repeat(150), join(root, 'longlink'));
  writeFileSync(join(root, 'ünï.txt'), 'ü\n');
  mkdirSync(join(root, 'old'));
  writeFileSync(join(root, 'old', 'inside'), '');
  execFileSync('touch', ['-h', '-d', '@1614834367.123456789', join(root, 'file.txt'), join(root, 'link')]);
  execFileSync('touch', ['-d', '@-100', join(root, 'old')]);
  writeFileSync(join(root, 'bigid.txt'), 'ids\n');
  try {
    execFileSync('chown', ['3000000:3000001', join(root, 'bigid.txt')]);
    return true;
  } catch {
    console.warn('tar tests: cannot chown to a large uid here; the base-256 id case is not exercised');
    return false;
  }
}

interface Listed {
  path: string;
  kind: string;
  size: number;
  mode: number;
  owner: string;
  group: string;
  mtime: bigint;
  linkTarget?: string;
}

const listedKinds: Record<string, string> = {
  '-': 'file',
  d: 'dir',
  l: 'symlink',
  h: 'hardlink',
  p: 'fifo',
  c: 'chardev',
  b: 'blockdev',
};
const permissionBits = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];

function permissions(text: string): number {
  let mode = 0;
  [...text].forEach((char, i) => {
    if (char !== '-' && char !== 'S' && char !== 'T') mode |= permissionBits[i] ?? 0;
    if (char === 's' || char === 'S') mode |= i < 3 ? 0o4000 : 0o2000;
    if (char === 't' || char === 'T') mode |= 0o1000;
  });
  return mode;
}

/** `tar --full-time -tvf` in UTC, one record per member. */
function systemListing(archive: string, numeric: boolean): Listed[] {
  const flags = ['--full-time', '--quoting-style=literal', ...(numeric ? ['--numeric-owner'] : []), '-tvf', archive];
  const text = execFileSync('tar', flags, { encoding: 'utf8', env: tarEnv });
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^(.)(.{9}) (\S+)\/(\S+)\s+(\d+) (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?\s+(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected tar line: ${line}`);
      const [
        ,
        type = '',
        perms = '',
        owner = '',
        group = '',
        size = '',
        day = '',
        time = '',
        fraction = '',
        rest = '',
      ] = match;
      const separator = type === 'l' ? ' -> ' : type === 'h' ? ' link to ' : undefined;
      const [path = '', linkTarget] = separator ? rest.split(separator) : [rest];
      const seconds = BigInt(Date.parse(`${day}T${time}Z`) / 1000);
      const listed: Listed = {
        path,
        kind: listedKinds[type] ?? type,
        size: Number(size),
        mode: permissions(perms),
        owner,
        group,
        mtime: seconds * NS + BigInt(fraction.padEnd(9, '0')),
      };
      return linkTarget === undefined ? listed : { ...listed, linkTarget };
    });
}

function asListed(entry: TarEntry, numeric: boolean): Listed {
  const listed: Listed = {
    path: entry.path,
    kind: entry.kind,
    size: entry.size,
    mode: entry.mode,
    owner: numeric || !entry.uname ? String(entry.uid) : entry.uname,
    group: numeric || !entry.gname ? String(entry.gid) : entry.gname,
    mtime: entry.mtime.epochNs,
  };
  return entry.linkTarget === undefined ? listed : { ...listed, linkTarget: entry.linkTarget };
}

async function expectMatchesSystemTar(archive: string): Promise<void> {
  const bytes = readFileSync(archive);
  const result = await indexTar(new FileSource(archive, statSync(archive).size));
  expect(result.diagnostics).toEqual([]);
  expect(result.ended).toBe(true);
  for (const numeric of [false, true])
    expect(result.entries.map((entry) => asListed(entry, numeric))).toStrictEqual(systemListing(archive, numeric));
  const data = new Map<TarEntry, Uint8Array[]>();
  const onData = (entry: TarEntry, chunk: Uint8Array): void =>
    void data.set(entry, [...(data.get(entry) ?? []), chunk.slice()]);
  for (const chunkSize of [1, 7, 4096]) {
    data.clear();
    const parser = new TarStreamParser({ onData });
    for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, i + chunkSize));
    const streamed = parser.end();
    expect(streamed).toStrictEqual(result);
    for (const entry of streamed.entries)
      expect(concat(data.get(entry) ?? [])).toEqual(
        Uint8Array.from(bytes.subarray(entry.dataOffset, entry.dataOffset + entry.size)),
      );
  }
}

describe('archives written by the system tar match `tar -tvf`', () => {
  const root = join(work, 'tree');
  const bigIds = makeTree(root);
  const create = (name: string, args: string[]): string => {
    const archive = join(work, name);
    execFileSync('tar', ['-cf', archive, ...args], { env: tarEnv });
    return archive;
  };

  it('GNU tar --format=gnu (long-name records, base-256 ids, negative mtime)', async () => {
    await expectMatchesSystemTar(create('gnu.tar', ['--format=gnu', '-C', root, '.']));
  });

  it('GNU tar --format=posix (PAX records with nanosecond times), members named without ./', async () => {
    const archive = create('posix.tar', [
      '--format=posix',
      '-C',
      root,
      ...execFileSync('ls', ['-A', root], { encoding: 'utf8' }).split('\n').filter(Boolean),
    ]);
    await expectMatchesSystemTar(archive);
    const entries = (await indexTar(new FileSource(archive, statSync(archive).size))).entries;
    expect(entries.find((entry) => entry.path === 'file.txt')?.mtime.epochNs).toBe(1_614_834_367_123_456_789n);
    if (bigIds)
      expect(entries.find((entry) => entry.path === 'bigid.txt')).toMatchObject({ uid: 3_000_000, gid: 3_000_001 });
  });

  it('GNU tar --format=ustar (prefix split), leaving out what ustar cannot hold', async () => {
    await expectMatchesSystemTar(
      create('ustar.tar', [
        '--format=ustar',
        '--exclude=./longlink',
        '--exclude=./old',
        '--exclude=./bigid.txt',
        '-C',
        root,
        '.',
      ]),
    );
  });

  it('tar -cf - . from inside the folder', async () => {
    const archive = join(work, 'stdout.tar');
    writeFileSync(
      archive,
      execFileSync('tar', ['-cf', '-', '.'], { cwd: root, env: tarEnv, maxBuffer: 64 * 1024 * 1024 }),
    );
    await expectMatchesSystemTar(archive);
  });

  const busybox = (() => {
    try {
      execFileSync('busybox', ['tar', '--help'], { stdio: 'ignore' });
      return true;
    } catch {
      console.warn('SKIPPED busybox tar case: busybox is not installed');
      return false;
    }
  })();
  it.skipIf(!busybox)('busybox tar', async () => {
    const archive = join(work, 'busybox.tar');
    execFileSync('busybox', ['tar', '-cf', archive, '-C', root, '.'], { env: tarEnv });
    await expectMatchesSystemTar(archive);
  });
});

// ----- broken and hostile input -----

const small = buildTar([
  tarEntry({ name: 'a.txt', data: 'A'.repeat(700) }),
  tarEntry({ name: 'dir/', type: '5', mode: 0o755 }),
  tarEntry({ name: `${'long/'.repeat(25)}name.txt`, style: 'gnu', data: 'long' }),
  tarEntry({
    name: 'pax.txt',
    style: 'pax',
    mtimeNs: 5_500_000_000n,
    data: 'B'.repeat(1500),
    pax: { 'SCHILY.xattr.user.a': 'b' },
  }),
  tarEntry({ name: 'empty' }),
]);

describe('broken tars', () => {
  it('survives truncation at every multiple of 97 bytes, keeping what was read', async () => {
    const full = (await index(small)).entries;
    const last = full[full.length - 1];
    const membersEnd = (last?.dataOffset ?? 0) + Math.ceil((last?.size ?? 0) / 512) * 512;
    const boundaries = new Set([...full.map((entry) => entry.headerOffset), membersEnd]);
    for (let cut = 0; cut < small.length; cut += 97) {
      const result = await index(small.subarray(0, cut));
      expect(result.size).toBe(cut);
      expect(result.ended).toBe(false);
      const inData = full.find(
        (entry) => cut > entry.dataOffset && cut < entry.dataOffset + Math.ceil(entry.size / 512) * 512,
      );
      const cleanCut = cut >= membersEnd || boundaries.has(cut);
      expect(codes(result), `cut at ${cut}`).toEqual([cleanCut ? 'TAR_NO_END_MARKER' : 'TAR_TRUNCATED']);
      result.entries.forEach((entry, i) => {
        if (entry === inData || entry.path === inData?.path)
          expect(entry).toStrictEqual(
            cut - inData.dataOffset < inData.size ? { ...inData, present: cut - inData.dataOffset } : inData,
          );
        else expect(entry).toStrictEqual(full[i]);
      });
      if (inData) expect(result.diagnostics[0]?.path).toBe(inData.path);
    }
  });

  it('reports a cut mid-header and a cut mid-data exactly', async () => {
    expect((await index(small.subarray(0, 1536 + 100))).diagnostics).toStrictEqual([
      {
        severity: 'error',
        code: 'TAR_TRUNCATED',
        message: 'archive ends inside the header at offset 1536: 412 of 512 bytes missing',
      },
    ]);
    const midData = await index(small.subarray(0, 512 + 300));
    expect(midData.diagnostics).toStrictEqual([
      {
        severity: 'error',
        code: 'TAR_TRUNCATED',
        path: 'a.txt',
        message: 'a.txt is cut short: 700 bytes declared, 300 present, 400 missing (data at offset 512)',
      },
    ]);
    expect(midData.entries.map((entry) => [entry.path, entry.size, entry.present])).toEqual([['a.txt', 700, 300]]);
  });

  it('skips a header with a bad checksum to the next valid one, saying where and how much, as GNU tar does', async () => {
    const bytes = small.slice();
    bytes[1536 + 3] = (bytes[1536 + 3] ?? 0) ^ 0x40;
    const result = await index(bytes);
    expect(result.entries.map((entry) => entry.path)).toEqual([
      'a.txt',
      `${'long/'.repeat(25)}name.txt`,
      'pax.txt',
      'empty',
    ]);
    expect(result.diagnostics).toStrictEqual([
      {
        severity: 'error',
        code: 'TAR_BAD_CHECKSUM',
        message:
          'header at offset 1536 has a bad checksum; skipped 512 bytes to the next valid header at offset 2048: members stored there are lost',
      },
    ]);
    expect([result.size, result.ended]).toEqual([small.length, true]);
  });

  it('rejects garbage and handles empty input', async () => {
    const noise = await index(garbage(4096, 7));
    expect([noise.entries, noise.diagnostics.map((d) => d.message), noise.size]).toEqual([
      [],
      ['header at offset 0 has a bad checksum and no valid header follows: the last 4096 bytes are lost'],
      4096,
    ]);
    expect(await index(new Uint8Array(0))).toStrictEqual({
      entries: [],
      diagnostics: [
        {
          severity: 'warning',
          code: 'TAR_NO_END_MARKER',
          message: 'archive ends at offset 0 without the two zero blocks that close a tar',
        },
      ],
      size: 0,
      ended: false,
    });
  });

  it('accepts GNU padding, reports garbage after the end, a missing or half end marker and a lone zero block', async () => {
    const members = [tarEntry({ name: 'a', data: 'a' }), tarEntry({ name: 'b' })];
    const padded = await index(buildTar(members, { padTo10240: true }));
    expect([padded.entries.length, padded.diagnostics, padded.size, padded.ended]).toEqual([2, [], 2560, true]);
    const trailing = await index(concat([buildTar(members, { padTo10240: true }), encoder.encode('junk')]));
    expect(trailing.diagnostics).toStrictEqual([
      {
        severity: 'warning',
        code: 'TAR_TRAILING_GARBAGE',
        message: 'non-zero bytes after the end-of-archive marker, the first at offset 10240',
      },
    ]);
    expect([trailing.entries.length, trailing.ended]).toEqual([2, true]);
    const none = await index(buildTar(members, { endBlocks: 0 }));
    expect([none.entries.length, codes(none), none.ended]).toEqual([2, ['TAR_NO_END_MARKER'], false]);
    const half = await index(buildTar(members, { endBlocks: 1 }));
    expect(half.diagnostics[0]?.message).toBe(
      'archive ends at offset 2048 without the two zero blocks that close a tar (only one zero block, at offset 1536)',
    );
    const lone = await index(
      buildTar([members[0] ?? new Uint8Array(0), new Uint8Array(512), members[1] ?? new Uint8Array(0)]),
    );
    expect([lone.entries.map((entry) => entry.path), codes(lone), lone.ended]).toEqual([
      ['a', 'b'],
      ['TAR_LONE_ZERO_BLOCK'],
      true,
    ]);
  });

  it('skips malformed PAX records but keeps the good ones', async () => {
    const payload = concat([
      encoder.encode('99 path=short\n3 x=\n'),
      paxRecords({ mtime: '42.5' }),
      encoder.encode('12 path=past-the-end\n'),
    ]);
    const result = await index(
      buildTar([paxHeader('x', payload, 'PaxHeaders.0/lying'), tarEntry({ name: 'lying.txt' })]),
    );
    expect(result.entries.map((entry) => [entry.path, entry.mtime.epochNs, entry.pax])).toEqual([
      ['lying.txt', 42_500_000_000n, { mtime: '42.5' }],
    ]);
    expect(codes(result)).toEqual(['TAR_BAD_PAX_RECORD', 'TAR_BAD_PAX_RECORD', 'TAR_BAD_PAX_RECORD']);
    const badValues = await index(
      buildTar([
        paxHeader('x', { size: '12x', mtime: 'yesterday', uid: '9'.repeat(40) }),
        tarEntry({ name: 'v', uid: 4 }),
      ]),
    );
    expect(badValues.entries.map((entry) => [entry.size, entry.mtime.epochNs, entry.uid])).toEqual([
      [0, 0n, Number.MAX_SAFE_INTEGER],
    ]);
    expect(codes(badValues)).toEqual(['TAR_BAD_NUMBER', 'TAR_BAD_PAX_RECORD', 'TAR_BAD_PAX_RECORD']);
  });

  it('treats absurd sizes as truncation, without allocating or hanging', async () => {
    const huge = await index(
      buildTar([tarEntry({ name: 'huge', style: 'gnu', headerSize: 2n ** 80n, base256: ['size'], data: 'abc' })]),
    );
    expect(codes(huge)).toEqual(['TAR_BAD_NUMBER', 'TAR_TRUNCATED']);
    expect(huge.entries.map((entry) => [entry.path, entry.size, entry.present])).toEqual([
      ['huge', Number.MAX_SAFE_INTEGER, 1536],
    ]);
    const pastEnd = await index(buildTar([tarEntry({ name: 'past', headerSize: 10 ** 12 })]));
    expect([codes(pastEnd), pastEnd.entries[0]?.size, pastEnd.entries[0]?.present]).toEqual([
      ['TAR_TRUNCATED'],
      10 ** 12,
      1024,
    ]);
  });

  it('skips an extension record over 1 MiB and reads on', async () => {
    const result = await index(
      buildTar([
        paxHeader('x', new Uint8Array(2 * 1024 * 1024 + 5).fill(0x41), 'PaxHeaders.0/big'),
        tarEntry({ name: 'after' }),
      ]),
    );
    expect(result.diagnostics).toStrictEqual([
      {
        severity: 'error',
        code: 'TAR_EXTENSION_TOO_LARGE',
        message: "extension header 'x' at offset 0 claims 2097157 bytes (limit pathBytes=1048576); skipped",
      },
    ]);
    expect(result.entries.map((entry) => [entry.path, entry.headerOffset, entry.dataOffset])).toEqual([
      ['after', 0, 2 * 1024 * 1024 + 1024 + 512],
    ]);
  });

  it('reports an extension record that no member follows', async () => {
    const result = await index(buildTar([tarEntry({ name: 'a' }), gnuLongRecord('L', 'orphan')]));
    expect([result.entries.length, codes(result), result.ended]).toEqual([1, ['TAR_DANGLING_EXTENSION'], true]);
    const cut = await index(concat([tarEntry({ name: 'a' }), gnuLongRecord('L', 'orphan')]));
    expect(cut.diagnostics.map((entry) => entry.message)).toEqual([
      'archive ends after the extension header at offset 512, before the member it describes',
    ]);
  });

  it('stops after maxEntries members', async () => {
    const bytes = buildTar(
      Array.from({ length: 5 }, (_, i) => tarEntry({ name: `f${i}`, style: 'pax', pax: { comment: String(i) } })),
    );
    const result = await index(bytes, { maxEntries: 3 });
    expect([result.entries.length, codes(result), result.size]).toEqual([3, ['TAR_TOO_MANY_ENTRIES'], 3 * 1536]);
  });
});

// ----- scale and read pattern -----

describe('tar scale', () => {
  it('indexes 100k empty members in one pass of large reads', async () => {
    const header = tarEntry({ name: 'template' });
    const bytes = buildTar(
      Array.from({ length: 100_000 }, (_, i) => {
        const copy = header.slice();
        copy.set(encoder.encode(`f/${i}\u0000`), 0);
        writeChecksum(copy);
        return copy;
      }),
    );
    const counting = new CountingSource(new BytesSource(bytes));
    const result = await indexTar(counting);
    // The work, counted instead of timed: every byte read once, in about 1 MiB windows (53 reads).
    expect([counting.bytesRead, counting.reads < 100]).toEqual([bytes.length, true]);
    expect([result.entries.length, result.diagnostics, result.entries[99_999]?.path]).toEqual([100_000, [], 'f/99999']);
    expect(streamIndex(bytes, 65_536).entries.length).toBe(100_000);
  });

  it('reads runs of small members in large windows and never reads the data of large ones', async () => {
    const manySmall = new CountingSource(
      new BytesSource(
        buildTar(Array.from({ length: 10_000 }, (_, i) => tarEntry({ name: `s${i}`, data: 'x'.repeat(100) }))),
      ),
    );
    expect((await indexTar(manySmall)).entries.length).toBe(10_000);
    expect(manySmall.reads).toBeLessThan(20);
    const big = new Uint8Array(3 * 1024 * 1024).fill(1);
    const fewLarge = new CountingSource(
      new BytesSource(buildTar(Array.from({ length: 20 }, (_, i) => tarEntry({ name: `l${i}`, data: big })))),
    );
    expect((await indexTar(fewLarge)).entries.length).toBe(20);
    expect(fewLarge.bytesRead).toBeLessThan(21 * 64 * 1024);
  });
});

// ----- real docker export -----

const dockerExport = fileURLToPath(new URL('../../../../shared/corpus/docker/tiny-export-t1.tar', import.meta.url));
const hasExport = existsSync(dockerExport);
if (!hasExport) console.warn(`SKIPPED docker export case: ${dockerExport} is absent`);

describe.skipIf(!hasExport)('docker export corpus', () => {
  it('indexes tiny-export-t1.tar exactly', async () => {
    const bytes = readFileSync(dockerExport);
    const result = await indexTar(new FileSource(dockerExport, bytes.length));
    expect(streamIndex(bytes, 4096)).toStrictEqual(result);
    const { entries } = result;
    const count = (kind: string): number => entries.filter((entry) => entry.kind === kind).length;
    expect([entries.length, count('file'), count('dir'), count('symlink')]).toEqual([45, 10, 16, 19]);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('bin/busybox')).toMatchObject({ size: 1_982_256, mode: 0o755 });
    expect(byPath.get('root/link')).toMatchObject({ kind: 'symlink', linkTarget: '/root/hello.txt' });
    expect(byPath.get('.dockerenv')).toMatchObject({ mode: 0o755, size: 0 });
    expect(entries.every((entry) => entry.uid === 0 && entry.gid === 0 && entry.uname === 'root')).toBe(true);
    expect([result.diagnostics, result.ended]).toEqual([[], true]);
  });
});
