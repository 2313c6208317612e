import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { buildZip, legacySnapshot, SECRET, secretStrings, type ZipMember } from '../../helpers/zip-builder.js';

const dir = tempDir('snapinspect-cloudify-');

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function infoJson(path: string): Promise<Record<string, any>> {
  const { code, stdout, stderr } = await cli(['info', '--json', path]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

const legacy = write('legacy.zip', buildZip(legacySnapshot()));

const extracted = join(dir, 'extracted');
for (const member of legacySnapshot()) {
  const target = join(extracted, member.name);
  mkdirSync(member.name.endsWith('/') ? target : join(target, '..'), { recursive: true });
  if (!member.name.endsWith('/')) writeFileSync(target, member.data ?? '');
}

const esMembers: ZipMember[] = [
  { name: 'metadata.json', data: '{"has_cloudify_events": true, "snapshot_version": "3.3"}' },
  {
    name: 'es_data',
    data: [
      {
        _index: 'cloudify_storage',
        _type: 'blueprint',
        _id: 'hello',
        _source: { id: 'hello', main_file_name: 'bp.yaml', created_at: '2015-01-01' },
      },
      {
        _index: 'cloudify_storage',
        _type: 'execution',
        _id: 'e1',
        _source: { id: 'e1', workflow_id: 'install', status: 'terminated', deployment_id: 'd1' },
      },
      {
        _index: 'cloudify_events',
        _type: 'cloudify_log',
        _id: 'l1',
        _source: { message: { text: `config {u'postgresql_password': u'${SECRET.dbPassword}'}` } },
      },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  },
];

const flatMembers: ZipMember[] = [
  { name: 'metadata.json', data: '{"snapshot_version": "7.0.4", "execution_id": "abc"}' },
  {
    name: 'mgmt/00000001.json',
    data: JSON.stringify({
      type: 'users',
      items: [{ username: 'admin', role: 'sys_admin', password_hash: SECRET.adminHash }],
    }),
  },
  {
    name: 'mgmt/00000002.json',
    data: JSON.stringify({
      type: 'tenants',
      items: [{ name: 'default_tenant', rabbitmq_password: SECRET.tenantRabbit }],
    }),
  },
  { name: 'tenants/default_tenant/', data: '' },
  {
    name: 'tenants/default_tenant/00000001.json',
    data: JSON.stringify({ type: 'secrets', items: [{ key: 'db', value: SECRET.secretValue, visibility: 'tenant' }] }),
  },
  {
    name: 'tenants/default_tenant/00000002.json',
    data: JSON.stringify({
      type: 'executions',
      items: [{ id: 'x1', workflow_id: 'install', status: 'scheduled', scheduled_for: '2050-01-01T00:00:00Z' }],
    }),
  },
  {
    name: 'tenants/default_tenant/00000003.json',
    data: JSON.stringify({ type: 'executions', items: [{ id: 'x1', workflow_id: 'install', status: 'terminated' }] }),
  },
];

const typedMembers: ZipMember[] = [
  { name: 'metadata.json', data: '{"snapshot_version": "7.0.0"}' },
  {
    name: 'mgmt/tenants/0.json',
    data: JSON.stringify({ type: 'tenants', items: [{ name: 't1', rabbitmq_password: SECRET.tenantRabbit }] }),
  },
  {
    name: 'tenants/t1/blueprints/0.json',
    data: JSON.stringify({ type: 'blueprints', items: [{ id: 'bp', main_file_name: 'bp.yaml' }] }),
  },
  {
    name: 'tenants/t1/deployments_archives/d1.b64zip',
    data: buildZip([{ name: 'inputs.yaml', data: 'x: 1\n' }]).toString('base64'),
  },
];

describe('Cloudify families built from the documented layouts', () => {
  it('reads a legacy PostgreSQL snapshot: version, schema, entities, restore hint', async () => {
    const info = await infoJson(legacy);
    expect(info.format).toBe('cloudify');
    expect(info.variant).toBe('pg-legacy');
    expect(info.metadata).toMatchObject({
      snapshot_version: '5.0.5',
      schema_release: '5.0.5',
      stage_schema_revision: '20190423064931-5_0-CreateWidgetBackendTable.js',
      counts: {
        tenants: 1,
        users: 1,
        blueprints: 1,
        deployments: 1,
        executions: 3,
        agents: 1,
        secrets: 1,
        plugins: 0,
        sites: 0,
      },
    });
    expect(info.diagnostics.map((d: { code: string }) => d.code)).toEqual(['CLOUDIFY_STAGE_REVISION_NOISE']);
    const later = await cli(['info', `${legacy}:Manager/executions/ex-later`]);
    expect(later.stdout).toContain('  status: scheduled\n');
    expect(later.stdout).toContain('  scheduled_for: 2050-01-02 12:00:00\n');
    const dep = await cli(['info', `${legacy}:Manager/deployments/dep1`]);
    expect(dep.stdout).toContain('  blueprint: bp1\n');
    expect(dep.stdout).toContain('  status: install terminated\n');
    const own = await cli(['info', `${legacy}:Manager/executions/ex-snap`]);
    expect(own.stdout).toContain('create_snapshot execution of this snapshot');
  });

  it('flags every secret-bearing entry in ls -l', async () => {
    const { stdout } = await cli(['ls', '-lR', legacy]);
    const flagged = stdout
      .split('\n')
      .filter((line) => line.endsWith('[secret]'))
      .map((line) => line.split(/\s+/).slice(-2, -1)[0]);
    expect(flagged).toEqual(
      [
        'admin_account.json',
        'agents.json',
        'pg_data',
        'rest-security.conf',
        'Manager/secrets/db_password',
        'snapshot-credentials/default_tenant_dep1_vm/agent_key',
        'ssl/cloudify_internal_key.pem',
        'stage/conf/app.json',
      ].sort((a, b) => stdout.indexOf(` ${a}`) - stdout.indexOf(` ${b}`)),
    );
  });

  it('reads the 3.x Elasticsearch family', async () => {
    const info = await infoJson(write('es.zip', buildZip(esMembers)));
    expect(info.variant).toBe('es-3x');
    expect(info.metadata).toMatchObject({
      version: '3.3.0',
      events: { cloudify_log: 1 },
      counts: { blueprints: 1, executions: 1 },
      secrets: { es_data: 'credentials in log and event messages' },
    });
    expect(info.metadata.restore).toContain('5.0 and later reject it');
  });

  it('reads the 4.0 development hybrid (es_data beside pg_data) without tenants', async () => {
    const members = [
      ...legacySnapshot().filter((member) => member.name !== 'metadata.json'),
      ...esMembers.slice(1),
      { name: 'metadata.json', data: '{"snapshot_version": "4.0.0", "has_cloudify_events": false}' },
    ];
    const info = await infoJson(write('hybrid.zip', buildZip(members)));
    expect(info.variant).toBe('hybrid-4.0dev');
    expect(info.metadata).toMatchObject({
      has_cloudify_events: false,
      events: { cloudify_log: 1 },
      counts: { executions: 4, blueprints: 2 },
    });
  });

  it('lists a snapshot of no known family and says so in verify', async () => {
    const path = write(
      'unknown.zip',
      buildZip([
        { name: 'metadata.json', data: '{"snapshot_version": "9.9"}' },
        { name: 'something.bin', data: 'x' },
      ]),
    );
    expect((await infoJson(path)).variant).toBe('unknown');
    expect((await cli(['verify', path])).stdout).toContain(
      'warning CLOUDIFY_UNKNOWN_FAMILY: no es_data, pg_data, mgmt/ or tenants/',
    );
  });

  it('shows a pickle outside the subset as opaque, with a diagnostic', async () => {
    const members = legacySnapshot().map((member) =>
      member.name === 'pg_data'
        ? { ...member, data: String(member.data).replace('\\\\x80027d71012e\t1\t0\n', '\\\\x8002930a2e\t1\t0\n') }
        : member,
    );
    const path = write('opaque.zip', buildZip(members));
    const info = await infoJson(path);
    expect(info.diagnostics).toContainEqual({
      severity: 'info',
      code: 'CLOUDIFY_OPAQUE_PICKLE',
      path: 'pg_data',
      message:
        '1 pickled value in pg_data could not be decoded and is shown as opaque (first: unsupported opcode 0x93 at byte 2)',
    });
    expect((await cli(['info', `${path}:Manager/deployments/dep1`])).stdout).toContain(
      '  inputs: (opaque pickle, 5 bytes: unsupported opcode 0x93 at byte 2)\n',
    );
  });

  it.each([
    ['expanding', `80024e${'7100680086'.repeat(40)}2e`, 'pickle expands to more than 1000000 items'],
    ['cyclic', Buffer.from(']q\0h\0a.', 'latin1').toString('hex'), 'pickle contains itself'],
  ])(
    'shows a %s memo-recall pickle as opaque, stopping at the item limit or the cycle, and keeps the rest of the Manager view',
    async (name, hex, reason) => {
      const members = legacySnapshot().map((member) =>
        member.name === 'pg_data'
          ? { ...member, data: String(member.data).replace('\\\\x80027d71012e\t1\t0\n', `\\\\x${hex}\t1\t0\n`) }
          : member,
      );
      const path = write(`${name}-pickle.zip`, buildZip(members));
      // The expansion stops at the item limit or the cycle (the reason below says which); vitest's
      // timeout guards a hang.
      const info = await infoJson(path);
      expect(info.diagnostics).toContainEqual({
        severity: 'info',
        code: 'CLOUDIFY_OPAQUE_PICKLE',
        path: 'pg_data',
        message: `1 pickled value in pg_data could not be decoded and is shown as opaque (first: ${reason})`,
      });
      expect(info.metadata.counts).toMatchObject({
        tenants: 1,
        users: 1,
        blueprints: 1,
        deployments: 1,
        executions: 3,
        agents: 1,
        secrets: 1,
      });
      expect((await cli(['info', `${path}:Manager/deployments/dep1`])).stdout).toContain(
        `  inputs: (opaque pickle, ${hex.length / 2} bytes: ${reason})\n`,
      );
    },
  );

  it('reads the 7.0.1+ flattened family, the last copy of an item winning', async () => {
    const path = write('flat.zip', buildZip(flatMembers));
    const info = await infoJson(path);
    expect(info.variant).toBe('json-flat');
    expect(info.metadata.counts).toMatchObject({ users: 1, tenants: 1, secrets: 1, executions: 1 });
    expect((await cli(['info', `${path}:Manager/executions/x1`])).stdout).toContain('  status: terminated\n');
    const secrets = (await cli(['cat', `${path}:tenants/default_tenant/00000001.json`])).stdout;
    expect(secrets).toContain('"value": "<redacted');
    expect(secrets).toContain('"key": "db"');
    expect((await cli(['info', `${path}:Manager/secrets/db`])).stdout).toContain('  key: db\n  visibility: tenant\n');
  });

  it('reads the 7.0.0 typed family and browses a .b64zip deployment archive', async () => {
    const path = write('typed.zip', buildZip(typedMembers));
    expect((await infoJson(path)).variant).toBe('json-7.0.0');
    const { stdout } = await cli(['ls', `${path}:tenants/t1/deployments_archives/d1.b64zip`]);
    expect(stdout).toBe('inputs.yaml\n');
  });

  it('reads an extracted snapshot folder like the zip', async () => {
    const info = await infoJson(extracted);
    expect(info.variant).toBe('pg-legacy');
    expect(info.metadata.counts.executions).toBe(3);
    expect(Object.keys(info.metadata.secrets)).toContain('rest-security.conf');
    expect((await cli(['cat', `${extracted}:rest-security.conf`])).stdout).toContain('"encryption_key": "<redacted');
  });
});

describe('zip integrity', () => {
  it('reads a zip64 archive through its zip64 end record and extra fields', async () => {
    const path = write('zip64.zip', buildZip(legacySnapshot(), { zip64: true }));
    const info = await infoJson(path);
    expect(info.metadata.zip).toMatchObject({ entries: 11, zip64: true, central_directory: true });
    expect((await cli(['cat', `${path}:blueprints/default_tenant/bp1/bp.yaml`])).stdout).toBe(
      'tosca_definitions_version: cloudify_dsl_1_3\n',
    );
  });

  it('recovers the members of a truncated zip and fails verify', async () => {
    const whole = buildZip(legacySnapshot());
    const path = write('truncated.zip', whole.subarray(0, Math.floor(whole.length * 0.6)));
    const info = await infoJson(path);
    expect(info.metadata.zip.central_directory).toBe(false);
    expect(info.diagnostics.map((d: { code: string }) => d.code)).toContain('ZIP_NO_CENTRAL_DIRECTORY');
    const verify = await cli(['verify', path]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('error   ZIP_NO_CENTRAL_DIRECTORY');
  });

  it('reports a CRC mismatch in verify and refuses to cat the damaged member', async () => {
    const members = legacySnapshot().map((member) =>
      member.name === 'blueprints/default_tenant/bp1/bp.yaml' ? { ...member, crc: 0x12345678 } : member,
    );
    const path = write('crc.zip', buildZip(members));
    const verify = await cli(['verify', path]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /error {3}ZIP_CRC blueprints\/default_tenant\/bp1\/bp\.yaml: .* fails its CRC32 check \(data [0-9a-f]{8}, directory 12345678\)/,
    );
    const cat = await cli(['cat', `${path}:blueprints/default_tenant/bp1/bp.yaml`]);
    expect(cat.code).toBe(2);
    expect(cat.stderr).toContain('fails its CRC32 check');
  });

  it('stops a zip bomb at the ratio limit with a diagnostic, memory bounded', async () => {
    const bomb = Buffer.alloc(200 * 1024 * 1024);
    const path = write('bomb.zip', buildZip([...legacySnapshot(), { name: 'plugins/p1/bomb.bin', data: bomb }]));
    const before = process.memoryUsage().rss;
    const verify = await cli(['verify', path]);
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/error {3}ZIP_LIMIT plugins\/p1\/bomb\.bin: .*likely a decompression bomb/);
  });

  it('reads zero-length deflate members (no stream at all) as empty, as the 5.1 sample stores directories', async () => {
    const path = write(
      'empty-deflate.zip',
      buildZip([...legacySnapshot(), { name: 'plugins/', method: 8 }, { name: 'plugins/empty.txt', method: 8 }]),
    );
    const verify = await cli(['verify', '--json', path]);
    expect(JSON.parse(verify.stdout).findings.filter((f: { code: string }) => f.code.startsWith('ZIP_'))).toEqual([]);
    expect((await cli(['cat', `${path}:plugins/empty.txt`])).bytes.length).toBe(0);
  });

  it('withholds a damaged pg_data whole rather than print unredacted rows before the CRC fails', async () => {
    const members = legacySnapshot().map((member) => (member.name === 'pg_data' ? { ...member, crc: 1 } : member));
    const path = write('bad-pg.zip', buildZip(members));
    const info = await infoJson(path);
    expect(info.diagnostics[0]).toMatchObject({ severity: 'error', code: 'CLOUDIFY_UNREADABLE', path: 'pg_data' });
    expect(info.metadata.secrets.pg_data).toBe('database dump with credentials (unreadable, withheld whole)');
    const cat = await cli(['cat', `${path}:pg_data`]);
    expect(cat.stdout).toBe('<redacted: --show-secrets reveals it>\n');
  });

  it('withholds pg_data whole when a line was too long to check, even with no secret column elsewhere', async () => {
    const dump = `COPY blueprints (_storage_id, id, plan) FROM stdin;\n1\tbp1\t{"inputs": {"db": "${'x'.repeat(200)}hunter2"}}\n\\.\n`;
    const path = write(
      'long-line.zip',
      buildZip([
        { name: 'metadata.json', data: '{"snapshot_version": "5.0.5"}' },
        { name: 'pg_data', data: dump },
      ]),
    );
    const limit = ['--limit', 'dumpLineBytes=200'];
    const { stdout } = await cli(['info', '--json', ...limit, path]);
    const info = JSON.parse(stdout);
    expect(info.diagnostics).toContainEqual({
      severity: 'info',
      code: 'CLOUDIFY_WITHHELD',
      path: 'pg_data',
      message:
        'pg_data has lines longer than the dumpLineBytes limit of 200 bytes that could not be checked for credentials, so it is withheld whole (--show-secrets shows it)',
    });
    expect(info.metadata.secrets).toEqual({
      pg_data: 'database dump that could not be fully checked for credentials (withheld whole)',
    });
    expect((await cli(['cat', ...limit, `${path}:pg_data`])).stdout).toBe(
      '<redacted: --show-secrets reveals it> (withheld whole: too large or damaged to redact)\n',
    );
    expect((await cli(['cat', '--show-secrets', ...limit, `${path}:pg_data`])).stdout).toBe(dump);
  });

  it('lists encrypted members but does not read them', async () => {
    const path = write(
      'encrypted.zip',
      buildZip([...legacySnapshot(), { name: 'plugins/locked.bin', data: 'x', method: 0, encrypted: true }]),
    );
    const info = await infoJson(path);
    expect(info.diagnostics).toContainEqual({
      severity: 'warning',
      code: 'ZIP_ENCRYPTED',
      path: 'plugins/locked.bin',
      message: 'plugins/locked.bin is encrypted; it is listed but cannot be read',
    });
  });

  it('stops nested archives at the depth limit', async () => {
    let inner = buildZip([{ name: 'bottom.txt', data: 'deep' }]);
    for (let level = 0; level < 6; level++) inner = buildZip([{ name: 'again.zip', data: inner, method: 0 }]);
    const path = write(
      'nested.zip',
      buildZip([...legacySnapshot(), { name: 'blueprints/default_tenant/loop/loop.zip', data: inner, method: 0 }]),
    );
    const { stdout } = await cli(['ls', '-R', `${path}:blueprints/default_tenant/loop`]);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'blueprints/default_tenant/loop/loop.zip',
      'blueprints/default_tenant/loop/loop.zip/again.zip',
      'blueprints/default_tenant/loop/loop.zip/again.zip/again.zip',
      'blueprints/default_tenant/loop/loop.zip/again.zip/again.zip/again.zip',
      'blueprints/default_tenant/loop/loop.zip/again.zip/again.zip/again.zip/again.zip',
    ]);
    const info = await cli(['info', path]);
    expect(info.code).toBe(0);
  });

  it('survives truncation at any byte without a crash', async () => {
    const whole = buildZip(legacySnapshot());
    for (let cut = 0; cut < whole.length; cut += 97) {
      const path = write('cut.zip', whole.subarray(0, cut));
      const result = await cli(['verify', path]);
      expect([1, 2]).toContain(result.code);
      expect(result.stderr).not.toContain('INTERNAL');
    }
  });
});

describe('verify checks metadata and family', () => {
  it('reports a missing metadata.json as an error', async () => {
    const path = write('no-meta.zip', buildZip(legacySnapshot().filter((member) => member.name !== 'metadata.json')));
    const verify = await cli(['verify', path]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('error   CLOUDIFY_METADATA metadata.json: metadata.json is missing\n');
  });

  it('reports metadata.json that is not JSON', async () => {
    const members = legacySnapshot().map((member) =>
      member.name === 'metadata.json' ? { ...member, data: '{"snapshot_version": ' } : member,
    );
    const info = await infoJson(write('bad-meta.zip', buildZip(members)));
    expect(info.diagnostics[0]).toMatchObject({ severity: 'error', code: 'CLOUDIFY_METADATA', path: 'metadata.json' });
  });

  it('reads the rest of a snapshot whose metadata.json fails its CRC check', async () => {
    const members = legacySnapshot().map((member) =>
      member.name === 'metadata.json' ? { ...member, crc: 0x12345678 } : member,
    );
    const path = write('crc-meta.zip', buildZip(members));
    const info = await cli(['info', path]);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(
      /error {3}CLOUDIFY_METADATA metadata\.json: metadata\.json cannot be read: zip member metadata\.json fails its CRC32 check \(data [0-9a-f]{8}, directory 12345678\)\n/,
    );
    expect(info.stdout).toContain('  Manager/');
  });

  it('warns when the layout and the version disagree', async () => {
    const members = esMembers.map((member) =>
      member.name === 'metadata.json' ? { ...member, data: '{"snapshot_version": "5.0.5"}' } : member,
    );
    const verify = await cli(['verify', write('mismatch.zip', buildZip(members))]);
    expect(verify.stdout).toContain(
      'warning CLOUDIFY_FAMILY_MISMATCH metadata.json: the layout is es-3x but metadata.json says version 5.0.5',
    );
  });
});

describe('hostile zips', () => {
  it('keeps escaping names inside the snapshot and escapes control characters', async () => {
    const path = write(
      'hostile.zip',
      buildZip([
        ...legacySnapshot(),
        { name: '../../etc/evil', data: 'x' },
        { name: 'blueprints/\u001b[31mred', data: 'y' },
      ]),
    );
    const info = await infoJson(path);
    expect(info.diagnostics).toContainEqual({
      severity: 'warning',
      code: 'ZIP_PATH_ESCAPE',
      path: 'etc/evil',
      message: 'member ../../etc/evil points outside the archive root; shown as etc/evil',
    });
    const ls = await cli(['ls', `${path}:blueprints`]);
    expect(ls.stdout).not.toContain('\u001b');
  });

  it('leaves other zips to the generic zip reader, even with a metadata.json and a tenants/ folder', async () => {
    const path = write(
      'other.zip',
      buildZip([
        { name: 'metadata.json', data: '{"name": "app"}' },
        { name: 'tenants/a.txt', data: 'x' },
      ]),
    );
    const result = await cli(['info', path]);
    expect([result.code, result.stdout.split('\n')[0]]).toEqual([0, 'Format:   zip (plain)']);
  });

  it('treats garbage after a zip signature as unreadable, exit 2, one line', async () => {
    const path = write('garbage.zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(4096, 0xa5)]));
    const result = await cli(['info', path]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('secrets never reach stdout unless --show-secrets', () => {
  const fixtures = [
    legacy,
    extracted,
    write('es-s.zip', buildZip(esMembers)),
    write('flat-s.zip', buildZip(flatMembers)),
    write('typed-s.zip', buildZip(typedMembers)),
  ];
  const secretEntries = [
    'rest-security.conf',
    'admin_account.json',
    'agents.json',
    'pg_data',
    'ssl/cloudify_internal_key.pem',
    'snapshot-credentials/default_tenant_dep1_vm/agent_key',
    'stage/conf/app.json',
    'es_data',
    'mgmt/00000001.json',
    'mgmt/00000002.json',
    'tenants/default_tenant/00000001.json',
    'mgmt/tenants/0.json',
  ];

  async function everyOutput(path: string, extra: string[]): Promise<string> {
    const runs = [
      ['info'],
      ['info', '--json'],
      ['ls', '-lR'],
      ['ls', '-R', '--json'],
      ['verify'],
      ['verify', '--json'],
      ['diff', legacy],
      ['diff', '--json', legacy],
    ];
    const outputs: string[] = [];
    for (const args of runs) {
      const [command = '', ...rest] = args;
      outputs.push(
        (
          await cli([
            command,
            ...extra,
            ...(command === 'diff' ? [path, ...rest.filter((a) => a !== legacy), legacy] : [...rest, path]),
          ])
        ).stdout,
      );
    }
    for (const entry of secretEntries) outputs.push((await cli(['cat', ...extra, `${path}:${entry}`])).stdout);
    for await (const record of [
      'Manager/secrets/db_password',
      'Manager/executions/ex-install',
      'Manager/tenants/default_tenant',
      'Manager/users/admin',
    ]) {
      outputs.push((await cli(['info', ...extra, `${path}:${record}`])).stdout);
    }
    return outputs.join('\n');
  }

  it.each(fixtures)('%s: no planted secret in any command', async (path) => {
    const all = await everyOutput(path, []);
    for (const secret of secretStrings) expect(all).not.toContain(secret);
  });

  it('redacts secrets written as escaped JSON or KEY=value inside es_data log messages', async () => {
    const lines = [
      {
        _index: 'cloudify_events',
        _type: 'cloudify_log',
        _id: 'l2',
        _source: { message: { text: 'inputs: {"password": "hunter2", "port": 80}' } },
      },
      {
        _index: 'cloudify_events',
        _type: 'cloudify_log',
        _id: 'l3',
        _source: { message: { text: 'running install.sh --db_password=hunter3 --port=80' } },
      },
    ];
    const path = write(
      'es-escaped.zip',
      buildZip([
        ...esMembers.filter((member) => member.name !== 'es_data'),
        { name: 'es_data', data: lines.map((line) => JSON.stringify(line)).join('\n') },
      ]),
    );
    const cat = await cli(['cat', `${path}:es_data`]);
    expect(cat.stdout.split('\n')).toEqual([
      '{"_index":"cloudify_events","_type":"cloudify_log","_id":"l2","_source":{"message":{"text":"inputs: {\\"password\\": \\"<redacted: --show-secrets reveals it>\\", \\"port\\": 80}"}}}',
      '{"_index":"cloudify_events","_type":"cloudify_log","_id":"l3","_source":{"message":{"text":"running install.sh --db_password=<redacted: --show-secrets reveals it> --port=80"}}}',
    ]);
    const shown = await cli(['cat', '--show-secrets', `${path}:es_data`]);
    expect(shown.stdout).toContain('\\"hunter2\\"');
    expect(shown.stdout).toContain('--db_password=hunter3 ');
  });

  it('--show-secrets reveals them', async () => {
    const all = await everyOutput(legacy, ['--show-secrets']);
    for (const secret of [
      SECRET.encryptionKey,
      SECRET.pemBody,
      SECRET.agentKey,
      SECRET.brokerPass,
      SECRET.secretValue,
      SECRET.token,
    ])
      expect(all).toContain(secret);
  });

  it('verify warns that the snapshot contains plaintext secrets, with the list', async () => {
    const { stdout, code } = await cli(['verify', '--json', legacy]);
    expect(code).toBe(1);
    const warning = JSON.parse(stdout).findings.find((f: { code: string }) => f.code === 'CLOUDIFY_PLAINTEXT_SECRETS');
    expect(warning.severity).toBe('warning');
    expect(warning.message).toMatch(/^snapshot contains plaintext secrets: /);
    for (const entry of [
      'rest-security.conf',
      'admin_account.json',
      'agents.json',
      'pg_data',
      'ssl/cloudify_internal_key.pem',
      'stage/conf/app.json',
    ])
      expect(warning.message).toContain(`${entry} (`);
  });
});

describe('redaction hides secrets from what is printed, not from diff and hash', () => {
  const changed = legacySnapshot().map((member) =>
    member.name === 'rest-security.conf'
      ? { ...member, data: String(member.data).replace(SECRET.encryptionKey, 'ENCKEY-rotated-42') }
      : member,
  );
  const before = write('secret-before.zip', buildZip(legacySnapshot()));
  const after = write('secret-after.zip', buildZip(changed));

  it('diff sees a rotated key as a change and says so without either value', async () => {
    const result = await cli(['diff', '--text-diff', before, after]);
    expect(result.code).toBe(1);
    // Each side's value shows as its own keyed fingerprint: the changed key is seen, neither value is.
    expect(result.stdout).toMatch(
      /^- {2}"encryption_key": "<redacted #([0-9a-f]{12}): [^\n]*\n\+ {2}"encryption_key": "<redacted #(?!\1)[0-9a-f]{12}: /m,
    );
    expect(result.stdout).not.toContain(SECRET.encryptionKey);
    expect(result.stdout).not.toContain('ENCKEY-rotated-42');
  });

  it('hash manifests of the two differ, and neither holds the key', async () => {
    const folder = tempDir();
    const [left, right] = ['m1.json', 'm2.json'].map((name) => join(folder, name));
    expect((await cli(['hash', before, '-o', left ?? ''])).code).toBe(0);
    expect((await cli(['hash', after, '-o', right ?? ''])).code).toBe(0);
    const [a, b] = [left, right].map((path) => readFileSync(path ?? '', 'utf8'));
    expect(a).not.toEqual(b);
    expect(`${a}${b}`).not.toContain('ENCKEY');
    expect((await cli(['diff', left ?? '', right ?? ''])).code).toBe(1);
  });

  it('cat still prints the redacted copy', async () => {
    const { stdout } = await cli(['cat', `${after}:rest-security.conf`]);
    expect(stdout).toContain('<redacted: --show-secrets reveals it>');
    expect(stdout).not.toContain('ENCKEY');
  });
});
