import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, linkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';

interface Listed {
  path: string;
  kind: string;
  size: number;
  mode: string;
  linkTarget: string | null;
}

const kinds: Record<string, string> = {
  '-': 'file',
  d: 'dir',
  l: 'symlink',
  h: 'hardlink',
  p: 'fifo',
  c: 'device',
  b: 'device',
};

/** `tar --full-time -tvf` lines as the fields snapinspect's ls --json reports. */
function systemListing(archive: string): Listed[] {
  const text = execFileSync('tar', ['--full-time', '--quoting-style=literal', '-tvf', archive], { encoding: 'utf8' });
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^(\S)(\S{9})\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected tar line: ${line}`);
      const [, type = '', perms = '', size = '0', rest = ''] = match;
      const [name = '', target] = type === 'l' ? rest.split(' -> ') : type === 'h' ? rest.split(' link to ') : [rest];
      const path = name.replace(/^\.\//, '').replace(/\/$/, '');
      return {
        path,
        kind: kinds[type] ?? type,
        size: Number(size),
        mode: modeFromPerms(perms),
        linkTarget: target === undefined ? null : target.replace(/^\.\//, ''),
      };
    })
    .filter((entry) => entry.path !== '' && entry.path !== '.');
}

function modeFromPerms(perms: string): string {
  let mode = 0;
  [...perms].forEach((char, index) => {
    if (char !== '-') mode |= 1 << (8 - index);
  });
  return `0${mode.toString(8).padStart(3, '0')}`;
}

function makeTree(root: string): void {
  mkdirSync(join(root, 'etc/app'), { recursive: true });
  writeFileSync(join(root, 'etc/app/config.ini'), 'a=1\n');
  chmodSync(join(root, 'etc/app/config.ini'), 0o600);
  writeFileSync(join(root, 'data.bin'), Buffer.alloc(70000, 7));
  linkSync(join(root, 'data.bin'), join(root, 'data-hardlink.bin'));
  symlinkSync('etc/app/config.ini', join(root, 'config-link'));
  symlinkSync(`/${'t'.repeat(150)}`, join(root, 'long-target'));
  const longDir = join(root, 'd'.repeat(60), 'e'.repeat(60));
  mkdirSync(longDir, { recursive: true });
  writeFileSync(join(longDir, `${'f'.repeat(80)}.txt`), 'long\n');
  writeFileSync(join(root, 'ünïcode.txt'), 'ü\n');
  execFileSync('mkfifo', [join(root, 'pipe')]);
  utimesSync(join(root, 'data.bin'), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
}

describe('ls --json agrees with the system tar', () => {
  const dir = tempDir();
  const tree = join(dir, 'tree');
  makeTree(tree);

  it.each([
    ['GNU format', ['--format=gnu']],
    ['POSIX pax format', ['--format=posix']],
    ['gzip-compressed GNU', ['--format=gnu', '-z']],
  ])('%s', async (label, flags) => {
    const archive = join(dir, `${label.replace(/\W+/g, '-')}.tar`);
    execFileSync('tar', ['-cf', archive, ...flags, '-C', tree, '.']);
    const expected = systemListing(archive).sort((a, b) => (a.path < b.path ? -1 : 1));
    const { code, stdout } = await cli(['ls', '-R', '--json', archive]);
    expect(code).toBe(0);
    const actual = (JSON.parse(stdout) as (Listed & { linkTarget?: string })[])
      .map(({ path, kind, size, mode, linkTarget }) => ({ path, kind, size, mode, linkTarget: linkTarget ?? null }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(actual).toEqual(expected);
  });
});
