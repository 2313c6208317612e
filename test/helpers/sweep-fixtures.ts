/**
 * The hostile fixtures of the output sweep (test/app/output-sweep.test.ts), one per reader family,
 * each written twice to a scratch folder: as planted, and with its secret (or one byte) changed, so
 * `diff` has something to report. Names carry OSC 52 and clear-screen sequences, C1 controls as
 * UTF-8 and as raw bytes, bidi overrides and isolates and invalid UTF-8; configs carry planted secrets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli.js';
import { checkpointFiles, writeFiles as writeCriuFiles } from './criu-builder.js';
import { icpFolderFiles, writeFiles as writeIcpFiles } from './icp-builder.js';
import { buildImage, dir, file, symlink } from './image-builder.js';
import { lxdExportTar } from './lxd-builder.js';
import { buildQcow2, filled } from './qcow2-builder.js';
import { buildTar, concat, padToBlock, tarEntry, tarHeader, type TarEntrySpec } from './tar-builder.js';
import { buildZip, legacySnapshot, secretStrings } from './zip-builder.js';

export const OSC52 = '\u001b]52;c;QQ==\u0007';
export const HOSTILE_NAMES = [
  `${OSC52}clip.txt`,
  '\u001b[2Jclear.txt',
  'c1-\u0085\u009b31m.txt',
  'bidi-\u202etxt.exe',
  'isolates-\u2066\u2067\u2068\u2069.txt',
];
/** Member names that are not UTF-8: a raw CSI byte (0x9b) and a lone 0xff. */
const RAW_NAMES = [Uint8Array.from([0x63, 0x31, 0x2d, 0x9b, 0x33, 0x31, 0x6d]), Uint8Array.from([0x66, 0xff, 0xfe])];

/** Every planted value; --show-secrets output is the only place any may appear. */
export const PLANTED = [
  'hunter2-planted',
  'hunter2-rotated',
  'pw-planted',
  'pw-rotated',
  'label-pw-planted',
  'lxd-pw-planted',
  'lxd-pw-rotated',
  'cfy-secret-key-planted',
  'cfy-secret-key-rotated',
  'js-secret-planted',
  'js-secret-rotated',
  ...(['yaml-pw', 'env-token', 'pem-body', 'lxd-conf-pw', 'blueprint-pw'] as const).flatMap((stem) => [
    `${stem}-planted`,
    `${stem}-rotated`,
  ]),
  ...secretStrings,
];

export interface SweepFixture {
  name: string;
  path: string;
  changed: string;
}

type Version = 'planted' | 'rotated';

const hostileMembers = (content: string): TarEntrySpec[] => [
  dir('etc'),
  ...HOSTILE_NAMES.map((name) => file(`etc/${name}`, `${content}\n\u001b[2J${OSC52}\u009b\u202e\r\n`)),
  symlink('etc/link', `${OSC52}target\u202e`),
];

function rawNamedMembers(): Uint8Array[] {
  return RAW_NAMES.map((name) =>
    concat([
      tarHeader({ name: '', mode: 0o644, mtime: 0 }, name, new Uint8Array(0), 1),
      padToBlock(Uint8Array.of(0x78)),
    ]),
  );
}

/** Configuration and key files under names only the print-time redactor knows; no reader lists them as secret. */
export const configMembers = (version: Version): Record<string, string> => ({
  'srv/app/settings.yaml': `listen: 8080\ndatabase:\n  password: yaml-pw-${version}\n`,
  'srv/app/.env': `PORT=8080\nAPI_TOKEN=env-token-${version}\n`,
  'root/.ssh/id_ed25519': `-----BEGIN OPENSSH PRIVATE KEY-----\npem-body-${version}\n-----END OPENSSH PRIVATE KEY-----\n`,
});

const namesTar = (version: Version): Uint8Array =>
  buildTar([
    ...hostileMembers(version).map(tarEntry),
    ...Object.entries(configMembers(version)).map(([name, content]) => tarEntry(file(name, content))),
    ...rawNamedMembers(),
  ]);

function dockerImage(version: Version): Uint8Array {
  const history = [
    { created_by: `/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2-${version}`, empty_layer: true },
    { created_by: `/bin/sh -c #(nop) LABEL ${OSC52}=\u202e`, comment: `\u001b[2J` },
  ];
  const config = {
    Env: ['PATH=/bin', `DB_PASSWORD=hunter2-${version}`, `DATABASE_URL=postgres://u:pw-${version}@host/db`],
    Labels: { [`org.${OSC52}`]: 'v\u202e\u0085', 'db.password': 'label-pw-planted' },
    Cmd: ['serve', `--title=\u001b[2J`],
  };
  return buildImage('legacy', {
    layers: [hostileMembers(version)],
    repoTags: [`web:1${OSC52}`],
    config: { config, history },
  });
}

function dockerInspect(version: Version): Uint8Array {
  const container = {
    Id: 'c0ffee',
    Name: `/web${OSC52}\u202e`,
    Created: '2026-11-22T01:11:18Z',
    Image: 'sha256:base',
    State: { Status: 'running\u0085' },
    Config: { Image: 'web:1', Env: [`DATABASE_URL=postgres://u:pw-${version}@host/db`], Cmd: ['serve'] },
    Mounts: [],
  };
  return new TextEncoder().encode(JSON.stringify([container]));
}

function lxdExport(version: Version): Uint8Array {
  const userData = `#cloud-config\npassword: lxd-pw-${version}\nchpasswd: { expire: false }\n`;
  return lxdExportTar({
    shape: 'v2',
    name: 'web',
    config: { 'user.user-data': userData, [`user.note${OSC52}`]: '\u202e\u0085' },
    files: {
      'etc/hostname': 'web1\n',
      [`etc/${HOSTILE_NAMES[0]}`]: `x${OSC52}\n`,
      'etc/app.conf': `[db]\npassword = lxd-conf-pw-${version}\n`,
    },
    snapshots: [{ name: `snap${OSC52}\u202e`, createdAt: '2026-11-20T10:00:00Z' }],
  });
}

function cloudify(version: Version): Buffer {
  const members = legacySnapshot().map((member) =>
    member.name === 'rest-security.conf'
      ? { ...member, data: String(member.data).replace('"SK"', `"cfy-secret-key-${version}"`) }
      : member,
  );
  const example = `module.exports = {\n  app: { secret: 'js-secret-${version}', port: 3000 },\n  db: { url: 'postgres://cloudify:pw-${version}@localhost/stage' },\n};\n`;
  return buildZip([
    ...members,
    { name: 'composer/backend/conf/conf_example.js', data: example },
    { name: `blueprints/${HOSTILE_NAMES[0]}`, data: `${OSC52}\n` },
    { name: `blueprints/${HOSTILE_NAMES[3]}`, data: 'bidi\n' },
    { name: 'blueprints/app/inputs.yaml', data: `db_password: blueprint-pw-${version}\n` },
  ]);
}

function qcow2(version: Version): Uint8Array {
  return buildQcow2({
    clusterBits: 12,
    virtualSize: 65536,
    clusters: { 0: filled(version === 'planted' ? 1 : 2, 4096) },
    snapshots: [{ name: `@s1${OSC52}\u202e\u0085`, clusters: { 0: filled(1, 4096) } }],
  }).bytes;
}

function writeFile(root: string, name: string, bytes: Uint8Array): string {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
}

/** Builds every fixture and its changed copy in a scratch folder removed after the test file. */
export function sweepFixtures(): SweepFixture[] {
  const root = tempDir('snapinspect-sweep-');
  const pair = (name: string, extension: string, build: (version: Version) => Uint8Array): SweepFixture => ({
    name,
    path: writeFile(root, `${name}${extension}`, build('planted')),
    changed: writeFile(root, `${name}-changed${extension}`, build('rotated')),
  });
  const folder = (name: string, write: (path: string, version: Version) => void): SweepFixture => {
    const [path, changed] = [join(root, name), join(root, `${name}-changed`)];
    write(path, 'planted');
    write(changed, 'rotated');
    return { name, path, changed };
  };
  return [
    pair('names', '.tar', namesTar),
    pair('docker-image', '.tar', dockerImage),
    pair('docker-inspect', '.json', dockerInspect),
    pair('lxd', '.tar', lxdExport),
    pair('cloudify', '.zip', cloudify),
    pair('qcow2', '.qcow2', qcow2),
    folder('criu', (path, version) => {
      const files = checkpointFiles();
      files.set('descriptors.json', JSON.stringify(['/dev/null', `/var/log/${OSC52}\u202e`, version]));
      writeCriuFiles(path, files);
    }),
    folder('icp', (path, version) => {
      const files = icpFolderFiles({ flavour: 'icp-cli' });
      if (version === 'rotated') files.set('stable_memory.bin', filled(3, 65536));
      writeIcpFiles(path, files);
    }),
  ];
}
