import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { buildImage, dir, file, symlink, whiteout } from '../../helpers/image-builder.js';
import { buildTar, tarEntry, type TarEntrySpec } from '../../helpers/tar-builder.js';

const root = tempDir();
const hasZstd = spawnSync('zstd', ['--version']).status === 0;
if (!hasZstd)
  console.warn('SKIPPED zstd tar case (docker export as .tar.zst): the zstd binary is missing (apt-get install zstd)');
const write = (name: string, bytes: Uint8Array | string): string => {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
};

const exportMembers: TarEntrySpec[] = [
  file('.dockerenv', '', 0o755),
  dir('etc'),
  file('etc/hostname', '', 0o755),
  file('etc/hosts', '', 0o755),
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
  dir('root', 0o700),
  file('root/notes.txt', 'hello\n'),
  symlink('root/link', '/root/notes.txt'),
];
const exportTar = buildTar(exportMembers.map(tarEntry));

describe('docker export tar', () => {
  const path = write('export.tar', exportTar);

  it('lists the container filesystem with Docker stubs flagged', async () => {
    const { code, stdout } = await cli(['ls', '-R', '-l', path]);
    expect(code).toBe(0);
    expect(
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.replace(/^\S+ +\S+ +\S+ +\d+ +\S+ \S+ /, '')),
    ).toEqual([
      '.dockerenv  [stub]',
      'etc/',
      'etc/hostname  [stub]',
      'etc/hosts  [stub]',
      'etc/passwd',
      'root/',
      'root/link -> /root/notes.txt',
      'root/notes.txt',
    ]);
    const info = JSON.parse((await cli(['info', '--json', path])).stdout);
    expect(info.format).toBe('docker-export');
    expect(info.metadata.archive).toEqual({
      compression: 'none',
      members: 8,
      kinds: { file: 5, dir: 2, symlink: 1 },
      header_format: 'ustar',
      pax: false,
      end_marker: true,
    });
    expect((await cli(['cat', `${path}:root/notes.txt`])).stdout).toBe('hello\n');
  });

  it.each([
    ['cut in a header', 512 * 3 + 100, 'TAR_TRUNCATED'],
    ['cut in member data', exportTar.length - 1024 - 512 + 3, 'TAR_TRUNCATED'],
  ])('verify fails on a tar %s', async (_label, length, code) => {
    const cut = write(`cut-${length}.tar`, exportTar.subarray(0, length));
    const result = await cli(['verify', '--json', cut]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.map((f: { code: string }) => f.code)).toContain(code);
  });

  it('verify fails on a header checksum error and says where', async () => {
    const broken = Uint8Array.from(exportTar);
    broken[512 * 2 + 10] = 0x41;
    const result = JSON.parse((await cli(['verify', '--json', write('bad-checksum.tar', broken)])).stdout);
    expect(result.ok).toBe(false);
    expect(result.findings).toContainEqual(
      expect.objectContaining({ code: 'TAR_BAD_CHECKSUM', message: expect.stringContaining('1024') }),
    );
  });
});

describe('volume tarballs and other filesystem tars', () => {
  it('normalises ./ prefixes of a GNU tar.gz and names the writer', async () => {
    const members = [
      dir('./'),
      file('./app.conf', 'cfg\n'),
      dir('./db/'),
      file('./db/rows.txt', '1\n2\n'),
      symlink('./latest', 'db/rows.txt'),
    ].map((spec) => tarEntry({ ...spec, style: 'gnu', uname: 'root', gname: 'root' }));
    const path = write('vol.tar.gz', gzipSync(buildTar(members, { padTo10240: true })));
    const info = JSON.parse((await cli(['info', '--json', path])).stdout);
    expect([info.format, info.variant, info.metadata.writer, info.metadata.root_mode]).toEqual([
      'tar',
      'gzip',
      'GNU tar',
      '0755',
    ]);
    expect((await cli(['ls', '-R', path])).stdout).toBe('app.conf\ndb/\ndb/rows.txt\nlatest\n');
    expect((await cli(['cat', `${path}:db/rows.txt`])).stdout).toBe('1\n2\n');
  });

  it.skipIf(!hasZstd)('reads a zstd-compressed tar that the system zstd wrote', async () => {
    const plain = write('plain.tar', exportTar);
    const zst = join(root, 'plain.tar.zst');
    execFileSync('zstd', ['-q', '-f', plain, '-o', zst]);
    const info = JSON.parse((await cli(['info', '--json', zst])).stdout);
    expect([info.format, info.metadata.archive.compression, info.metadata.archive.members]).toEqual([
      'docker-export',
      'zstd',
      8,
    ]);
  });

  it('refuses xz with a one-line hint instead of "unknown format"', async () => {
    const path = write('x.tar.xz', Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0, 0, 0]));
    const { code, stderr } = await cli(['ls', path]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `snapinspect: ${path} is xz-compressed, which snapinspect does not read; decompress it first (xz -dk FILE) (UNREADABLE)\n`,
    );
  });

  it('keeps hostile member names as data: escapes, .. and absolute paths stay inside', async () => {
    const members = [
      file('\u001b[2J\u001b[31mevil.txt', 'x'),
      file('../../etc/shadow', 'nope'),
      file('/abs/path', 'abs'),
    ].map((spec) => tarEntry(spec));
    const path = write('hostile.tar', buildTar(members));
    for (const args of [
      ['ls', '-R', '-l', path],
      ['info', path],
      ['verify', path],
      ['ls', '--json', '-R', path],
    ]) {
      const { stdout } = await cli(args);
      expect(stdout.includes('\u001b'), args.join(' ')).toBe(false);
    }
    const listing = (await cli(['ls', '-R', path])).stdout;
    expect(listing).toBe('\\x1b[2J\\x1b[31mevil.txt\nabs/\nabs/path\netc/\netc/shadow\n');
    const verify = JSON.parse((await cli(['verify', '--json', path])).stdout);
    expect(verify.findings.filter((f: { code: string }) => f.code === 'TAR_PATH_ESCAPE')).toHaveLength(2);
  });
});

const inspectJson = (
  mounts: object[],
  env: string[] = ['PATH=/bin', 'DB_PASSWORD=hunter2', 'API_TOKEN=abc123'],
): string =>
  JSON.stringify(
    [
      {
        Id: 'c0ffee',
        Name: '/web',
        Created: '2026-11-22T01:11:18.2638591Z',
        Image: 'sha256:base',
        State: { Status: 'running', Running: true, ExitCode: 0 },
        Config: { Image: 'web:1', Env: env, Cmd: ['serve'] },
        Mounts: mounts,
      },
    ],
    null,
    4,
  );

describe('docker inspect JSON', () => {
  const path = write('inspect.json', inspectJson([]));

  it('redacts secret-looking environment values unless --show-secrets', async () => {
    for (const args of [
      ['info', path],
      ['info', '--json', path],
      ['ls', '-R', '-l', path],
      ['verify', '--json', path],
      ['info', `${path}:env/DB_PASSWORD`],
    ]) {
      const { stdout } = await cli(args);
      expect(stdout, args.join(' ')).not.toContain('hunter2');
      expect(stdout, args.join(' ')).not.toContain('abc123');
    }
    const info = JSON.parse((await cli(['info', '--json', path])).stdout);
    expect(info.metadata.config.Env).toEqual([
      'PATH=/bin',
      'DB_PASSWORD=<redacted: --show-secrets reveals it>',
      'API_TOKEN=<redacted: --show-secrets reveals it>',
    ]);
    expect(info.diagnostics.map((d: { code: string; path: string }) => `${d.code} ${d.path}`)).toEqual([
      'INSPECT_SECRET_ENV env/DB_PASSWORD',
      'INSPECT_SECRET_ENV env/API_TOKEN',
    ]);
    expect((await cli(['ls', '-l', `${path}:env`])).stdout).toMatch(/DB_PASSWORD {2}\[secret\]\n/);
    const shown = await cli(['info', '--json', '--show-secrets', path]);
    expect(JSON.parse(shown.stdout).metadata.config.Env).toContain('DB_PASSWORD=hunter2');
  });
});

describe('full-snapshot bundle', () => {
  const bundle = join(root, 'bundle');
  execFileSync('mkdir', ['-p', bundle]);
  const image = buildImage('legacy', {
    layers: [
      [
        dir('var'),
        dir('var/lib'),
        dir('var/lib/data'),
        file('var/lib/data/from-image.txt', 'image'),
        file('etc-os', 'os'),
      ],
      [whiteout('.wh.etc-os'), file('app.txt', 'v2')],
    ],
    repoTags: ['web:snap'],
    config: { container: 'c0ffee' },
  });
  writeFileSync(join(bundle, 'web_image.tar'), image);
  writeFileSync(
    join(bundle, 'web_vol_data.tar.gz'),
    gzipSync(buildTar([dir('./'), file('./rows.txt', '1\n')].map(tarEntry))),
  );
  writeFileSync(join(bundle, 'web_vol_orphan.tar.gz'), gzipSync(buildTar([dir('./')].map(tarEntry))));
  writeFileSync(
    join(bundle, 'web_inspect.json'),
    inspectJson([
      { Type: 'volume', Name: 'data', Destination: '/var/lib/data' },
      { Type: 'volume', Name: 'cache', Destination: '/cache' },
      { Type: 'bind', Source: '/host', Destination: '/host' },
    ]),
  );

  it('mounts each volume at its destination over the merged image', async () => {
    const { code, stdout } = await cli(['ls', '-R', bundle]);
    expect(code).toBe(0);
    expect(stdout).toBe('app.txt\nvar/\nvar/lib/\nvar/lib/data/\nvar/lib/data/rows.txt\n');
    expect((await cli(['cat', `${bundle}:var/lib/data/rows.txt`])).stdout).toBe('1\n');
  });

  it('reports volumes without mounts, mounts without archives and bind mounts', async () => {
    const info = JSON.parse((await cli(['info', '--json', bundle])).stdout);
    expect(info.format).toBe('docker-bundle');
    expect(info.metadata.volumes).toEqual(['data', 'orphan']);
    expect(info.diagnostics.map((d: { code: string }) => d.code).sort()).toEqual([
      'BUNDLE_BIND_MOUNT',
      'BUNDLE_MOUNT_NOT_CAPTURED',
      'BUNDLE_VOLUME_UNMOUNTED',
      'INSPECT_SECRET_ENV',
      'INSPECT_SECRET_ENV',
    ]);
    expect(info.children.map((c: { selector: string }) => c.selector)).toContain('layer:2');
    expect(JSON.stringify(info)).not.toContain('hunter2');
  });

  it('flags an image committed from another container', async () => {
    writeFileSync(
      join(bundle, 'web_inspect.json'),
      inspectJson([{ Type: 'volume', Name: 'data', Destination: '/var/lib/data' }]).replace('c0ffee', 'deadbeef'),
    );
    const info = JSON.parse((await cli(['info', '--json', bundle])).stdout);
    expect(info.diagnostics).toContainEqual(expect.objectContaining({ code: 'BUNDLE_IMAGE_MISMATCH' }));
  });
});
