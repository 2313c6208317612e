/**
 * Hostile names and paths in archives (untrusted names must not reach the terminal raw): an ANSI clear-screen member name never reaches
 * the terminal through ls, info, diff or verify; invalid UTF-8 is shown as escapes; `..`, absolute
 * paths, duplicates, shadowed directories, missing hard-link targets and symlink loops (in a tar,
 * across image layers, in a folder) are shown as data with diagnostics and never followed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers/cli.js';
import { buildImage, dir, file, hardlink, symlink } from '../helpers/image-builder.js';
import { outputProblems } from '../helpers/invariants.js';
import { writeLxdDirPool } from '../helpers/lxd-builder.js';
import { buildTar, concat, padToBlock, tarEntry, tarHeader } from '../helpers/tar-builder.js';

const root = tempDir();
const write = (name: string, bytes: Uint8Array): string => {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
};

/** Runs a command on a pipe and on a terminal; neither may carry an ESC or a C1 CSI byte. */
async function bothWays(args: string[]): Promise<CliResult> {
  const [pipe, tty] = [await cli(args), await cli(args, { tty: true })];
  for (const result of [pipe, tty]) {
    expect(outputProblems(args, result), args.join(' ')).toEqual([]);
    expect(result.stdout.includes('\u009b') || result.stderr.includes('\u001b'), args.join(' ')).toBe(false);
  }
  expect(tty.stdout).toBe(pipe.stdout);
  return pipe;
}

const diagnosticsOf = async (path: string): Promise<string[]> =>
  (
    JSON.parse((await cli(['info', '--json', path])).stdout) as {
      diagnostics: { code: string; path?: string; message: string }[];
    }
  ).diagnostics.map((d) => `${d.code} ${d.path ?? ''}: ${d.message}`);

describe('a tar member named with an ANSI clear-screen sequence', () => {
  const evil = '\u001b[2J\u001b[31mevil.txt';
  const before = write(
    'before.tar',
    buildTar(
      [
        dir('etc'),
        file(evil, 'line1\n\u001b[2Jbefore\n'),
        symlink('link', '\u001b]0;title\u0007target'),
        file('etc/\u009b31mc1', 'x'),
      ].map(tarEntry),
    ),
  );
  const after = write(
    'after.tar',
    buildTar(
      [
        dir('etc'),
        file(evil, 'line1\n\u001b[2Jafter\n'),
        symlink('link', '\u001b]0;title\u0007other'),
        file('etc/\u009b31mc1', 'x'),
        file('new\u001b[Hname', 'n'),
      ].map(tarEntry),
    ),
  );

  it('is listed with visible escapes, name and link target alike', async () => {
    const { stdout } = await bothWays(['ls', '-R', '-l', before]);
    expect(stdout.split('\n').map((line) => line.replace(/^.* \d\d:\d\d:\d\d /, ''))).toEqual([
      '\\x1b[2J\\x1b[31mevil.txt',
      'etc/',
      'etc/\\x9b31mc1',
      'link -> \\x1b]0;title\\x07target',
      '',
    ]);
    expect((await bothWays(['ls', before])).stdout).toBe('\\x1b[2J\\x1b[31mevil.txt\netc/\nlink\n');
  });

  it('is shown escaped by info, for the snapshot and for the entry itself', async () => {
    expect((await bothWays(['info', before])).stdout).toContain('\n  \\x1b[2J\\x1b[31mevil.txt        17 B  file  \n');
    expect((await bothWays(['info', `${before}:${evil}`])).stdout).toMatch(/^Path: +\\x1b\[2J\\x1b\[31mevil\.txt\n/);
  });

  it('is diffed escaped, text diff of its contents included; --json keeps the exact name as JSON', async () => {
    const { stdout } = await bothWays(['diff', '--text-diff', before, after]);
    expect(stdout).toContain('  M \\x1b[2J\\x1b[31mevil.txt  17 B → 16 B; content differs from byte 10\n');
    expect(stdout).toContain('  m link  target \\x1b]0;title\\x07target → \\x1b]0;title\\x07other\n');
    expect(stdout).toContain('  + new\\x1b[Hname  1 B\n');
    expect(stdout).toContain(
      '--- a/\\x1b[2J\\x1b[31mevil.txt\n+++ b/\\x1b[2J\\x1b[31mevil.txt\n@@ -1,2 +1,2 @@\n line1\n-\\x1b[2Jbefore\n+\\x1b[2Jafter\n',
    );
    const json = JSON.parse((await bothWays(['diff', '--json', before, after])).stdout) as {
      files: { path: string; change: string }[];
    };
    expect(json.files.map((entry) => [entry.path, entry.change])).toEqual([
      [evil, 'modified'],
      ['link', 'metadata'],
      ['new\u001b[Hname', 'added'],
    ]);
  });

  it('reaches the terminal raw only through cat on a pipe or with --raw', async () => {
    expect((await cli(['cat', `${before}:${evil}`], { tty: true })).stdout).toBe('line1\n\\x1b[2Jbefore\n');
    expect((await cli(['cat', `${before}:${evil}`])).stdout).toBe('line1\n\u001b[2Jbefore\n');
    expect((await cli(['cat', '--raw', `${before}:${evil}`], { tty: true })).stdout).toBe('line1\n\u001b[2Jbefore\n');
  });
});

describe('a tar member name that is not UTF-8', () => {
  it('is listed byte by byte', async () => {
    const name = Uint8Array.from([0x66, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a]);
    const member = concat([
      tarHeader({ name: '', mode: 0o644, mtime: 0 }, name, new Uint8Array(0), 1),
      padToBlock(Uint8Array.from([0x78])),
    ]);
    const path = write('latin1.tar', buildTar([member]));
    expect((await bothWays(['ls', path])).stdout).toBe('f\\xff\\xfe\\x1b[2J\n');
  });
});

describe('paths that try to leave the snapshot or confuse it', () => {
  const tar = write(
    'paths.tar',
    buildTar(
      [
        file('../../etc/passwd', 'fake'),
        file('/abs/x', 'abs'),
        file('dup', 'one'),
        file('dup', 'two'),
        file('d', 'file'),
        file('d/x', 'below'),
        hardlink('hl', 'missing'),
        symlink('loop', 'loop'),
        symlink('a', 'b'),
        symlink('b', 'a'),
        symlink('up', '..'),
        symlink('c', 'a'),
      ].map(tarEntry),
    ),
  );

  it('are listed as data, each with its diagnostic', async () => {
    expect((await bothWays(['ls', '-R', tar])).stdout).toBe(
      'a\nabs/\nabs/x\nb\nc\nd/\nd/x\ndup\netc/\netc/passwd\nhl\nloop\nup\n',
    );
    expect(await diagnosticsOf(tar)).toEqual([
      'TAR_PATH_ESCAPE etc/passwd: member ../../etc/passwd points outside the archive root; shown as etc/passwd',
      'TAR_PATH_ESCAPE abs/x: member /abs/x points outside the archive root; shown as abs/x',
      'TAR_NOT_A_DIRECTORY d: d is a file but later members sit below it; it is shown as a directory',
      'TAR_HARDLINK_MISSING hl: hard link hl points at missing, which is not a file in the archive',
      'TAR_SYMLINK_LOOP a: symlink loop: a -> b -> a',
      'TAR_SYMLINK_LOOP loop: symlink loop: loop -> loop',
      'TAR_DUPLICATE dup: dup appears more than once; the later member wins, as on extraction',
    ]);
  });

  it('never resolve outside the archive, through links or otherwise', async () => {
    expect((await cli(['cat', `${tar}:etc/passwd`])).stdout).toBe('fake');
    expect((await cli(['cat', `${tar}:dup`])).stdout).toBe('two');
    for (const [inner, code] of [
      ['loop', 'NOT_A_FILE'],
      ['a', 'NOT_A_FILE'],
      ['hl', 'NOT_A_FILE'],
      ['up/etc/passwd', 'NO_SUCH_ENTRY'],
      ['../../../etc/hostname', 'NO_SUCH_ENTRY'],
    ] as const) {
      const result = await cli(['cat', `${tar}:${inner}`]);
      expect([result.code, /\((\w+)\)\n$/.exec(result.stderr)?.[1]], inner).toEqual([2, code]);
    }
  });

  it('a loop across image layers is found in the merged tree', async () => {
    const image = write(
      'loops.tar',
      buildImage('legacy', {
        layers: [
          [dir('d'), file('d/f', '1'), symlink('l1', 'l2')],
          [symlink('d', 'd'), symlink('l2', '/l1')],
        ],
      }),
    );
    expect(
      (await bothWays(['ls', '-R', '-l', image])).stdout
        .split('\n')
        .map((line) => line.replace(/^.* \d\d:\d\d:\d\d /, '')),
    ).toEqual(['d -> d', 'l1 -> l2', 'l2 -> /l1', '']);
    expect(await diagnosticsOf(image)).toEqual([
      'TAR_SYMLINK_LOOP d: symlink loop: d -> d',
      'TAR_SYMLINK_LOOP l1: symlink loop: l1 -> l2 -> l1',
    ]);
    expect((await cli(['cat', `${image}:d/f`])).stderr).toMatch(/\(NO_SUCH_ENTRY\)\n$/);
  });

  it('loops and links to / in a folder snapshot are listed, never followed', async () => {
    const instance = writeLxdDirPool(join(root, 'pool'), {
      files: {
        'etc/hostname': 'x\n',
        loop: { link: 'loop' },
        a: { link: 'b' },
        b: { link: 'a' },
        'sub/up': { link: '..' },
        'sub/root': { link: '/' },
      },
    });
    const listing = (await bothWays(['ls', '-R', instance])).stdout;
    expect(listing).toBe('a\nb\netc/\netc/hostname\nloop\nsub/\nsub/root\nsub/up\n');
    expect((await diagnosticsOf(instance)).filter((line) => line.startsWith('SYMLINK_LOOP'))).toEqual([
      'SYMLINK_LOOP a: symlink loop: a -> b -> a',
      'SYMLINK_LOOP loop: symlink loop: loop -> loop',
    ]);
    for (const inner of ['loop', 'sub/up/etc/hostname', 'sub/root/etc/passwd'])
      expect((await cli(['cat', `${instance}:${inner}`])).code, inner).toBe(2);
  });
});

describe('metadata strings', () => {
  it('from a descriptor are shown with visible escapes in info, ls -l and verify', async () => {
    const evil = '\u001b[2J\u001b]0;owned\u0007\u009b31m';
    const container = {
      Id: 'c0ffee',
      Name: `/web${evil}`,
      Created: '2026-11-22T01:11:18Z',
      Image: 'sha256:base',
      State: { Status: evil },
      Config: { Image: `web${evil}`, Env: [`PATH=/bin${evil}`], Labels: { [evil]: evil } },
      Mounts: [],
    };
    const path = write('inspect.json', new TextEncoder().encode(JSON.stringify([container])));
    const info = (await bothWays(['info', path])).stdout;
    expect(info).toContain('\\x1b[2J\\x1b]0;owned\\x07\\x9b31m');
    await bothWays(['ls', '-R', '-l', path]);
    await bothWays(['verify', path]);
    await bothWays(['info', `${path}:env/PATH`]);
  });
});
