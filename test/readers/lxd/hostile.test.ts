/**
 * LXD inputs shaped to hang the reader or to leak: an index.yaml of very many keys parses in linear
 * time and is cut at lxdYamlKeys; cloud-init passwords in user-data never show without --show-secrets.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/readers/shared/secrets.js';
import { redactYamlText } from '../../../src/readers/lxd/values.js';
import { cli, tempDir } from '../../helpers/cli.js';
import { lxdExportTar, writeLxdDirPool, type LxdExportSpec } from '../../helpers/lxd-builder.js';
import { buildTar, tarEntry } from '../../helpers/tar-builder.js';

const root = tempDir('snapinspect-lxd-hostile-');
let written = 0;
const writeExport = (spec: LxdExportSpec): string => {
  const path = join(root, `export-${written++}.tar`);
  writeFileSync(path, lxdExportTar(spec));
  return path;
};

/** Inputs this large take tens of seconds on a loaded 2-core machine; the bound still catches a hang. */
const SCALE_TIMEOUT = 180_000;

describe('index.yaml with very many keys', { timeout: SCALE_TIMEOUT }, () => {
  const indexWith = (keys: number): string => {
    const lines = [
      'name: web1',
      'backend: dir',
      'pool: default',
      'type: container',
      'config:',
      '  container:',
      '    config:',
    ];
    for (let i = 0; i < keys; i++) lines.push(`      user.k${i}: v`);
    const path = join(root, `keys-${keys}.tar`);
    writeFileSync(
      path,
      buildTar([tarEntry({ name: 'backup/index.yaml', data: `${lines.join('\n')}\n`, mode: 0o644 })]),
    );
    return path;
  };

  it('100,000 config keys are read (the duplicate-key check was quadratic)', async () => {
    const result = await cli(['info', '--json', indexWith(100_000)]);
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout);
    expect(Object.keys(info.metadata.config)).toHaveLength(100_000);
    expect(info.diagnostics.map((d: { code: string }) => d.code)).not.toContain('LXD_BAD_YAML');
  });

  it('more than lxdYamlKeys keys: LXD_BAD_YAML, the file is not composed', async () => {
    const result = await cli(['info', '--json', indexWith(200_001)]);
    const info = JSON.parse(result.stdout);
    const bad = info.diagnostics.find((d: { code: string }) => d.code === 'LXD_BAD_YAML');
    expect(bad?.message).toBe(
      'backup/index.yaml has more than 200000 mapping keys (limit lxdYamlKeys), far beyond any LXD file',
    );
  });
});

const USER_DATA = [
  '#cloud-config',
  'users:',
  '  - name: app',
  '    plain_text_passwd: plain-Secret-1',
  '    hashed_passwd: $6$salt$hash-Secret-2',
  '    shell: /bin/bash',
  'password: top-Secret-3',
  'chpasswd:',
  '  expire: false',
  '  list: |',
  '    root:chpw-Secret-4',
  '    app:chpw-Secret-5',
  'write_files:',
  '  - path: /etc/app.env',
  '    content: DB_URL=postgres://app:url-Secret-6@db/app',
  'packages: [nginx]',
  '',
].join('\n');
const VENDOR_DATA = '#cloud-config\nchpasswd: { list: "root:flow-Secret-7", expire: False }\n';
const planted = ['plain', 'hash', 'top', 'chpw', 'chpw', 'url', 'flow'].map((word, i) => `${word}-Secret-${i + 1}`);
const config = { 'user.user-data': USER_DATA, 'cloud-init.vendor-data': VENDOR_DATA, 'limits.cpu': '2' };

describe('cloud-init passwords in user-data', () => {
  const inputs = (): string[] => [
    writeExport({ shape: 'v1', config }),
    writeExport({ shape: 'v2', config }),
    writeLxdDirPool(join(root, `pool-${written++}`), { config }),
  ];

  it('no planted secret appears in info, info --json or ls -l without --show-secrets; all do with it', async () => {
    for (const path of inputs()) {
      for (const args of [['info'], ['info', '--json'], ['ls', '-R', '-l']]) {
        const hidden = await cli([...args, path]);
        expect(hidden.code, `${args.join(' ')} ${path}`).toBe(0);
        expect(planted.filter((secret) => hidden.stdout.includes(secret))).toEqual([]);
      }
      const shown = (await cli(['info', '--json', '--show-secrets', path])).stdout;
      expect(planted.filter((secret) => !shown.includes(secret))).toEqual([]);
    }
  });

  it('keeps the rest of the document: only the values and blocks under password keys go', () => {
    expect(redactYamlText(USER_DATA)).toBe(
      [
        '#cloud-config',
        'users:',
        '  - name: app',
        `    plain_text_passwd: ${REDACTED}`,
        `    hashed_passwd: ${REDACTED}`,
        '    shell: /bin/bash',
        `password: ${REDACTED}`,
        'chpasswd:',
        `  ${REDACTED}`,
        'write_files:',
        '  - path: /etc/app.env',
        `    content: DB_URL=postgres://app:${REDACTED}@db/app`,
        'packages: [nginx]',
        '',
      ].join('\n'),
    );
    expect(redactYamlText(VENDOR_DATA)).toBe(`#cloud-config\nchpasswd: ${REDACTED}\n`);
  });
});
