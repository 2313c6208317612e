import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, tempDir } from '../helpers/cli.js';
import { writeLxdDirPool } from '../helpers/lxd-builder.js';
import { buildTar, tarEntry } from '../helpers/tar-builder.js';

// Entries of a folder snapshot that must be listed but never opened, and names built to drive the
// terminal: every command must keep them harmless.

describe('a Unix socket inside a folder snapshot', () => {
  const root = tempDir();
  const instance = writeLxdDirPool(root, {});
  const socketPath = join(instance, 'rootfs', 'run.sock');
  let server: Server;
  beforeAll(() => new Promise<void>((resolve) => (server = createServer().listen(socketPath, resolve))));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is listed as a socket, and cat, diff and hash never open it', async () => {
    const listed = JSON.parse((await cli(['ls', '--json', instance])).stdout) as {
      path: string;
      kind: string;
    }[];
    expect(listed.find((entry) => entry.path === 'run.sock')?.kind).toBe('socket');
    expect((await cli(['ls', '-l', instance])).stdout).toMatch(/^s\S+ .* run\.sock$/m);
    expect(await cli(['cat', `${instance}:run.sock`])).toMatchObject({
      code: 2,
      stderr: 'snapinspect: run.sock is a socket without content; use ls to list it (NOT_A_FILE)\n',
    });
    expect(await cli(['diff', instance, instance])).toMatchObject({ code: 0, stderr: '' });
    const manifest = join(root, 'manifest.json');
    expect((await cli(['hash', instance, '-o', manifest])).code).toBe(0);
    const files = (
      JSON.parse(readFileSync(manifest, 'utf8')) as { files: { path: string; kind: string; sha256?: string }[] }
    ).files;
    expect(files.find((entry) => entry.path === 'run.sock')).toMatchObject({ kind: 'socket' });
    expect(files.find((entry) => entry.path === 'run.sock')?.sha256).toBeUndefined();
  });
});

const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
if (!asNobody) console.warn('SKIPPED unreadable-file test: needs root and setpriv to run the binary as nobody');

describe.skipIf(!asNobody)('a file the user may not read, inside a folder snapshot', () => {
  it('is listed with a diagnostic, cat says why, and every other entry still serves', () => {
    const root = tempDir();
    chmodSync(root, 0o755);
    const instance = writeLxdDirPool(root, {});
    writeFileSync(join(instance, 'rootfs', 'etc', 'shadow'), 'root:$6$secret\n');
    chmodSync(join(instance, 'rootfs', 'etc', 'shadow'), 0o000);
    const bin = join(root, 'snapinspect');
    // nobody cannot enter the repository's folder, so the bundle runs from a copy beside the snapshot.
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(join(repoRoot, part), join(bin, part), { recursive: true });
    chmodSync(bin, 0o755);
    const run = (...args: string[]) =>
      spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(bin, 'bin/snapinspect.js'),
          ...args,
        ],
        {
          encoding: 'utf8',
        },
      );
    const listed = run('ls', '-R', `${instance}:etc`);
    expect([listed.status, listed.stdout]).toEqual([0, 'etc/hostname\netc/os-release\netc/shadow\n']);
    const info = run('info', `${instance}:etc/shadow`);
    expect(info.stdout).toContain('UNREADABLE_ENTRY');
    expect(run('cat', `${instance}:etc/shadow`)).toMatchObject({
      status: 2,
      stderr: 'snapinspect: etc/shadow cannot be read: EACCES (IO)\n',
    });
    expect(run('cat', `${instance}:etc/hostname`)).toMatchObject({ status: 0, stdout: 'web1\n' });
  });
});

describe('names that would drive the terminal', () => {
  const root = tempDir();
  // OSC 52 sets the clipboard; ESC [2J clears the screen; U+0085 is a C1 control; U+202E reverses text.
  const hostile = ['osc-\u001b]52;c;QQ==\u0007', 'clear-\u001b[2J', 'nel-\u0085', 'rlo-\u202etxt.exe'];
  const archive = join(root, 'escapes.tar');
  writeFileSync(archive, buildTar(hostile.map((name) => tarEntry({ name, data: 'x' }))));

  it('are escaped in error messages that quote them', async () => {
    for (const name of hostile) {
      const result = await cli(['ls', `${archive}:${name}/missing`]);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
    expect((await cli(['ls', `${archive}:clear-\u001b[2J/missing`])).stderr).toContain('clear-\\x1b[2J');
  });

  it('are escaped in JSON output as \\uXXXX, and still parse back to the same names', async () => {
    const { stdout } = await cli(['ls', '--json', archive]);
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(stdout).toContain('nel-\\u0085');
    expect(stdout).toContain('rlo-\\u202etxt.exe');
    expect((JSON.parse(stdout) as { path: string }[]).map((entry) => entry.path).sort()).toEqual([...hostile].sort());
  });
});
