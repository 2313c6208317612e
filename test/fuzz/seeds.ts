import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkpointFiles } from '../helpers/criu-builder.js';
import { canisterModule, icpFolderFiles, patternBytes, walkedStableMemory } from '../helpers/icp-builder.js';
import { buildGpt, mbrSector } from '../helpers/gpt-builder.js';
import { buildImage, dir, file, hardlink, symlink, whiteout } from '../helpers/image-builder.js';
import { lxdExportTar, writeLxdDirPool } from '../helpers/lxd-builder.js';
import { buildQcow2, filled, type SnapshotSpec } from '../helpers/qcow2-builder.js';
import { buildTar, tarEntry, type TarEntrySpec } from '../helpers/tar-builder.js';
import { buildZip, legacySnapshot } from '../helpers/zip-builder.js';
import { fileInput, folderInput, readFolder, type Input } from './input.js';

export interface Seed {
  name: string;
  input: Input;
}

const text = (value: unknown): Uint8Array =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value, null, 2));

const EXPORT_MEMBERS: TarEntrySpec[] = [
  file('.dockerenv', '', 0o755),
  dir('etc'),
  file('etc/hostname', 'web1\n'),
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
  symlink('etc/localtime', '/usr/share/zoneinfo/UTC'),
  hardlink('etc/passwd-', 'etc/passwd'),
];
const VOLUME_MEMBERS: TarEntrySpec[] = [
  dir('./'),
  file('./rows.txt', '1\n2\n'),
  dir('./sub'),
  file('./sub/deep.txt', 'deep'),
];
const LAYERS: TarEntrySpec[][] = [
  [dir('etc'), file('etc/os-release', 'ID=alpine\n'), file('etc/motd', 'hi'), symlink('bin', 'usr/bin')],
  [whiteout('etc/.wh.motd'), file('app.txt', 'v2'), dir('usr'), dir('usr/bin'), file('usr/bin/app', 'ELF')],
];

/** A single-segment zstd frame of one raw block: zstd without an encoder. */
function rawZstd(content: Uint8Array): Uint8Array {
  const block = (content.length << 3) | 1;
  const header = [
    0x28,
    0xb5,
    0x2f,
    0xfd,
    0x60,
    (content.length - 256) & 0xff,
    (content.length - 256) >> 8,
    block & 0xff,
    (block >> 8) & 0xff,
    block >> 16,
  ];
  return Uint8Array.from([...header, ...content]);
}

/**
 * The volume tar as the zstd tool compresses it (`zstd -19 --check`, zstd 1.5): compressed blocks
 * with Huffman literals and FSE sequences and a checksum, which `rawZstd` cannot make. Embedded so
 * the seed does not depend on the tool; it stands in for the zstd truncation and flip sweeps of
 * test/readers/shared/compression.test.ts.
 */
const VOLUME_ZSTD_TOOL = Buffer.from(
  'KLUv/QRo/QMAogUREaDt8LHjt1WVtya1poQCxxkyzQZOKNpaqs9+R4pvCAUE7INu2V1mNnBC8SRzQ+ivDsEXtYPy+fz6889h0rx67T7XIQIWIDAvt239K8hHhX4rGFsdBibGCmWmasaAUQUfVYNVucwqdDvA1CSgAmwGk04gNTEgQUwBzCfnBvA787Y=',
  'base64',
);

function inspectJson(mounts: object[]): Uint8Array {
  const container = {
    Id: 'c0ffee',
    Name: '/web',
    Created: '2026-11-22T01:11:18.2638591Z',
    Image: 'sha256:base',
    State: { Status: 'running', Running: true },
    Config: { Image: 'web:1', Env: ['PATH=/bin', 'DB_PASSWORD=hunter2'], Cmd: ['serve'] },
    Mounts: mounts,
  };
  return text([container]);
}

function multipassDescription(index: number, name: string, parent: number): Uint8Array {
  const snapshot = {
    comment: '',
    creation_timestamp: `2026-11-22T01:11:3${index}.120Z`,
    disk_space: '268435456',
    extra_interfaces: [],
    index,
    mem_size: '1073741824',
    metadata: {},
    mounts: [],
    name,
    num_cores: 1,
    parent,
    state: 1,
    cloud_init_instance_id: 'primary',
  };
  return text({ snapshot });
}

function qcow2(): Uint8Array {
  const snapshots: SnapshotSpec[] = [
    { name: '@s1', clusters: { 0: filled(1, 4096) } },
    { name: '@s2', clusters: { 0: filled(1, 4096), 1: { compressed: filled(2, 4096) } } },
  ];
  return buildQcow2({
    clusterBits: 12,
    virtualSize: 65536,
    clusters: { 0: filled(1, 4096), 2: 'zero', 3: filled(4, 4096) },
    snapshots,
  }).bytes;
}

/** A small GPT disk: two partitions, primary and backup copies. */
function gptDisk(): Uint8Array {
  const linux = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
  return buildGpt({
    sectorSize: 512,
    sectors: 256,
    diskGuid: '11111111-2222-3333-4444-555555555555',
    entries: 4,
    partitions: [
      { typeGuid: linux, guid: 'AAAAAAAA-BBBB-CCCC-DDDD-000000000001', firstLba: 8, lastLba: 99, name: 'one' },
      { typeGuid: linux, guid: 'AAAAAAAA-BBBB-CCCC-DDDD-000000000002', firstLba: 100, lastLba: 250, name: 'two' },
    ],
  });
}

/** A small MBR disk: a primary partition and an extended one with two logical partitions. */
function mbrDisk(): Uint8Array {
  const disk = new Uint8Array(256 * 512);
  disk.set(
    mbrSector(0xdbae1642, [
      { type: 0x83, start: 8, sectors: 40, bootable: true },
      { type: 0x05, start: 64, sectors: 192 },
    ]),
  );
  disk.set(
    mbrSector(0, [
      { type: 0x83, start: 8, sectors: 50 },
      { type: 0x05, start: 64, sectors: 100 },
    ]),
    64 * 512,
  );
  disk.set(mbrSector(0, [{ type: 0x82, start: 8, sectors: 50 }]), 128 * 512);
  return disk;
}

/** Builders that write folders themselves run in a scratch folder that is read back into an input. */
function builtFolder(build: (root: string) => string): Input {
  const root = mkdtempSync(join(tmpdir(), 'snapinspect-seed-'));
  try {
    return readFolder(root, relative(root, build(root)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A zip no snapshot format claims: a folder, a script, a symlink to it and a stored file. */
const ZIP_MEMBERS = [
  { name: 'app/', mode: 0o40755 },
  { name: 'app/run.sh', data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
  { name: 'app/current', data: 'run.sh', mode: 0o120777 },
  { name: 'README.txt', data: 'read me\n', method: 0 },
];

const lxdSnapshots = [
  { name: 'snap0', createdAt: '2026-11-20T10:00:00Z' },
  { name: 'snap1', createdAt: '2026-11-21T10:00:00Z', files: { 'etc/hostname': 'web2\n' } },
];

/**
 * Unmutated fixtures per reader id, built by the same helpers the reader tests use. A new reader
 * joins the fuzzer with one line here.
 */
export const seedsByReader: Record<string, () => Seed[]> = {
  'icp-snapshot': () => [
    {
      name: 'icp-cli',
      input: folderInput(icpFolderFiles({ flavour: 'icp-cli', wasmPages: 1, chunks: [patternBytes(100, 3)] })),
    },
    {
      name: 'dfx-gzip',
      input: folderInput(icpFolderFiles({ flavour: 'dfx', wasmPages: 1, gzipModule: true, chunks: [] })),
    },
    {
      name: 'stable-walked',
      input: folderInput(icpFolderFiles({ flavour: 'icp-cli', chunks: [], stableMemory: walkedStableMemory() })),
    },
  ],
  'wasm-module': () => [
    { name: 'module', input: fileInput(canisterModule()) },
    { name: 'memory64', input: fileInput(canisterModule(true)) },
  ],
  'docker-export': () => [{ name: 'export', input: fileInput(buildTar(EXPORT_MEMBERS.map(tarEntry))) }],
  tar: () => [
    { name: 'volume', input: fileInput(buildTar(VOLUME_MEMBERS.map((spec) => tarEntry({ ...spec, style: 'gnu' })))) },
    { name: 'volume-gz', input: fileInput(gzipSync(buildTar(VOLUME_MEMBERS.map(tarEntry)))) },
    { name: 'volume-zst', input: fileInput(rawZstd(buildTar(VOLUME_MEMBERS.map(tarEntry)))) },
    { name: 'volume-zstd-tool', input: fileInput(new Uint8Array(VOLUME_ZSTD_TOOL)) },
  ],
  'docker-image': () => [
    { name: 'legacy', input: fileInput(buildImage('legacy', { layers: LAYERS, repoTags: ['web:1'] })) },
    {
      name: 'oci',
      input: fileInput(buildImage('oci', { layers: LAYERS, platforms: [{ os: 'linux', architecture: 'amd64' }] })),
    },
  ],
  'docker-inspect': () => [
    { name: 'inspect', input: fileInput(inspectJson([{ Type: 'volume', Name: 'data', Destination: '/data' }])) },
  ],
  'docker-bundle': () => [
    {
      name: 'bundle',
      input: folderInput({
        'web_image.tar': buildImage('legacy', {
          layers: LAYERS,
          repoTags: ['web:snap'],
          config: { container: 'c0ffee' },
        }),
        'web_vol_data.tar.gz': gzipSync(buildTar(VOLUME_MEMBERS.map(tarEntry))),
        'web_inspect.json': inspectJson([{ Type: 'volume', Name: 'data', Destination: '/var/lib/data' }]),
      }),
    },
  ],
  'lxd-export': () => [
    { name: 'v2', input: fileInput(lxdExportTar({ shape: 'v2', snapshots: lxdSnapshots })) },
    { name: 'vm-gz', input: fileInput(lxdExportTar({ shape: 'v1', kind: 'virtual-machine', gzip: true })) },
  ],
  'lxd-dir': () => [
    { name: 'dir-pool', input: builtFolder((root) => writeLxdDirPool(root, { snapshots: lxdSnapshots })) },
  ],
  qcow2: () => [{ name: 'qcow2', input: fileInput(qcow2()) }],
  'raw-disk': () => [
    { name: 'gpt', input: fileInput(gptDisk()) },
    { name: 'mbr-chain', input: fileInput(mbrDisk()) },
  ],
  zip: () => [
    { name: 'files', input: fileInput(buildZip(ZIP_MEMBERS)) },
    {
      name: 'self-extracting',
      input: fileInput(Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), buildZip(ZIP_MEMBERS)])),
    },
  ],
  multipass: () => [
    {
      name: 'instance',
      input: folderInput({
        '0001.snapshot.json': multipassDescription(1, 'snapshot1', 0),
        '0002.snapshot.json': multipassDescription(2, 'later', 1),
        'snapshot-head': '2\n',
        'snapshot-count': '2\n',
        'primary.img': qcow2(),
      }),
    },
  ],
  'multipass-snapshot': () => [{ name: 'description', input: fileInput(multipassDescription(1, 'snapshot1', 0)) }],
  cloudify: () => [
    { name: 'legacy', input: fileInput(buildZip(legacySnapshot())) },
    { name: 'zip64', input: fileInput(buildZip(legacySnapshot(), { zip64: true })) },
    {
      name: 'nested',
      input: fileInput(
        buildZip([
          ...legacySnapshot(),
          {
            name: 'blueprints/default_tenant/bp2.zip',
            data: buildZip([
              { name: 'bp.yaml', data: 'a: 1\n' },
              { name: 'inner.zip', data: buildZip([{ name: 'deep.txt', data: 'deep' }]) },
            ]),
          },
        ]),
      ),
    },
  ],
  criu: () => [{ name: 'checkpoint', input: folderInput(checkpointFiles()) }],
  manifest: () => [
    {
      name: 'manifest',
      input: fileInput(
        text({
          snapinspectManifest: 1,
          format: 'icp-snapshot',
          title: 'x',
          metadata: { a: 1 },
          files: [
            { path: 'a', kind: 'file', size: 3, sha256: '00'.repeat(32) },
            { path: 'mem', kind: 'memory', size: 65536 },
          ],
          memories: {},
        }),
      ),
    },
  ],
};
