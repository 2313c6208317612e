import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, TreeDiffer, type DiffOptions } from '../../src/diff/index.js';
import { diffMetadata } from '../../src/diff/metadata.js';
import { Instant } from '../../src/model/metadata.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { BytesSource } from '../../src/model/source.js';
import { dirNode, type TreeNode } from '../../src/model/tree.js';
import { cli, corpusRoot, tempDir } from '../helpers/cli.js';
import { icpFolderFiles, writeFiles } from '../helpers/icp-builder.js';
import { buildTar, tarEntry } from '../helpers/tar-builder.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const t = (seconds: number): Instant => new Instant(BigInt(seconds) * 1_000_000_000n);
const file = (name: string, content: string, extra: Partial<TreeNode> = {}): TreeNode => ({
  name,
  kind: 'file',
  size: text(content).length,
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: t(100),
  attrs: {},
  content: new BytesSource(text(content)),
  ...extra,
});
const dir = (name: string, children: TreeNode[], extra: Partial<TreeNode> = {}): TreeNode =>
  dirNode(name, children, { mode: 0o755, uid: 0, gid: 0, mtime: t(100), ...extra });
const snapshot = (root: TreeNode, metadata = {}): Snapshot => ({
  format: 'test',
  title: 'test',
  metadata,
  root,
  children: [],
  diagnostics: [],
});
const options = (extra: Partial<DiffOptions> = {}): DiffOptions => ({
  ignoreMtime: false,
  dirMtimes: false,
  exclude: [],
  only: new Set(['files', 'memory', 'metadata']),
  ...extra,
});

describe('file diff on hand-built trees', () => {
  const before = dir('', [
    file('same.txt', 'same'),
    file('gone.txt', 'bye'),
    file('edit.txt', 'hello\n'),
    file('mode.txt', 'm', { mode: 0o600 }),
    file('touched.txt', 't', { mtime: t(100) }),
    file('owner.txt', 'o', { uid: 0 }),
    { name: 'link', kind: 'symlink', size: 0, attrs: {}, linkTarget: 'a', mode: 0o777 },
    file('was-file', 'x'),
    file('moved-from.bin', 'payload-123'),
    dir('stubs', [file('.dockerenv', '', { flags: ['stub'] })]),
    dir('old-dir', [file('inner.txt', 'i')]),
  ]);
  const after = dir('', [
    file('same.txt', 'same'),
    file('new.txt', 'hi'),
    file('edit.txt', 'hello world\n'),
    file('mode.txt', 'm', { mode: 0o644 }),
    file('touched.txt', 't', { mtime: t(200) }),
    file('owner.txt', 'o', { uid: 1000 }),
    { name: 'link', kind: 'symlink', size: 0, attrs: {}, linkTarget: 'b', mode: 0o777 },
    dir('was-file', []),
    file('moved-to.bin', 'payload-123'),
    dir('stubs', [file('.dockerenv', '', { flags: ['stub'], mtime: t(300) })]),
  ]);

  it('reports every kind of change exactly', async () => {
    const result = await diffSnapshots(snapshot(before), snapshot(after), options());
    expect(result.files.map((f) => [f.change, f.path, f.fields ?? [], f.renamedFrom ?? null, f.stub ?? false])).toEqual(
      [
        ['modified', 'edit.txt', ['size', 'content'], null, false],
        ['removed', 'gone.txt', [], null, false],
        ['metadata', 'link', ['linkTarget'], null, false],
        ['metadata', 'mode.txt', ['mode'], null, false],
        ['removed', 'moved-from.bin', [], null, false],
        ['added', 'moved-to.bin', [], 'moved-from.bin', false],
        ['added', 'new.txt', [], null, false],
        ['removed', 'old-dir', [], null, false],
        ['removed', 'old-dir/inner.txt', [], null, false],
        ['metadata', 'owner.txt', ['uid'], null, false],
        ['metadata', 'stubs/.dockerenv', ['mtime'], null, true],
        ['metadata', 'touched.txt', ['mtime'], null, false],
        ['modified', 'was-file', ['kind'], null, false],
      ],
    );
    expect(result.files.find((f) => f.path === 'edit.txt')?.firstDifference).toBe(5);
    expect(result.summary).toMatchObject({ added: 2, removed: 4, modified: 2, metadata: 5, renamed: 1 });
    expect(result.same).toBe(false);
  });

  it('pairs a moved file with the removed file of equal bytes, not merely of equal size', async () => {
    const left = dir('', [file('a.bin', 'AAAA'), file('b.bin', 'BBBB'), file('c.bin', 'CCCC')]);
    const right = dir('', [dir('moved', [file('b.bin', 'BBBB')]), file('fresh.bin', 'DDDD')]);
    const result = await diffSnapshots(snapshot(left), snapshot(right), options());
    const added = result.files.filter((f) => f.change === 'added' && f.after?.kind === 'file');
    expect(added.map((f) => [f.path, f.renamedFrom ?? null])).toEqual([
      ['fresh.bin', null],
      ['moved/b.bin', 'b.bin'],
    ]);
  });

  it('--ignore-mtime, --exclude and --only narrow the report', async () => {
    const quiet = await diffSnapshots(
      snapshot(before),
      snapshot(after),
      options({ ignoreMtime: true, exclude: ['*.bin', 'old-dir'] }),
    );
    expect(quiet.files.map((f) => f.path)).toEqual([
      'edit.txt',
      'gone.txt',
      'link',
      'mode.txt',
      'new.txt',
      'owner.txt',
      'was-file',
    ]);
    const metadataOnly = await diffSnapshots(
      snapshot(before, { v: 1n }),
      snapshot(after, { v: 2n }),
      options({ only: new Set(['metadata']) }),
    );
    expect([metadataOnly.files, metadataOnly.metadata]).toEqual([[], [{ key: 'v', before: 1n, after: 2n }]]);
  });

  it('directory mtimes count only when asked', async () => {
    const a = dir('', [dir('d', [], { mtime: t(1) })]);
    const b = dir('', [dir('d', [], { mtime: t(2) })]);
    expect((await diffSnapshots(snapshot(a), snapshot(b), options())).same).toBe(true);
    expect(
      (await diffSnapshots(snapshot(a), snapshot(b), options({ dirMtimes: true }))).files.map((f) => f.fields),
    ).toEqual([['mtime']]);
  });

  it('compares one directory at a time and remembers the answer without touching either tree', async () => {
    let loads = 0;
    const counted = (node: TreeNode): TreeNode => ({
      ...node,
      children: async () => (loads++, node.children ? node.children() : []),
    });
    const differ = new TreeDiffer(counted(before), counted(after), options());
    const first = await differ.entries('');
    const again = await differ.entries('');
    expect(again).toBe(first);
    expect(loads).toBe(2);
    expect(first.find((e) => e.name === 'old-dir')?.change?.change).toBe('removed');
  });

  it('diffs metadata structurally: bigints, bytes, times, nested records, lists by index', () => {
    const changes = diffMetadata(
      {
        n: 9007199254740993n,
        b: Uint8Array.from([1, 2]),
        at: t(5),
        timer: 'inactive',
        globals: [
          { type: 'i64', value: 1n },
          { type: 'f64', value: 0.5 },
        ],
        same: { x: 1 },
      },
      {
        n: 9007199254740995n,
        b: Uint8Array.from([1, 3]),
        at: t(5),
        timer: { active: t(9) },
        globals: [
          { type: 'i64', value: 1n },
          { type: 'f64', value: 0.75 },
        ],
        same: { x: 1 },
      },
    );
    expect(changes.map((c) => c.key)).toEqual(['n', 'b', 'timer', 'globals[1].value']);
  });
});

describe('memory diff', () => {
  const page = 65536;
  const memory = (pages: Uint8Array[], extra: Partial<TreeNode> = {}): TreeNode => {
    const bytes = new Uint8Array(pages.length * page);
    pages.forEach((p, i) => bytes.set(p, i * page));
    return {
      name: 'heap',
      kind: 'memory',
      size: bytes.length,
      pageSize: page,
      attrs: {},
      content: new BytesSource(bytes),
      ...extra,
    };
  };
  const filled = (value: number): Uint8Array => new Uint8Array(page).fill(value);

  it('reports changed, added (and which are zero) and removed page ranges with bytes changed', async () => {
    const a = memory([filled(1), filled(2), filled(3), filled(4)]);
    const changedByte = filled(2);
    changedByte[10] = 9;
    const b = memory([filled(1), changedByte, filled(3), filled(5), filled(0), filled(6), filled(0)]);
    const [change] = (await diffSnapshots(snapshot(dir('', [a])), snapshot(dir('', [b])), options())).memory;
    expect(change).toEqual({
      path: 'heap',
      pageSize: page,
      changedPages: [
        [1, 1],
        [3, 3],
      ],
      addedPages: [[4, 6]],
      removedPages: [],
      addedZeroPages: [
        [4, 4],
        [6, 6],
      ],
      bytesChanged: 1 + page,
      method: 'bytes',
    });
    const [shrunk] = (await diffSnapshots(snapshot(dir('', [b])), snapshot(dir('', [a])), options())).memory;
    expect(shrunk?.removedPages).toEqual([[4, 6]]);
  });

  it('uses page tokens of one file without reading data', async () => {
    const tokens = (values: bigint[]) => async () => ({ scope: '/disk.qcow2', tokens: BigUint64Array.from(values) });
    const a: TreeNode = {
      name: 'disk',
      kind: 'memory',
      size: 3 * page,
      pageSize: page,
      attrs: {},
      pageTokens: tokens([5n, 0n, 7n]),
    };
    const b: TreeNode = {
      name: 'disk',
      kind: 'memory',
      size: 4 * page,
      pageSize: page,
      attrs: {},
      pageTokens: tokens([5n, 8n, 7n, 0n]),
    };
    const [change] = (await diffSnapshots(snapshot(dir('', [a])), snapshot(dir('', [b])), options())).memory;
    expect(change).toMatchObject({
      method: 'mapping',
      changedPages: [[1, 1]],
      addedPages: [[3, 3]],
      addedZeroPages: [[3, 3]],
      bytesChanged: null,
    });
  });
});

describe('snapinspect diff on the command line', () => {
  const root = tempDir();
  const before = join(root, 'before');
  const after = join(root, 'after');
  writeFiles(before, icpFolderFiles({ flavour: 'icp-cli' }));
  const changed = icpFolderFiles({ flavour: 'icp-cli', wasmPages: 3, metadata: { canister_version: 13n } });
  writeFiles(after, changed);

  it('exits 0 for the same snapshot and 1 for different ones, with the JSON contract', async () => {
    const same = await cli(['diff', '--ignore-mtime', before, before]);
    expect([same.code, same.stdout.trim().split('\n').pop()]).toEqual([0, 'Result: same']);
    const { code, stdout } = await cli(['diff', '--json', '--ignore-mtime', before, after]);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['same', 'files', 'memory', 'metadata', 'summary']);
    expect(json.files).toEqual([
      expect.objectContaining({ path: 'metadata.json', change: 'modified', fields: ['content'] }),
    ]);
    expect(json.memory.find((m: { name: string }) => m.name === 'wasm_memory.bin')).toMatchObject({
      pageSize: 65536,
      changedPages: [],
      addedPages: [[2, 2]],
      addedZeroPages: [[2, 2]],
    });
    expect(json.metadata).toEqual([
      { key: 'wasm_memory_size', before: 131072, after: 196608 },
      { key: 'canister_version', before: 12, after: 13 },
    ]);
  });

  it('accepts a page-hash manifest as either side', async () => {
    const manifest = join(root, 'before.manifest.json');
    expect((await cli(['hash', before, '-o', manifest])).code).toBe(0);
    const again = await cli(['hash', before, '-o', manifest]);
    expect([again.code, again.stderr]).toEqual([
      2,
      `snapinspect: cannot write ${manifest}: it exists (snapinspect never overwrites) (IO)\n`,
    ]);
    const same = await cli(['diff', '--ignore-mtime', manifest, before]);
    expect([same.code, same.stdout.split('\n').pop() === '' && same.stdout.trim().endsWith('Result: same')]).toEqual([
      0,
      true,
    ]);
    const json = JSON.parse((await cli(['diff', '--json', '--ignore-mtime', manifest, after])).stdout);
    expect(json.memory.find((m: { name: string }) => m.name === 'wasm_memory.bin')).toMatchObject({
      method: 'xxh64',
      addedPages: [[2, 2]],
      addedZeroPages: [[2, 2]],
    });
    expect(json.metadata.map((m: { key: string }) => m.key)).toEqual(['wasm_memory_size', 'canister_version']);
  });

  it('shows a unified text diff of changed text files and stays binary-safe', async () => {
    const a = join(root, 'a.tar');
    const b = join(root, 'b.tar');
    writeFileSync(
      a,
      buildTar([
        tarEntry({ name: 'conf.ini', data: 'a=1\nb=2\nc=3\n' }),
        tarEntry({ name: 'blob.bin', data: '\u0000\u0001' }),
      ]),
    );
    writeFileSync(
      b,
      buildTar([
        tarEntry({ name: 'conf.ini', data: 'a=1\nb=20\nc=3\n' }),
        tarEntry({ name: 'blob.bin', data: '\u0000\u0002' }),
      ]),
    );
    const { stdout } = await cli(['diff', '--text-diff', a, b]);
    expect(stdout).toContain('--- a/conf.ini\n+++ b/conf.ini\n@@ -1,3 +1,3 @@\n a=1\n-b=2\n+b=20\n c=3\n');
    expect(stdout).toContain('Binary or large file blob.bin: first difference at byte 1\n');
  });

  it('rejects a bad --only and a missing operand with exit 2', async () => {
    expect((await cli(['diff', '--only', 'files,pages', before, after])).stderr).toBe(
      'snapinspect: --only takes files, memory, metadata; not pages (USAGE)\n',
    );
    expect((await cli(['diff', before])).stderr).toBe(
      'snapinspect: diff needs two snapshots: snapinspect diff A B (USAGE)\n',
    );
  });
});

const docker = join(corpusRoot, 'docker');
const icp = join(corpusRoot, 'icp/counter');
const corpus = existsSync(join(docker, 'tiny-export-t1.tar')) && existsSync(join(icp, 'before'));
if (!corpus) console.warn(`SKIPPED diff corpus suite: ${corpusRoot} not found`);

describe.skipIf(!corpus)('diff on the shared corpus (ground truth in corpus/README.md)', () => {
  it('tiny-export-t1 → t2: exactly the listed differences', async () => {
    const { code, stdout } = await cli([
      'diff',
      '--json',
      join(docker, 'tiny-export-t1.tar'),
      join(docker, 'tiny-export-t2.tar'),
    ]);
    expect(code).toBe(1);
    const files = JSON.parse(stdout).files.map((f: { path: string; change: string; fields?: string[] }) => [
      f.path,
      f.change,
      f.fields ?? [],
    ]);
    expect(files).toEqual([
      ['etc/newfile', 'added', []],
      ['etc/os-release', 'added', []],
      ['root/hello.txt', 'modified', ['size', 'content', 'mtime']],
      ['root/link', 'removed', []],
      ['usr/share/app/app.conf', 'metadata', ['mode']],
      ['var/lib/app/db/rows.txt', 'modified', ['size', 'content', 'mtime']],
    ]);
    const withDirs = JSON.parse(
      (
        await cli([
          'diff',
          '--json',
          '--dir-mtimes',
          '--only',
          'files',
          join(docker, 'tiny-export-t1.tar'),
          join(docker, 'tiny-export-t2.tar'),
        ])
      ).stdout,
    );
    expect(
      withDirs.files
        .filter((f: { fields?: string[] }) => f.fields?.join() === 'mtime')
        .map((f: { path: string }) => f.path),
    ).toEqual(['etc', 'root', 'var/lib/app', 'var/lib/app/db']);
  });

  it('ICP counter before → after: heap pages 5, 10, 24 changed, 40-47 added; stable page 3; metadata', async () => {
    const json = JSON.parse(
      (await cli(['diff', '--json', '--ignore-mtime', join(icp, 'before'), join(icp, 'after')])).stdout,
    );
    const memory = Object.fromEntries(json.memory.map((m: { name: string }) => [m.name, m]));
    expect(memory['wasm_memory.bin']).toMatchObject({
      changedPages: [
        [5, 5],
        [10, 10],
        [24, 24],
      ],
      addedPages: [[40, 47]],
      addedZeroPages: [
        [40, 44],
        [46, 47],
      ],
      removedPages: [],
      bytesChanged: 1536,
    });
    expect(memory['stable_memory.bin']).toMatchObject({ changedPages: [[3, 3]], bytesChanged: 64 });
    expect(memory['stable_memory.bin/memory 1']).toMatchObject({ changedPages: [[2, 2]] });
    expect(json.metadata.map((m: { key: string }) => m.key)).toEqual([
      'taken_at_timestamp',
      'globals[0].value',
      'globals[1].value',
      'globals[2].value',
      'globals[3].value',
      'wasm_memory_size',
      'canister_version',
      'certified_data',
      'global_timer',
    ]);
    expect(json.metadata.find((m: { key: string }) => m.key === 'canister_version')).toEqual({
      key: 'canister_version',
      before: 12,
      after: 15,
    });
    const textReport = (await cli(['diff', '--ignore-mtime', join(icp, 'before'), join(icp, 'after')])).stdout;
    expect(textReport).toContain('  globals[1].value: 9007199254740993 → 9007199254740995\n');
    expect(textReport).toContain('  global_timer: inactive → {active: 2025-11-22T02:06:40Z}\n');
  });

  it('LXD before-upgrade → after-upgrade: version.txt added, os-release removed', async () => {
    const backup = join(corpusRoot, 'lxd/web1-backup.tar.gz');
    const { code, stdout } = await cli([
      'diff',
      '--json',
      '--only',
      'files',
      `${backup}#before-upgrade`,
      `${backup}#after-upgrade`,
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).files.map((f: { path: string; change: string }) => `${f.change} ${f.path}`)).toEqual([
      'removed etc/os-release',
      'added usr/share/app/version.txt',
    ]);
    const latest = await cli(['diff', '--only', 'files', `${backup}#after-upgrade`, `${backup}#container`]);
    expect(latest.code).toBe(0);
  });

  it('compares image layers by selector and a layer with an export across formats', async () => {
    const legacy = join(docker, 'tiny-save-legacy.tar');
    const layers = JSON.parse(
      (await cli(['diff', '--json', '--only', 'files', `${legacy}#layer:1`, `${legacy}#layer:2`])).stdout,
    );
    expect(layers.same).toBe(false);
    const merged = JSON.parse(
      (
        await cli([
          'diff',
          '--json',
          '--only',
          'files',
          '--ignore-mtime',
          `${legacy}#merged`,
          join(docker, 'tiny-export-t1.tar'),
        ])
      ).stdout,
    );
    expect(
      merged.files.map(
        (f: { path: string; change: string; stub?: boolean }) => `${f.change} ${f.path}${f.stub ? ' (stub)' : ''}`,
      ),
    ).toEqual([
      'added .dockerenv (stub)',
      'added dev',
      'added dev/console (stub)',
      'added dev/pts',
      'added dev/shm',
      'modified etc/hostname (stub)',
      'added etc/hosts (stub)',
      'added etc/mtab',
      'added etc/resolv.conf (stub)',
      'added proc',
      'added sys',
    ]);
  });
});
