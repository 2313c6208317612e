/** LXD exports and dir-pool folders built in code, in the shapes docs/formats/containers.md, LXD export describes. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { buildTar, tarEntry, type TarEntrySpec } from './tar-builder.js';

export const GO_ZERO = '0001-01-01T00:00:00Z';
const MTIME = 1_795_309_868; // 2026-11-22 01:11:08 UTC, the corpus sample's base time

/** Paths inside rootfs/: text is a file, `{ link }` a symlink. */
export type RootfsFiles = Record<string, string | { link: string }>;

export interface LxdSnapshotSpec {
  name: string;
  createdAt: string;
  expiresAt?: string;
  stateful?: boolean;
  files?: RootfsFiles;
  /** false: the config lists it but no folder is written. */
  folder?: boolean;
  /** false: the folder has no rootfs/. */
  rootfs?: boolean;
  /** Raw text for the snapshot folder's backup.yaml. */
  backupYaml?: string;
}

export interface LxdInstanceSpec {
  name?: string;
  config?: Record<string, string>;
  files?: RootfsFiles;
  snapshots?: LxdSnapshotSpec[];
  /** Snapshot folders the config does not list. */
  unlisted?: LxdSnapshotSpec[];
  rootfs?: boolean;
}

export interface LxdExportSpec extends LxdInstanceSpec {
  shape: 'v1' | 'v2' | 'none';
  kind?: 'container' | 'virtual-machine';
  /** Write backup/<instance>/backup.yaml (the older layout); default: only for shape none. */
  backupYaml?: boolean | string;
  /** Raw text for index.yaml. */
  indexYaml?: string;
  /** Raw text for the instance's metadata.yaml. */
  metadataYaml?: string;
  /** `--optimized-storage` with this backend: send streams instead of folders. */
  optimized?: 'zfs' | 'btrfs';
  extra?: TarEntrySpec[];
  /** Members written before index.yaml, which then is no longer first. */
  before?: TarEntrySpec[];
  gzip?: boolean;
  /** The VM's root disk bytes (`backup/virtual-machine.img`); a short text stands in by default. */
  vmDisk?: Uint8Array;
}

export const DEFAULT_FILES: RootfsFiles = {
  'etc/hostname': 'web1\n',
  'etc/os-release': 'ID=debian\nVERSION_ID=12\n',
  'bin/busybox': 'ELF',
  'bin/sh': { link: 'busybox' },
};

const METADATA_YAML = stringify({
  architecture: 'x86_64',
  creation_date: 1795309385,
  properties: { description: 'Debian bookworm minbase', os: 'debian', release: 'bookworm' },
});

function instanceRecord(spec: LxdInstanceSpec, kind: string): Record<string, unknown> {
  const config = spec.config ?? { 'image.os': 'debian', 'snapshots.expiry': '7d' };
  return {
    architecture: 'x86_64',
    config,
    devices: {},
    ephemeral: false,
    profiles: ['default'],
    stateful: false,
    description: '',
    created_at: '2026-11-22T01:11:25.31029016Z',
    expanded_config: config,
    expanded_devices: { root: { path: '/', pool: 'default', type: 'disk' } },
    name: spec.name ?? 'web1',
    status: 'Stopped',
    status_code: 102,
    last_used_at: '1970-01-01T00:00:00Z',
    location: 'none',
    type: kind,
    project: 'default',
  };
}

function snapshotRecord(snapshot: LxdSnapshotSpec): Record<string, unknown> {
  return {
    expires_at: snapshot.expiresAt ?? GO_ZERO,
    architecture: 'x86_64',
    config: { 'image.os': 'debian' },
    created_at: snapshot.createdAt,
    devices: {},
    ephemeral: false,
    expanded_config: {},
    expanded_devices: {},
    last_used_at: GO_ZERO,
    name: snapshot.name,
    profiles: ['default'],
    stateful: snapshot.stateful ?? false,
    size: -1,
  };
}

/** The `config` of index.yaml, or a whole backup.yaml, in shape v1 or v2. */
export function lxdConfig(spec: LxdInstanceSpec, shape: 'v1' | 'v2', kind = 'container'): Record<string, unknown> {
  const snapshots = (spec.snapshots ?? []).map(snapshotRecord);
  const pool = {
    name: 'default',
    driver: 'dir',
    config: { source: '/var/lib/lxd/storage-pools/default' },
    status: 'Created',
  };
  const profiles = [{ name: 'default', config: {}, devices: { root: { path: '/', pool: 'default', type: 'disk' } } }];
  const volume = {
    name: spec.name ?? 'web1',
    type: kind,
    content_type: 'filesystem',
    project: 'default',
    created_at: GO_ZERO,
  };
  const volumeSnapshots = (spec.snapshots ?? []).map((snapshot) => ({
    name: snapshot.name,
    content_type: 'filesystem',
    created_at: GO_ZERO,
    expires_at: GO_ZERO,
  }));
  if (shape === 'v2')
    return {
      version: 2,
      instance: instanceRecord(spec, kind),
      snapshots,
      pools: [pool],
      profiles,
      volumes: [{ ...volume, pool: 'default', snapshots: volumeSnapshots }],
    };
  return {
    container: instanceRecord(spec, kind),
    snapshots,
    pool,
    profiles,
    volume,
    volume_snapshots: volumeSnapshots,
  };
}

export function lxdIndex(spec: LxdExportSpec): string {
  const listed = (spec.snapshots ?? []).map((snapshot) => snapshot.name);
  const kind = spec.kind ?? 'container';
  const index: Record<string, unknown> = {
    name: spec.name ?? 'web1',
    backend: spec.optimized ?? 'dir',
    pool: 'default',
    snapshots: listed,
    optimized: spec.optimized !== undefined,
    optimized_header: spec.optimized === 'btrfs',
    type: kind,
  };
  if (spec.shape !== 'none') index.config = lxdConfig(spec, spec.shape, kind);
  return stringify(index);
}

const dir = (name: string, mode = 0o755): TarEntrySpec => ({
  name,
  type: '5',
  mode,
  mtime: MTIME,
  uname: 'root',
  gname: 'root',
});
const file = (name: string, data: string | Uint8Array, mode = 0o644): TarEntrySpec => ({
  name,
  data,
  mode,
  mtime: MTIME,
  uname: 'root',
  gname: 'root',
});

/** rootfs/ members in the order LXD walks them: each folder before what it holds, names sorted. */
export function rootfsMembers(prefix: string, files: RootfsFiles): TarEntrySpec[] {
  const dirs = new Set<string>();
  for (const path of Object.keys(files))
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  const paths = [...new Set([...dirs, ...Object.keys(files)])].sort();
  return [
    dir(prefix),
    ...paths.map((path): TarEntrySpec => {
      const value = files[path];
      if (value === undefined) return dir(`${prefix}/${path}`);
      if (typeof value === 'string') return file(`${prefix}/${path}`, value);
      return {
        name: `${prefix}/${path}`,
        type: '2',
        linkname: value.link,
        mode: 0o777,
        mtime: MTIME,
        uname: 'root',
        gname: 'root',
      };
    }),
  ];
}

function containerFolder(
  prefix: string,
  files: RootfsFiles | undefined,
  backupYaml: string | undefined,
  rootfs: boolean,
): TarEntrySpec[] {
  const members = [dir(prefix, 0o100)];
  if (backupYaml !== undefined) members.push(file(`${prefix}/backup.yaml`, backupYaml, 0o400));
  members.push(
    file(`${prefix}/metadata.yaml`, METADATA_YAML),
    dir(`${prefix}/templates`),
    file(`${prefix}/templates/hostname.tpl`, '{{ container.name }}\n'),
  );
  return rootfs ? [...members, ...rootfsMembers(`${prefix}/rootfs`, files ?? DEFAULT_FILES)] : members;
}

/** `lxc export` output: index.yaml first, then the snapshots, then the instance. */
export function lxdExportTar(spec: LxdExportSpec): Uint8Array {
  const members: TarEntrySpec[] = [...(spec.before ?? []), file('backup/index.yaml', spec.indexYaml ?? lxdIndex(spec))];
  const snapshots = [...(spec.snapshots ?? []), ...(spec.unlisted ?? [])].filter(
    (snapshot) => snapshot.folder !== false,
  );
  if (spec.optimized) members.push(...optimizedMembers(spec, snapshots));
  else if (spec.kind === 'virtual-machine') members.push(...vmMembers(spec, snapshots));
  else members.push(...containerMembers(spec, snapshots));
  members.push(...(spec.extra ?? []));
  const tar = buildTar(members.map(tarEntry));
  return spec.gzip ? gzipSync(tar) : tar;
}

function ownBackupYaml(spec: LxdExportSpec): string | undefined {
  if (typeof spec.backupYaml === 'string') return spec.backupYaml;
  const wanted = spec.backupYaml ?? spec.shape === 'none';
  return wanted ? stringify(lxdConfig(spec, spec.shape === 'v2' ? 'v2' : 'v1')) : undefined;
}

function containerMembers(spec: LxdExportSpec, snapshots: LxdSnapshotSpec[]): TarEntrySpec[] {
  const members = snapshots.flatMap((snapshot, i) => {
    const own =
      snapshot.backupYaml ??
      stringify(
        lxdConfig({ ...spec, snapshots: (spec.snapshots ?? []).slice(0, i) }, spec.shape === 'v2' ? 'v2' : 'v1'),
      );
    return containerFolder(`backup/snapshots/${snapshot.name}`, snapshot.files, own, snapshot.rootfs !== false);
  });
  const instance = containerFolder('backup/container', spec.files, ownBackupYaml(spec), spec.rootfs !== false);
  if (spec.metadataYaml !== undefined)
    instance.splice(
      instance.findIndex((member) => member.name.endsWith('metadata.yaml')),
      1,
      file('backup/container/metadata.yaml', spec.metadataYaml),
    );
  return [...members, ...instance];
}

function vmMembers(spec: LxdExportSpec, snapshots: LxdSnapshotSpec[]): TarEntrySpec[] {
  const members = snapshots.flatMap((snapshot) => [
    dir(`backup/virtual-machine-snapshots/${snapshot.name}`, 0o100),
    file(`backup/virtual-machine-snapshots/${snapshot.name}/metadata.yaml`, METADATA_YAML),
    file(`backup/virtual-machine-snapshots/${snapshot.name}.img`, `disk of ${snapshot.name}`),
  ]);
  const disk = spec.rootfs === false ? [] : [file('backup/virtual-machine.img', spec.vmDisk ?? 'current disk')];
  return [
    ...members,
    dir('backup/virtual-machine', 0o100),
    file('backup/virtual-machine/metadata.yaml', METADATA_YAML),
    ...disk,
  ];
}

function optimizedMembers(spec: LxdExportSpec, snapshots: LxdSnapshotSpec[]): TarEntrySpec[] {
  const header =
    spec.optimized === 'btrfs'
      ? [file('backup/optimized_header.yaml', stringify({ subvolumes: [{ path: '/', snapshot: '' }] }))]
      : [];
  return [
    ...header,
    ...snapshots.map((snapshot) => file(`backup/snapshots/${snapshot.name}.bin`, `stream ${snapshot.name}`)),
    file('backup/container.bin', 'stream'),
  ];
}

/** A dir storage pool: `containers/<name>/` and `containers-snapshots/<name>/<snap>/`. Returns the instance folder. */
export function writeLxdDirPool(root: string, spec: LxdInstanceSpec & { backupYaml?: string }): string {
  const name = spec.name ?? 'web1';
  const instance = join(root, 'storage-pools', 'default', 'containers', name);
  writeVolume(
    instance,
    spec.files ?? DEFAULT_FILES,
    spec.backupYaml ?? stringify(lxdConfig(spec, 'v1')),
    spec.rootfs !== false,
  );
  const snapshots = [...(spec.snapshots ?? []), ...(spec.unlisted ?? [])].filter(
    (snapshot) => snapshot.folder !== false,
  );
  for (const snapshot of snapshots) {
    const own = snapshot.backupYaml ?? stringify(lxdConfig({ ...spec, snapshots: [] }, 'v1'));
    writeVolume(
      join(root, 'storage-pools', 'default', 'containers-snapshots', name, snapshot.name),
      snapshot.files ?? DEFAULT_FILES,
      own,
      snapshot.rootfs !== false,
    );
  }
  return instance;
}

function writeVolume(folder: string, files: RootfsFiles, backupYaml: string, rootfs: boolean): void {
  mkdirSync(join(folder, 'templates'), { recursive: true });
  writeFileSync(join(folder, 'backup.yaml'), backupYaml);
  writeFileSync(join(folder, 'metadata.yaml'), METADATA_YAML);
  if (!rootfs) return;
  mkdirSync(join(folder, 'rootfs'), { recursive: true });
  for (const [path, value] of Object.entries(files)) {
    const target = join(folder, 'rootfs', path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof value === 'string') writeFileSync(target, value);
    else symlinkSync(value.link, target);
  }
}
