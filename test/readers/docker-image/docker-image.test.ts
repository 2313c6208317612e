import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import type { MetaRecord } from '../../../src/model/metadata.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { findNode, walk, type TreeNode } from '../../../src/model/tree.js';
import { dockerImageReader } from '../../../src/readers/docker-image/index.js';
import { probePath } from '../../../src/readers/probe.js';
import { verifySnapshot } from '../../../src/verify/index.js';
import { checkFindings } from '../../helpers/checks.js';
import { corpusRoot, tempDir } from '../../helpers/cli.js';
import {
  buildImage,
  dir,
  file,
  hardlink,
  imageMembers,
  sha256,
  symlink,
  tarOf,
  whiteout,
  type ImageLayout,
  type ImageSpec,
  type Members,
} from '../../helpers/image-builder.js';
import type { TarEntrySpec } from '../../helpers/tar-builder.js';

const work = tempDir('snapinspect-image-');
let written = 0;

function write(bytes: Uint8Array): string {
  const path = join(work, `image-${written++}.tar`);
  writeFileSync(path, bytes);
  return path;
}

async function openPath(path: string, showSecrets = false): Promise<Snapshot> {
  const probe = await probePath(path);
  return dockerImageReader.open(probe, await dockerImageReader.detect(probe), { showSecrets });
}

const open = (bytes: Uint8Array, showSecrets = false): Promise<Snapshot> => openPath(write(bytes), showSecrets);
const variantOf = async (bytes: Uint8Array): Promise<string | null> =>
  dockerImageReader.detect(await probePath(write(bytes)));

/** `path` for files, `path/` for directories, `path -> target` for links; whiteout nodes are `path (whiteout)`. */
async function listing(root: TreeNode): Promise<string[]> {
  const lines: string[] = [];
  for await (const { node, segments } of walk(root)) {
    const path = segments.join('/');
    lines.push(
      node.kind === 'dir'
        ? `${path}/`
        : node.kind === 'whiteout'
          ? `${path} (whiteout)`
          : node.linkTarget
            ? `${path} -> ${node.linkTarget}`
            : path,
    );
  }
  return lines;
}

const at = async (root: TreeNode, path: string): Promise<TreeNode> =>
  (await findNode(root, path.split('/'))) ?? Promise.reject(new Error(`no ${path}`));

async function text(root: TreeNode, path: string): Promise<string> {
  const content = (await at(root, path)).content;
  return content ? new TextDecoder().decode(await content.read(0, content.size)) : '<no content>';
}

const child = (snapshot: Snapshot, selector: string): Promise<Snapshot> =>
  snapshot.children.find((c) => c.selector === selector)?.open() ?? Promise.reject(new Error(`no child ${selector}`));

const codes = (found: readonly Diagnostic[]): string[] => found.map((d) => d.code);
const merged = async (...layers: TarEntrySpec[][]): Promise<Snapshot> => open(buildImage('legacy', { layers }));

const twoLayers: ImageSpec = {
  repoTags: ['app:1'],
  layers: [
    [
      dir('etc'),
      file('etc/os-release', 'ID=tiny\n'),
      file('etc/passwd', 'root:x:0:0\n'),
      dir('bin'),
      file('bin/busybox', 'BB', 0o755),
      symlink('bin/sh', 'busybox'),
    ],
    [
      dir('etc'),
      whiteout('etc/.wh.os-release'),
      dir('root'),
      file('root/hello.txt', 'hello\n'),
      dir('var'),
      whiteout('var/.wh..wh..opq'),
    ],
  ],
  config: { author: 'ops', config: { Env: ['PATH=/bin', 'DB_PASSWORD=hunter2'], Cmd: ['sh'] } },
};
const expectedListing = [
  'bin/',
  'bin/busybox',
  'bin/sh -> busybox',
  'etc/',
  'etc/passwd',
  'root/',
  'root/hello.txt',
  'var/',
];
const layouts: ImageLayout[] = ['legacy', 'oci-compat', 'containerd', 'oci'];

/** The members of a built image, changed before they are written: the way broken inputs are made. */
function edit(layout: ImageLayout, change: (members: Members) => void, spec = twoLayers): Uint8Array {
  const members = imageMembers(layout, spec);
  change(members);
  return tarOf(members);
}
const layerPath = (members: Members, index: number): string =>
  [...members.keys()].filter((name) => name.endsWith('/layer.tar'))[index] ?? '';
const jsonOf = (members: Members, name: string): any => JSON.parse(new TextDecoder().decode(members.get(name)));
const setJson = (members: Members, name: string, value: unknown): void =>
  void members.set(name, new TextEncoder().encode(JSON.stringify(value)));

describe('merged view: OCI whiteout rules (docs/formats/containers.md, Whiteouts)', () => {
  it('a whiteout deletes a lower file or a whole subtree; one for a path no lower layer has is an info', async () => {
    const image = await merged(
      [dir('etc'), file('etc/a', 'A'), file('etc/b', 'B'), dir('opt/x/y'), file('opt/x/y/z')],
      [dir('etc'), whiteout('etc/.wh.a'), whiteout('etc/.wh.ghost'), whiteout('opt/.wh.x')],
    );
    expect(await listing(image.root)).toEqual(['etc/', 'etc/b', 'opt/']);
    expect(image.diagnostics).toEqual([
      expect.objectContaining({ severity: 'info', code: 'IMAGE_WHITEOUT_MISSING_TARGET', path: 'layer:2:etc/ghost' }),
    ]);
  });

  it('an opaque marker hides lower children and keeps what its own layer adds, before or after it', async () => {
    const image = await merged(
      [dir('d'), file('d/old'), dir('d/sub'), file('d/sub/f')],
      [dir('d'), file('d/new1', 'n'), whiteout('d/.wh..wh..opq'), file('d/new2')],
    );
    expect(await listing(image.root)).toEqual(['d/', 'd/new1', 'd/new2']);
    expect(image.diagnostics).toEqual([]);
  });

  it('a deleted path can be re-created by a higher layer', async () => {
    const image = await merged(
      [file('f', 'one'), dir('d'), file('d/old')],
      [whiteout('.wh.f'), whiteout('.wh.d')],
      [file('f', 'three'), dir('d'), file('d/new')],
    );
    expect(await listing(image.root)).toEqual(['d/', 'd/new', 'f']);
    expect(await text(image.root, 'f')).toBe('three');
    expect((await at(image.root, 'f')).attrs.layer).toBe(3);
  });

  it('a directory over a directory takes the new attributes and keeps the children', async () => {
    const image = await merged([dir('d', 0o755), file('d/c')], [dir('d', 0o700)]);
    expect(await at(image.root, 'd')).toMatchObject({ mode: 0o700, attrs: { layer: 2 } });
    expect(await at(image.root, 'd/c')).toMatchObject({ attrs: { layer: 1 } });
  });

  it('a file replaces a directory subtree, and a directory replaces a file', async () => {
    const image = await merged(
      [dir('p'), file('p/q'), file('r', 'file')],
      [file('p', 'now a file'), dir('r'), file('r/s')],
    );
    expect(await listing(image.root)).toEqual(['p', 'r/', 'r/s']);
    expect(await text(image.root, 'p')).toBe('now a file');
  });

  it('implicit parents keep the lower attributes, or appear as plain directories', async () => {
    const image = await merged([dir('var', 0o711)], [file('var/cache/z', 'z')]);
    expect(await listing(image.root)).toEqual(['var/', 'var/cache/', 'var/cache/z']);
    expect(await at(image.root, 'var')).toMatchObject({ mode: 0o711, attrs: { layer: 1 } });
    expect(await at(image.root, 'var/cache/z')).toMatchObject({ attrs: { layer: 2 } });
  });

  it('a hard link to a file of a lower layer reads that file', async () => {
    const image = await merged(
      [dir('bin'), file('bin/tool', 'tool data')],
      [dir('bin'), hardlink('bin/alias', 'bin/tool')],
    );
    expect(await text(image.root, 'bin/alias')).toBe('tool data');
    expect(codes(image.diagnostics)).toEqual([]);
    const broken = await merged([file('a')], [hardlink('b', 'nowhere')]);
    expect(codes(broken.diagnostics)).toEqual(['TAR_HARDLINK_MISSING']);
  });

  it('skips AUFS metadata and reports invalid whiteouts', async () => {
    const image = await merged(
      [file('a'), dir('d'), file('d/x')],
      [
        dir('.wh..wh.plnk'),
        file('.wh..wh.plnk/1.2', 'p'),
        file('.wh..wh.aufs'),
        whiteout('d/.wh.'),
        whiteout('d/.wh..'),
        whiteout('d/.wh...'),
      ],
    );
    expect(await listing(image.root)).toEqual(['a', 'd/', 'd/x']);
    expect(codes(image.diagnostics)).toEqual([
      'IMAGE_INVALID_WHITEOUT',
      'IMAGE_INVALID_WHITEOUT',
      'IMAGE_INVALID_WHITEOUT',
    ]);
  });

  it('treats a layer of just the end-of-archive blocks as empty', async () => {
    const members = imageMembers('legacy', { layers: [[file('a')], [file('b')]] });
    members.set(layerPath(members, 1), new Uint8Array(1024));
    const image = await open(tarOf(members));
    expect(await listing(image.root)).toEqual(['a']);
    expect(codes(image.diagnostics)).toEqual([]);
  });
});

describe('layouts', () => {
  it.each(layouts)('reads a %s save: variant, title, merged tree, layers, config', async (layout) => {
    const bytes = buildImage(layout, twoLayers);
    expect(await variantOf(bytes)).toBe(layout);
    const image = await open(bytes);
    expect(image).toMatchObject({ format: 'docker-image', variant: layout, title: 'app:1', diagnostics: [] });
    expect(await listing(image.root)).toEqual(expectedListing);
    expect(await text(image.root, 'root/hello.txt')).toBe('hello\n');
    const compression = layout === 'containerd' || layout === 'oci' ? 'gzip' : 'none';
    expect(image.metadata.layers).toEqual([
      expect.objectContaining({ index: 1, compression, comment: 'layer 1' }),
      expect.objectContaining({ index: 2, compression, created_by: '/bin/sh -c step 2' }),
    ]);
    expect(image.metadata).toMatchObject({
      author: 'ops',
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin', 'DB_PASSWORD=<redacted: --show-secrets reveals it>'] },
    });
    expect(image.children.map((c) => c.selector)).toEqual(['merged', 'layer:1', 'layer:2']);
    expect(await checkFindings(image)).toEqual([]);
    expect((await open(buildImage(layout, twoLayers), true)).metadata).toMatchObject({
      config: { Env: ['PATH=/bin', 'DB_PASSWORD=hunter2'] },
    });
  });

  it('redacts the credentials an image carries in its commands, labels, health check and build history', async () => {
    const secretful = {
      ...twoLayers,
      config: {
        config: {
          Env: ['PATH=/bin', 'DATABASE_URL=postgres://app:pg-Secret-1@db:5432/app', 'API_TOKEN=tok-Secret-2'],
          Cmd: ['serve', '--db-password=cmd-Secret-3', '--port=80'],
          Labels: { 'org.example.db.password': 'label-Secret-4', maintainer: 'ops' },
          Healthcheck: { Test: ['CMD', 'curl', 'https://probe:hc-Secret-5@localhost/health'] },
        },
        history: [
          { created_by: '/bin/sh -c #(nop)  ENV DB_PASSWORD=env-Secret-6', empty_layer: true },
          { created_by: '|1 NPM_TOKEN=arg-Secret-7 /bin/sh -c npm ci', comment: 'layer 1' },
          { created_by: '/bin/sh -c #(nop)  ENV ROOT_PASS old-Secret-8', empty_layer: true },
          { created_by: '/bin/sh -c make', comment: 'layer 2' },
        ],
      },
    };
    const archive = buildImage('legacy', secretful);
    const shown = JSON.stringify((await open(archive)).metadata);
    expect(shown.match(/[a-z]+-Secret-\d/g)).toBeNull();
    expect(shown).toContain('postgres://app:<redacted: --show-secrets reveals it>@db:5432/app');
    expect(shown).toContain('"maintainer":"ops"');
    expect(shown).toContain('--port=80');
    const revealed = JSON.stringify((await open(archive, true)).metadata);
    const planted = ['pg', 'tok', 'cmd', 'label', 'hc', 'env', 'arg', 'old'].map(
      (word, i) => `${word}-Secret-${i + 1}`,
    );
    expect(planted.filter((secret) => !revealed.includes(secret))).toEqual([]);
  });

  it('layer children show whiteouts as nodes; #merged is the default view', async () => {
    const image = await open(buildImage('containerd', twoLayers));
    const top = await child(image, 'layer:2');
    expect(await listing(top.root)).toEqual([
      'etc/',
      'etc/os-release (whiteout)',
      'root/',
      'root/hello.txt',
      'var/',
      'var/.wh..wh..opq (whiteout)',
    ]);
    expect(await at(top.root, 'etc/os-release')).toMatchObject({
      kind: 'whiteout',
      note: 'deletes etc/os-release from lower layers',
      attrs: { whiteout: '.wh.os-release' },
    });
    expect((await at(top.root, 'var/.wh..wh..opq')).note).toBe('opaque: hides lower contents of var');
    expect(await listing((await child(image, 'layer:1')).root)).toContain('etc/os-release');
    expect(await child(image, 'merged')).toBe(image);
    expect(await checkFindings(top)).toEqual([]);
  });

  it('picks linux/amd64 from a multi-platform index and lists the other manifests', async () => {
    const image = await open(
      buildImage('oci', {
        ...twoLayers,
        platforms: [
          { os: 'linux', architecture: 'arm64' },
          { os: 'linux', architecture: 'amd64' },
        ],
      }),
    );
    expect(image.metadata.architecture).toBe('amd64');
    const listed = (image.metadata.images as MetaRecord[]).map((other) => [
      other.selector,
      other.platform,
      other.shown,
      other.attestation ?? false,
    ]);
    expect(listed).toEqual([
      ['image:1', 'linux/arm64', false, false],
      ['image:2', 'linux/amd64', true, false],
      ['image:3', 'unknown/unknown', false, true],
    ]);
    expect((await child(image, 'image:1')).metadata.architecture).toBe('arm64');
  });

  it('shows the first of several images in manifest.json and the others as #image:N', async () => {
    const second: ImageSpec = { repoTags: ['other:2'], layers: [[file('only-in-two')]] };
    const image = await open(buildImage('legacy', [twoLayers, second]));
    expect(image.title).toBe('app:1');
    expect(codes(image.diagnostics)).toEqual(['IMAGE_SEVERAL']);
    expect(await listing((await child(image, 'image:2')).root)).toEqual(['only-in-two']);
  });

  it('does not claim other tars', async () => {
    const foreign = new Map([
      ['manifest.json', new TextEncoder().encode('[{"Config":"x.json","Layers":[]}]')],
      ['etc/passwd', new Uint8Array(3)],
    ]);
    expect(await variantOf(tarOf(foreign))).toBeNull();
  });
});

describe('verify', () => {
  it('reports a blob whose sha256 is not its name, and a config that does not hash to the image ID', async () => {
    const reindent = (members: Members, name: string): void =>
      void members.set(name, new TextEncoder().encode(JSON.stringify(jsonOf(members, name), null, 2)));
    const ociManifest = (members: Members): string =>
      [...members.keys()].find(
        (name) => name.startsWith('blobs/') && members.get(name)?.[0] === 0x7b && jsonOf(members, name).layers,
      ) ?? '';
    const blob = await open(edit('oci-compat', (members) => reindent(members, ociManifest(members))));
    expect(codes(await checkFindings(blob))).toEqual(['IMAGE_BLOB_DIGEST_MISMATCH']);
    const config = await open(
      edit('legacy', (members) =>
        reindent(members, [...members.keys()].find((name) => /^[0-9a-f]{64}\.json$/.test(name)) ?? ''),
      ),
    );
    expect(codes(await checkFindings(config))).toEqual(['IMAGE_CONFIG_DIGEST_MISMATCH']);
  });

  it.each(['legacy', 'containerd'] as const)(
    'reports a %s layer whose decompressed sha256 is not its diff_id',
    async (layout) => {
      const spec = {
        ...twoLayers,
        config: {
          rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`, `sha256:${sha256(new Uint8Array(0))}`] },
        },
      };
      const found = await checkFindings(await open(buildImage(layout, spec)));
      expect(found.map((d) => [d.code, /rootfs\.diff_ids\[\d\]/.test(d.message)])).toEqual([
        ['IMAGE_DIFF_ID_MISMATCH', true],
        ['IMAGE_DIFF_ID_MISMATCH', true],
      ]);
    },
  );

  it('reports a descriptor size that is not the blob size', async () => {
    const image = await open(
      edit('oci-compat', (members) => {
        const manifest = jsonOf(members, 'manifest.json');
        const source = Object.values(manifest[0].LayerSources)[1] as { size: number };
        source.size += 1;
        setJson(members, 'manifest.json', manifest);
      }),
    );
    expect(codes(await checkFindings(image))).toEqual(['IMAGE_SIZE_MISMATCH']);
  });

  it('reports a layer the manifest names but the archive lacks, once', async () => {
    const image = await open(edit('legacy', (members) => members.delete(layerPath(members, 0))));
    expect(codes(image.diagnostics)).toEqual(['IMAGE_LAYER_MISSING', 'IMAGE_WHITEOUT_MISSING_TARGET']);
    expect(await listing(image.root)).toEqual(['etc/', 'root/', 'root/hello.txt', 'var/']);
    expect(await checkFindings(image)).toEqual([]);
    expect(codes((await verifySnapshot(image)).findings).filter((code) => code === 'IMAGE_LAYER_MISSING')).toEqual([
      'IMAGE_LAYER_MISSING',
    ]);
  });
});

describe('broken inputs give diagnostics, never throw', () => {
  it('a truncated layer, plain or gzip', async () => {
    const cut = (members: Members, name: string, length: number): void =>
      void members.set(name, members.get(name)?.subarray(0, length) ?? new Uint8Array());
    const plain = await open(edit('legacy', (members) => cut(members, layerPath(members, 0), 1600)));
    expect(plain.diagnostics.filter((d) => d.code === 'TAR_TRUNCATED').map((d) => d.path)).toEqual(['layer:1']);
    expect(codes(await checkFindings(plain))).toEqual(['IMAGE_DIFF_ID_MISMATCH']);
    const gzip = await open(
      edit('containerd', (members) => cut(members, jsonOf(members, 'manifest.json')[0].Layers[0], 60)),
    );
    expect(codes(gzip.diagnostics)).toEqual(['IMAGE_LAYER_UNREADABLE', 'IMAGE_WHITEOUT_MISSING_TARGET']);
    expect(codes(await checkFindings(gzip))).toEqual([
      'IMAGE_SIZE_MISMATCH',
      'IMAGE_BLOB_DIGEST_MISMATCH',
      'IMAGE_DIFF_ID_MISMATCH',
    ]);
  });

  it('a layer that is not a tar', async () => {
    const image = await open(
      edit('legacy', (members) =>
        members.set(layerPath(members, 1), new TextEncoder().encode('not a tar at all'.repeat(64))),
      ),
    );
    expect(codes(image.diagnostics)).toEqual(['IMAGE_LAYER_UNREADABLE']);
    expect(await listing(image.root)).toContain('etc/os-release');
  });

  it('a manifest.json that is not JSON', async () => {
    const legacy = await open(
      edit('legacy', (members) => members.set('manifest.json', new TextEncoder().encode('[{"Config":'))),
    );
    expect(legacy).toMatchObject({ variant: 'legacy', children: [expect.objectContaining({ selector: 'merged' })] });
    expect(codes(legacy.diagnostics)).toEqual(['IMAGE_MANIFEST_INVALID']);
    const compat = await open(
      edit('oci-compat', (members) => members.set('manifest.json', new TextEncoder().encode('nope'))),
    );
    expect(codes(compat.diagnostics)).toEqual(['IMAGE_MANIFEST_INVALID']);
    expect(await listing(compat.root)).toEqual(expectedListing);
  });

  it('a missing or unreadable config, a bad index.json, mismatched layer counts', async () => {
    const noConfig = await open(
      edit('legacy', (members) =>
        members.delete(
          [...members.keys()].find(
            (name) => name.endsWith('.json') && !name.includes('/') && name !== 'manifest.json',
          ) ?? '',
        ),
      ),
    );
    expect(codes(noConfig.diagnostics)).toEqual(['IMAGE_CONFIG_MISSING']);
    expect(await listing(noConfig.root)).toEqual(expectedListing);
    const badIndex = await open(
      edit('oci', (members) => members.set('index.json', new TextEncoder().encode('{"manifests": 3}'))),
    );
    expect(codes(badIndex.diagnostics)).toEqual(['IMAGE_MANIFEST_INVALID']);
    const counts = await open(
      buildImage('legacy', {
        ...twoLayers,
        config: {
          rootfs: { type: 'layers', diff_ids: ['sha256:00'] },
          history: [{ comment: 'x' }, { empty_layer: true }],
        },
      }),
    );
    expect(codes(counts.diagnostics)).toEqual(['IMAGE_LAYER_COUNT_MISMATCH', 'IMAGE_LAYER_COUNT_MISMATCH']);
  });

  it.each(['legacy', 'oci-compat'] as const)('a %s save cut off in the middle of a layer', async (layout) => {
    const image = await open(buildImage(layout, twoLayers).subarray(0, 3000));
    expect(codes(image.diagnostics)).toEqual(['TAR_TRUNCATED', 'IMAGE_MANIFEST_INVALID']);
    expect(await listing(image.root)).toEqual([]);
  });
});

const docker = join(corpusRoot, 'docker');
const corpus = existsSync(join(docker, 'tiny-save-legacy.tar'));
if (!corpus) console.warn(`SKIPPED docker-image corpus tests: ${docker} not found`);

describe.skipIf(!corpus)('shared corpus (ground truth in corpus/README.md)', () => {
  it('tiny-save-legacy.tar: two layers, the whiteout of etc/os-release, the commit config', async () => {
    const image = await openPath(join(docker, 'tiny-save-legacy.tar'));
    expect(image).toMatchObject({ variant: 'legacy', title: 'tinysnap:pre', diagnostics: [] });
    const history = [{ comment: 'Imported from -' }, { comment: 'before upgrade', author: 'ops' }];
    expect(image.metadata).toMatchObject({
      author: 'ops',
      config: { Env: ['SNAPSHOT_DATE=2026-11-21'] },
      history,
      layers: [{ index: 1 }, { index: 2 }],
    });
    const top = await child(image, 'layer:2');
    expect(await at(top.root, 'etc/os-release')).toMatchObject({ kind: 'whiteout' });
    expect(await listing(top.root)).toHaveLength(14);
    expect(await findNode(image.root, ['etc', 'os-release'])).toBeUndefined();
    expect(await at(image.root, 'root/hello.txt')).toMatchObject({ size: 6, attrs: { layer: 2 } });
    expect(await text(image.root, 'root/hello.txt')).toBe('hello\n');
    expect(await at(image.root, 'usr/share/app/app.conf')).toMatchObject({ mode: 0o600, attrs: { layer: 2 } });
    expect(await at(image.root, 'etc/passwd')).toMatchObject({ size: 30, attrs: { layer: 1 } });
    expect(await checkFindings(image)).toEqual([]);
  });

  it('tiny-oci.tar: podman oci-archive with one gzip layer', async () => {
    const image = await openPath(join(docker, 'tiny-oci.tar'));
    expect(image).toMatchObject({ variant: 'oci', title: 'localhost/tiny:1', diagnostics: [] });
    expect(image.metadata).toMatchObject({
      created: '2026-11-22T01:11:21.414314768Z',
      architecture: 'amd64',
      os: 'linux',
      config: {},
      image_id: 'sha256:5380c352e042f96c684c43dbfe7b90608fc91745f97f1185fbd245fa28a84b1b',
    });
    expect(image.metadata.history).toEqual([expect.objectContaining({ comment: 'imported from tarball' })]);
    expect(image.metadata.layers).toEqual([
      expect.objectContaining({
        compression: 'gzip',
        size: 1083994,
        media_type: 'application/vnd.oci.image.layer.v1.tar+gzip',
        diff_id: 'sha256:387d5099a244e37f57a46b457f4daaf7e38199ed5092b0a1fc6ca3ec2ed654d3',
      }),
    ]);
    expect(await text(image.root, 'etc/os-release')).toHaveLength(25);
    expect(await checkFindings(image)).toEqual([]);
  });
});
