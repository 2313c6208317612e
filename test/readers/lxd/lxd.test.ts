import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../../src/diff/index.js';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { Instant, isMetaRecord, type MetaRecord } from '../../../src/model/metadata.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { findNode, walk, type TreeNode } from '../../../src/model/tree.js';
import { lxdDirReader, lxdExportReader } from '../../../src/readers/lxd/index.js';
import { probePath } from '../../../src/readers/probe.js';
import type { Reader } from '../../../src/readers/reader.js';
import { REDACTED } from '../../../src/readers/shared/secrets.js';
import { checkFindings } from '../../helpers/checks.js';
import { cli, corpusRoot, tempDir } from '../../helpers/cli.js';
import { lxdExportTar, writeLxdDirPool, type LxdExportSpec, type LxdSnapshotSpec } from '../../helpers/lxd-builder.js';

const root = tempDir('snapinspect-lxd-');
let written = 0;
const TAKEN = '2026-11-22T01:11:25.484004999Z';
const SNAP0: LxdSnapshotSpec = { name: 'snap0', createdAt: TAKEN, files: { 'etc/os-release': 'ID=debian\n' } };
const SNAP1: LxdSnapshotSpec = {
  name: 'snap1',
  createdAt: '2026-11-22T01:11:25.817631219Z',
  expiresAt: '2026-11-29T01:11:25Z',
  stateful: true,
  files: { 'usr/share/app/version.txt': 'version=2\n' },
};
const SNAPS = [SNAP0, SNAP1];

function writeExport(spec: LxdExportSpec): string {
  const path = join(root, `export-${written++}.tar${spec.gzip ? '.gz' : ''}`);
  writeFileSync(path, lxdExportTar(spec));
  return path;
}

async function open(
  path: string,
  reader: Reader = lxdExportReader,
  showSecrets = false,
): Promise<{ variant: string | null; snapshot: Snapshot }> {
  const probe = await probePath(path);
  const variant = await reader.detect(probe);
  return { variant, snapshot: await reader.open(probe, variant, { showSecrets }) };
}

async function paths(node: TreeNode): Promise<string[]> {
  const found: string[] = [];
  for await (const { segments } of walk(node)) found.push(segments.join('/'));
  return found;
}

const child = (snapshot: Snapshot, selector: string): Promise<Snapshot> => {
  const found = snapshot.children.find((candidate) => candidate.selector === selector);
  if (!found) throw new Error(`no #${selector} in ${snapshot.children.map((c) => c.selector).join(', ')}`);
  return found.open();
};
const codes = (found: readonly Diagnostic[]): string[] => found.map((d) => d.code).sort();
const iso = (value: unknown): unknown => (value instanceof Instant ? value.toISOString() : value);
const rows = (snapshot: Snapshot): unknown[] =>
  (Array.isArray(snapshot.metadata.snapshots) ? snapshot.metadata.snapshots : [])
    .filter((row): row is MetaRecord => isMetaRecord(row))
    .map((row) => ({ ...row, taken_at: iso(row.taken_at ?? null), expires_at: iso(row.expires_at ?? null) }));
const allFindings = async (snapshot: Snapshot): Promise<Diagnostic[]> => [
  ...snapshot.diagnostics,
  ...(await checkFindings(snapshot)),
];

describe('lxc export tarballs', () => {
  it.each(['v1', 'v2'] as const)(
    'reads config shape %s: instance metadata, the lxc info table and snapshots as children',
    async (shape) => {
      const { variant, snapshot } = await open(writeExport({ shape, snapshots: SNAPS, gzip: shape === 'v1' }));
      expect(variant).toBe(shape);
      expect(snapshot.format).toBe('lxd-export');
      expect(snapshot.metadata).toMatchObject({
        name: 'web1',
        type: 'container',
        pool: 'default',
        backend: 'dir',
        architecture: 'x86_64',
        profiles: ['default'],
        stateful: false,
        status: 'Stopped',
      });
      expect(snapshot.metadata.config).toEqual({ 'image.os': 'debian', 'snapshots.expiry': '7d' });
      expect(iso(snapshot.metadata.created_at)).toBe('2026-11-22T01:11:25.310290160Z');
      expect(rows(snapshot)).toEqual([
        { name: 'snap0', taken_at: '2026-11-22T01:11:25.484004999Z', expires_at: 'never', stateful: false },
        {
          name: 'snap1',
          taken_at: '2026-11-22T01:11:25.817631219Z',
          expires_at: '2026-11-29T01:11:25Z',
          stateful: true,
        },
      ]);
      expect((snapshot.metadata.volumes as MetaRecord[])[0]).toMatchObject({
        name: 'web1',
        snapshots: ['snap0', 'snap1'],
      });
      expect(snapshot.metadata.image).toMatchObject({ architecture: 'x86_64', properties: { os: 'debian' } });
      expect(iso((snapshot.metadata.image as MetaRecord).creation_date)).toBe('2026-11-22T01:03:05Z');
      expect(snapshot.children.map((c) => c.selector)).toEqual(['container', 'snap0', 'snap1']);
      expect(await child(snapshot, 'container')).toBe(snapshot);
      expect(await paths(snapshot.root)).toEqual([
        'bin',
        'bin/busybox',
        'bin/sh',
        'etc',
        'etc/hostname',
        'etc/os-release',
      ]);
      const snap1 = await child(snapshot, 'snap1');
      expect(snap1.metadata).toMatchObject({
        name: 'snap1',
        instance: 'web1',
        stateful: true,
        expires_at: expect.any(Instant),
      });
      expect(iso(snap1.metadata.created_at)).toBe('2026-11-22T01:11:25.817631219Z');
      expect(await paths(snap1.root)).toEqual(['usr', 'usr/share', 'usr/share/app', 'usr/share/app/version.txt']);
      expect((await child(snapshot, 'snap0')).metadata.expires_at).toBe('never');
      expect(await allFindings(snapshot)).toEqual([]);
    },
  );

  it('reads shape none (LXD 4.0): config from backup/container/backup.yaml; without it, names only', async () => {
    const { variant, snapshot } = await open(writeExport({ shape: 'none', snapshots: SNAPS }));
    expect(variant).toBe('none');
    expect(snapshot.metadata).toMatchObject({ name: 'web1', profiles: ['default'] });
    expect(rows(snapshot)).toHaveLength(2);
    const bare = (await open(writeExport({ shape: 'none', snapshots: SNAPS, backupYaml: false }))).snapshot;
    expect(codes(bare.diagnostics)).toEqual(['LXD_CONFIG_MISSING']);
    expect(rows(bare)).toEqual([
      { name: 'snap0', taken_at: null, expires_at: null, stateful: null },
      { name: 'snap1', taken_at: null, expires_at: null, stateful: null },
    ]);
  });

  it('redacts secret-looking config keys unless asked', async () => {
    const path = writeExport({
      shape: 'v1',
      config: { 'environment.DB_PASSWORD': 'hunter2', 'user.api.key': 'k', 'limits.cpu': '2' },
    });
    expect((await open(path)).snapshot.metadata.config).toEqual({
      'environment.DB_PASSWORD': REDACTED,
      'user.api.key': REDACTED,
      'limits.cpu': '2',
    });
    expect((await open(path, lxdExportReader, true)).snapshot.metadata.config).toMatchObject({
      'environment.DB_PASSWORD': 'hunter2',
    });
  });

  it('shows a VM as its config volume plus the raw disk as root.img', async () => {
    const { snapshot } = await open(writeExport({ shape: 'v2', kind: 'virtual-machine', snapshots: [SNAP0] }));
    expect(snapshot.metadata).toMatchObject({ type: 'virtual-machine', export: { kind: 'virtual-machine' } });
    expect(snapshot.children.map((c) => c.selector)).toEqual(['virtual-machine', 'snap0']);
    expect(await paths(snapshot.root)).toEqual(['metadata.yaml', 'root.img']);
    expect((await findNode(snapshot.root, ['root.img']))?.note).toMatch(/partitions and files are listed inside it/);
    expect(await paths((await child(snapshot, 'snap0')).root)).toEqual(['metadata.yaml', 'root.img']);
    expect(await allFindings(snapshot)).toEqual([]);
  });

  it('reports --optimized-storage streams as opaque, not as missing filesystems', async () => {
    const { snapshot } = await open(writeExport({ shape: 'v1', snapshots: SNAPS, optimized: 'btrfs' }));
    expect(codes(snapshot.diagnostics)).toEqual(['LXD_OPTIMIZED_STORAGE']);
    expect(snapshot.diagnostics[0]?.severity).toBe('info');
    expect(await paths(snapshot.root)).toEqual(['container.bin']);
    expect(await paths((await child(snapshot, 'snap1')).root)).toEqual(['snap1.bin']);
    expect(codes(await allFindings(snapshot))).toEqual(['LXD_OPTIMIZED_STORAGE']);
  });

  it('cross-checks listed snapshots against folders and opens each one', async () => {
    const spec: LxdExportSpec = {
      shape: 'v1',
      snapshots: [
        { name: 'gone', createdAt: TAKEN, folder: false },
        { name: 'bare', createdAt: TAKEN, rootfs: false },
        { name: 'broken', createdAt: TAKEN, backupYaml: 'container: [unclosed\n' },
      ],
      unlisted: [{ name: 'stray', createdAt: TAKEN }],
    };
    const { snapshot } = await open(writeExport(spec));
    expect(snapshot.diagnostics).toEqual([]);
    const findings = await checkFindings(snapshot);
    expect(codes(findings)).toEqual([
      'LXD_BAD_YAML',
      'LXD_ROOTFS_MISSING',
      'LXD_SNAPSHOT_MISSING',
      'LXD_SNAPSHOT_UNLISTED',
    ]);
    expect(findings.find((f) => f.code === 'LXD_SNAPSHOT_MISSING')).toMatchObject({
      severity: 'error',
      path: 'backup/snapshots/gone',
    });
    expect(findings.find((f) => f.code === 'LXD_SNAPSHOT_UNLISTED')).toMatchObject({
      severity: 'warning',
      path: 'backup/snapshots/stray',
    });
    expect(findings.find((f) => f.code === 'LXD_BAD_YAML')?.path).toBe('backup/snapshots/broken/backup.yaml');
    expect(findings.find((f) => f.code === 'LXD_ROOTFS_MISSING')?.path).toBe('backup/snapshots/bare/rootfs');
    const noRootfs = (await open(writeExport({ shape: 'v1', rootfs: false }))).snapshot;
    expect(codes(noRootfs.diagnostics)).toEqual(['LXD_ROOTFS_MISSING']);
  });

  it('turns wrong types into LXD_BAD_FIELD warnings and keeps going', async () => {
    const indexYaml =
      'name: web1\nsnapshots: 5\ntype: container\nconfig:\n  container:\n    name: web1\n    profiles: default\n    created_at: 12\n    config: [a]\n  snapshots: [7, {name: s, created_at: yesterday}]\n';
    const { snapshot } = await open(writeExport({ shape: 'v1', indexYaml }));
    expect(new Set(codes(snapshot.diagnostics))).toEqual(new Set(['LXD_BAD_FIELD']));
    const messages = snapshot.diagnostics.map((d) => d.message).join('\n');
    for (const part of [
      'snapshots should be a list',
      'config.container.profiles should be a list',
      'config.container.created_at should be a string',
      'config.snapshots[0] should be a mapping',
      'created_at is not an RFC3339 time',
    ])
      expect(messages).toContain(part);
    expect(snapshot.metadata.name).toBe('web1');
  });

  it.each([
    ['malformed', 'name: web1\nconfig: {container: [unclosed\n', /not valid YAML/],
    ['deep flow nesting', `name: ${'['.repeat(100_000)}`, /nests more than/],
    [
      'deep block nesting',
      Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}- a:`).join('\n'),
      /nests more than/,
    ],
    [
      'an alias bomb',
      [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        ...Array.from(
          { length: 9 },
          (_, i) =>
            `b${i}: &b${i} [${Array(10)
              .fill(i === 0 ? '*a' : `*b${i - 1}`)
              .join(', ')}]`,
        ),
      ].join('\n'),
      /Excessive alias count/,
    ],
  ])('survives %s index.yaml as LXD_BAD_YAML', async (_label, indexYaml, message) => {
    const { variant, snapshot } = await open(writeExport({ shape: 'v1', indexYaml }));
    expect(variant).toBe('unknown');
    expect(snapshot.diagnostics.find((d) => d.code === 'LXD_BAD_YAML')?.message).toMatch(message);
    expect(await paths(snapshot.root)).toContain('etc/hostname');
  });

  it('caps self-referencing aliases and does not claim tars whose first member is something else', async () => {
    const { snapshot } = await open(
      writeExport({ shape: 'v1', metadataYaml: 'architecture: x86_64\ntemplates: &t {loop: *t}\n' }),
    );
    expect(
      JSON.stringify(snapshot.metadata.image, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).toContain('nested too deep');
    const late = writeExport({ shape: 'v1', before: [{ name: 'backup/README', data: 'hi' }] });
    expect(await lxdExportReader.detect(await probePath(late))).toBeNull();
    expect(
      await lxdExportReader.detect(
        await probePath(writeExport({ shape: 'v1', before: [{ name: 'backup', type: '5' }] })),
      ),
    ).toBeNull();
  });
});

describe('LXD dir-pool folders', () => {
  const pool = join(root, 'pool');
  const instance = writeLxdDirPool(pool, {
    snapshots: SNAPS,
    unlisted: [{ name: 'stray', createdAt: '2026-11-22T02:00:00Z', rootfs: false }],
  });

  it('shows the instance with its snapshots from containers-snapshots/ beside it', async () => {
    const { variant, snapshot } = await open(instance, lxdDirReader);
    expect(variant).toBe('instance');
    expect(snapshot.metadata).toMatchObject({
      name: 'web1',
      pool: 'default',
      backend: 'dir',
      volume: 'web1',
      snapshots_folder: '../../containers-snapshots/web1',
    });
    expect(snapshot.children.map((c) => c.selector)).toEqual(['container', 'snap0', 'snap1', 'stray']);
    expect(await paths(snapshot.root)).toEqual([
      'bin',
      'bin/busybox',
      'bin/sh',
      'etc',
      'etc/hostname',
      'etc/os-release',
    ]);
    const snap1 = await child(snapshot, 'snap1');
    expect(snap1.metadata).toMatchObject({ name: 'snap1', instance: 'web1', stateful: true });
    expect(await paths(snap1.root)).toEqual(['usr', 'usr/share', 'usr/share/app', 'usr/share/app/version.txt']);
    const findings = await checkFindings(snapshot);
    expect(codes(findings)).toEqual(['LXD_ROOTFS_MISSING', 'LXD_SNAPSHOT_UNLISTED']);
    expect(findings.find((f) => f.code === 'LXD_ROOTFS_MISSING')?.path).toBe(
      '../../containers-snapshots/web1/stray/rootfs',
    );
  });

  it('opens a snapshot folder on its own, with its record from the instance backup.yaml', async () => {
    const { variant, snapshot } = await open(
      join(pool, 'storage-pools/default/containers-snapshots/web1/snap1'),
      lxdDirReader,
    );
    expect(variant).toBe('snapshot');
    expect(snapshot.metadata).toMatchObject({ name: 'snap1', instance: 'web1', stateful: true });
    expect(iso(snapshot.metadata.expires_at)).toBe('2026-11-29T01:11:25Z');
  });

  it('reports listed snapshots without folders and bad backup.yaml', async () => {
    const other = writeLxdDirPool(join(root, 'pool2'), {
      name: 'db',
      snapshots: [{ name: 'gone', createdAt: '2026-11-22T01:11:25Z', folder: false }],
    });
    expect(codes(await checkFindings((await open(other, lxdDirReader)).snapshot))).toEqual(['LXD_SNAPSHOT_MISSING']);
    writeFileSync(join(other, 'backup.yaml'), 'container: {name: [\n');
    expect(codes((await open(other, lxdDirReader)).snapshot.diagnostics)).toEqual([
      'LXD_BAD_YAML',
      'LXD_CONFIG_MISSING',
    ]);
    const loose = join(root, 'loose', 'web1');
    mkdirSync(join(loose, 'rootfs'), { recursive: true });
    writeFileSync(join(loose, 'backup.yaml'), '{}\n');
    expect(await lxdDirReader.detect(await probePath(loose))).toBeNull();
    writeFileSync(join(loose, 'metadata.yaml'), 'architecture: x86_64\n');
    expect(await lxdDirReader.detect(await probePath(loose))).toBe('instance');
    rmSync(dirname(loose), { recursive: true });
  });
});

const corpus = join(corpusRoot, 'lxd', 'web1-backup.tar.gz');
const present = existsSync(corpus);
if (!present) console.warn(`SKIPPED LXD corpus suite: ${corpus} not found (the shared corpus sits beside the repo)`);

describe.skipIf(!present)('shared corpus: lxd/web1-backup.tar.gz (ground truth in corpus/README.md)', () => {
  it('reads the instance, its config and the archive facts', async () => {
    const { variant, snapshot } = await open(corpus);
    expect(variant).toBe('v1');
    expect(snapshot.metadata).toMatchObject({
      name: 'web1',
      type: 'container',
      pool: 'default',
      backend: 'dir',
      status: 'Stopped',
      export: { optimized: false },
    });
    expect((snapshot.metadata.config as MetaRecord)['snapshots.expiry']).toBe('7d');
    expect(iso(snapshot.metadata.created_at)).toBe('2026-11-22T01:11:25.310290160Z');
    expect(snapshot.metadata.archive).toMatchObject({
      compression: 'gzip',
      members: 109,
      header_format: 'ustar',
      pax: false,
    });
    expect(snapshot.metadata.image).toMatchObject({
      architecture: 'x86_64',
      properties: { description: 'Debian bookworm minbase', os: 'debian', release: 'bookworm' },
    });
    expect(iso((snapshot.metadata.image as MetaRecord).creation_date)).toBe('2026-11-22T01:03:05Z');
    const archive = await (await probePath(corpus)).tar();
    const names = archive?.index.entries.map((entry) => entry.path) ?? [];
    expect(names[0]).toBe('backup/index.yaml');
    expect(names).not.toContain('backup/');
    expect(names.filter((name) => name === 'backup/snapshots' || name.endsWith('/'))).toEqual([]);
    const backupSizes = archive?.index.entries
      .filter((entry) => entry.path.endsWith('/backup.yaml'))
      .map((entry) => [entry.size, entry.mode]);
    expect(backupSizes).toEqual([
      [2117, 0o400],
      [3844, 0o400],
      [5590, 0o400],
    ]);
    expect(await allFindings(snapshot)).toEqual([]);
  });

  it('lists the two snapshots with their times and flags, each a 33-entry rootfs', async () => {
    const { snapshot } = await open(corpus);
    const { stdout } = await cli(['info', corpus]);
    expect(stdout).toContain(
      [
        'Child snapshots (3):',
        '  Selector         Snapshots  Created at                      Expires at  Stateful  Title',
        '  #container       2          -                               -           -         web1-backup.tar.gz: web1 (the default)',
        '  #before-upgrade  -          2026-11-22T01:11:25.484004999Z  never       no        web1-backup.tar.gz: web1/before-upgrade',
        '  #after-upgrade   -          2026-11-22T01:11:25.817631219Z  never       no        web1-backup.tar.gz: web1/after-upgrade',
      ].join('\n'),
    );
    for (const selector of ['container', 'before-upgrade', 'after-upgrade']) {
      const view = await child(snapshot, selector);
      expect(view.metadata.tree).toMatchObject({ members: 33, kinds: { file: 5, dir: 11, symlink: 17 } });
      expect(await paths(view.root)).toHaveLength(32);
    }
    const before = await child(snapshot, 'before-upgrade');
    expect(before.metadata).toMatchObject({
      name: 'before-upgrade',
      instance: 'web1',
      expires_at: 'never',
      stateful: false,
    });
    expect((before.metadata.config as MetaRecord)['snapshots.expiry']).toBeUndefined();
    const sizes = await Promise.all(
      ['bin/busybox', 'etc/hostname', 'etc/os-release', 'etc/passwd', 'usr/share/app/app.conf'].map(
        async (path) => (await findNode(before.root, path.split('/')))?.size,
      ),
    );
    expect(sizes).toEqual([1982256, 5, 25, 30, 20]);
    expect(iso((await findNode(before.root, ['etc', 'passwd']))?.mtime)).toBe('2026-11-22T01:11:08Z');
  });

  it('differs between the snapshot trees exactly as the README says', async () => {
    const { snapshot } = await open(corpus);
    const [before, after, current] = await Promise.all(
      ['before-upgrade', 'after-upgrade', 'container'].map((selector) => child(snapshot, selector)),
    );
    const options = { ignoreMtime: false, dirMtimes: true, exclude: [], only: new Set(['files'] as const) };
    const changes = (await diffSnapshots(before as Snapshot, after as Snapshot, options)).files.map(
      (f) => `${f.change} ${f.path}${f.fields ? ` ${f.fields.join(',')}` : ''}`,
    );
    expect(changes.sort()).toEqual([
      'added usr/share/app/version.txt',
      'metadata etc mtime',
      'metadata usr/share/app mtime',
      'removed etc/os-release',
    ]);
    const version = await findNode((after as Snapshot).root, ['usr', 'share', 'app', 'version.txt']);
    expect(Buffer.from((await version?.content?.read(0, 100)) ?? []).toString()).toBe('version=2\n');
    expect((await diffSnapshots(after as Snapshot, current as Snapshot, options)).same).toBe(true);
  });
});
