import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, corpusRoot } from '../helpers/cli.js';

const docker = join(corpusRoot, 'docker');
const present = existsSync(join(docker, 'tiny-export-t1.tar'));
if (!present) console.warn(`SKIPPED docker corpus suite: ${docker} not found (the shared corpus sits beside the repo)`);

interface LsEntry {
  path: string;
  kind: string;
  size: number;
  mode: string;
  uid: number;
  gid: number;
  mtime: string;
  linkTarget?: string;
  flags?: string[];
}

async function lsJson(path: string): Promise<LsEntry[]> {
  const { code, stdout, stderr } = await cli(['ls', '-R', '--json', path]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as LsEntry[];
}

const count = (entries: LsEntry[], kind: string): number => entries.filter((entry) => entry.kind === kind).length;

describe.skipIf(!present)('shared corpus: docker artifacts (ground truth in corpus/README.md)', () => {
  it('reads tiny-export-t1.tar as a docker export with the exact entries', async () => {
    const info = JSON.parse((await cli(['info', '--json', join(docker, 'tiny-export-t1.tar')])).stdout);
    expect(info.format).toBe('docker-export');
    expect(info.metadata.archive).toMatchObject({
      compression: 'none',
      members: 45,
      kinds: { dir: 16, file: 10, symlink: 19 },
    });
    const entries = await lsJson(join(docker, 'tiny-export-t1.tar'));
    expect([count(entries, 'file'), count(entries, 'dir'), count(entries, 'symlink')]).toEqual([10, 16, 19]);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('bin/busybox')).toMatchObject({
      kind: 'file',
      size: 1982256,
      mode: '0755',
      mtime: '2026-11-22T01:11:08Z',
      uid: 0,
      gid: 0,
    });
    expect(byPath.get('bin/sh')).toMatchObject({ kind: 'symlink', linkTarget: 'busybox', mode: '0777' });
    expect(byPath.get('root/link')).toMatchObject({
      kind: 'symlink',
      linkTarget: '/root/hello.txt',
      mtime: '2026-11-22T01:11:18Z',
    });
    expect(byPath.get('usr/share/app/app.conf')).toMatchObject({ size: 20, mode: '0600' });
    expect(byPath.get('var/lib/app/db/rows.txt')).toMatchObject({ size: 8893, mode: '0644' });
    expect(byPath.get('etc/mtab')).toMatchObject({ kind: 'symlink', linkTarget: '/proc/mounts' });
    for (const stub of ['.dockerenv', 'etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev/console']) {
      expect(byPath.get(stub), stub).toMatchObject({ size: 0, mode: '0755', flags: ['stub'] });
    }
    expect(byPath.has('etc/os-release')).toBe(false);
  });

  it('cats member contents out of the export', async () => {
    const hello = await cli(['cat', `${join(docker, 'tiny-export-t1.tar')}:root/hello.txt`]);
    expect(hello.stdout).toBe('hello\n');
    const conf = await cli(['cat', `${join(docker, 'tiny-export-t2.tar')}:usr/share/app/app.conf`]);
    expect(conf.stdout).toBe('key=value\nmode=prod\n');
    const rows = await cli(['cat', `${join(docker, 'tiny-export-t1.tar')}:var/lib/app/db/rows.txt`]);
    expect(rows.stdout.split('\n').filter(Boolean)).toHaveLength(2000);
  });

  it('reads tiny-export-t2.tar: 46 entries with its own changes', async () => {
    const entries = await lsJson(join(docker, 'tiny-export-t2.tar'));
    expect([entries.length, count(entries, 'file'), count(entries, 'dir'), count(entries, 'symlink')]).toEqual([
      46, 12, 16, 18,
    ]);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('etc/os-release')).toMatchObject({ size: 25, mtime: '2020-01-01T00:00:00Z' });
    expect(byPath.get('etc/newfile')).toMatchObject({ size: 4, mode: '0644' });
    expect(byPath.get('root/hello.txt')).toMatchObject({ size: 12 });
    expect(byPath.has('root/link')).toBe(false);
  });

  it('reads tiny-vol.tar.gz (busybox, gzip) as a filesystem tarball', async () => {
    const path = join(docker, 'tiny-vol.tar.gz');
    const info = JSON.parse((await cli(['info', '--json', path])).stdout);
    expect(info.format).toBe('tar');
    expect(info.variant).toBe('gzip');
    expect(info.metadata).toMatchObject({ writer: 'busybox tar', root_mode: '0755', root_owner: '0:0' });
    expect(info.metadata.archive).toMatchObject({ compression: 'gzip', members: 5, header_format: 'gnu' });
    const entries = await lsJson(path);
    expect(entries.map((entry) => [entry.path, entry.kind, entry.size, entry.mode, entry.linkTarget ?? null])).toEqual([
      ['app.conf', 'file', 4, '0644', null],
      ['db', 'dir', 0, '0755', null],
      ['db/rows.txt', 'file', 23893, '0644', null],
      ['latest', 'symlink', 0, '0777', 'db/rows.txt'],
    ]);
    expect(entries.every((entry) => entry.mtime === '2026-11-22T01:11:20Z' && entry.uid === 0)).toBe(true);
    const rows = await cli(['cat', `${path}:db/rows.txt`]);
    expect(rows.stdout.split('\n').filter(Boolean)).toHaveLength(5000);
  });

  it('reads tiny-inspect-t1.json as container metadata', async () => {
    const info = JSON.parse((await cli(['info', '--json', join(docker, 'tiny-inspect-t1.json')])).stdout);
    expect(info.format).toBe('docker-inspect');
    expect(info.metadata).toMatchObject({
      id: '8fdd998a17805e387cd0f7833019fe222af2a5f99fa16704836baafb2f7d045f',
      name: '/t1',
      created: '2026-11-22T01:11:18.2638591Z',
      image: 'sha256:834eda1cd7dab8277cc921c3a4e7e6db26c95a3e73a43c8ad76f7c7d7dbfd581',
      config_image: 'tiny:1',
      path: 'sh',
      mounts: [],
    });
    expect(info.metadata.state).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(info.metadata.config.Env).toBeNull();
    expect(info.metadata.config.Cmd[0]).toBe('sh');
    expect(info.metadata.storage).toMatchObject({ Driver: 'vfs', GraphDriver: { Data: null, Name: 'vfs' } });
  });

  it('verifies the exports: complete tars, no findings', async () => {
    for (const name of ['tiny-export-t1.tar', 'tiny-export-t2.tar', 'tiny-vol.tar.gz']) {
      const { code, stdout } = await cli(['verify', '--json', join(docker, name)]);
      expect(JSON.parse(stdout).findings, name).toEqual([]);
      expect(code).toBe(0);
    }
  });
});
