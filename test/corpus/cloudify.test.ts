import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, corpusRoot } from '../helpers/cli.js';

const cloudify = join(corpusRoot, 'cloudify');
const v51 = join(cloudify, 'cfy-5.1dev-scheduled.zip');
const v40 = join(cloudify, 'cfy-4.0dev.zip');
const present = existsSync(v51) && existsSync(v40);
if (!present) console.warn(`SKIPPED corpus suite: ${cloudify} not found (the shared corpus sits beside the repo)`);

async function json(args: string[], exitCode = 0): Promise<any> {
  const { code, stdout } = await cli([...args, '--json']);
  expect(code).toBe(exitCode);
  return JSON.parse(stdout);
}

async function records(path: string, kind: string): Promise<Record<string, any>[]> {
  const listed: { path: string }[] = await json(['ls', `${path}:Manager/${kind}`]);
  return Promise.all(listed.map(async (entry) => (await json(['info', `${path}:${entry.path}`])).attrs));
}

describe.skipIf(!present)('shared corpus: Cloudify snapshots (ground truth in corpus/README.md)', () => {
  it('5.1 dev: 51 entries (20 directories, 31 files), version and schema revisions', async () => {
    const info = await json(['info', v51]);
    expect(info.variant).toBe('pg-legacy');
    expect(info.metadata.zip).toEqual({
      entries: 51,
      directories: 20,
      files: 31,
      uncompressed_bytes: 228005,
      zip64: false,
      central_directory: true,
    });
    expect(info.metadata).toMatchObject({
      snapshot_version: '5.1.0',
      schema_revision: '62a8d746d13b',
      schema_release: '5.0.5',
      stage_schema_revision: '20200123095213-5_1-CreateBlueprintUserData.js',
      composer_schema_revision: '20170601133017-4_1-init.js',
    });
    expect(info.diagnostics.map((d: { code: string }) => d.code)).toEqual(['CLOUDIFY_SCHEMA_MISMATCH']);
    expect((await cli(['cat', `${v51}:metadata.json`])).stdout).toBe(
      '{"composer_schema_revision": "20170601133017-4_1-init.js", "snapshot_version": "5.1.0", "schema_revision": "62a8d746d13b", "stage_schema_revision": "20200123095213-5_1-CreateBlueprintUserData.js"}',
    );
  });

  it('5.1 dev: modes, dates, sizes and empty folders', async () => {
    const listed: { path: string; kind: string; size: number; mode: string; mtime: string }[] = await json([
      'ls',
      '-R',
      v51,
    ]);
    const entry = (path: string): (typeof listed)[number] | undefined => listed.find((e) => e.path === path);
    expect(entry('rest-security.conf')?.mode).toBe('0660');
    expect(entry('ssl/certificate_metadata')?.mode).toBe('0600');
    expect(entry('stage/conf/app.json')?.mode).toBe('0640');
    // The README gives minutes; zip stores even seconds.
    expect(entry('pg_data')).toMatchObject({
      size: 147255,
      mode: '0644',
      mtime: expect.stringMatching(/^2020-03-10T08:26:\d\dZ$/),
    });
    expect(entry('blueprints')).toMatchObject({
      kind: 'dir',
      mode: '0755',
      mtime: expect.stringMatching(/^2020-03-06T11:40:\d\dZ$/),
    });
    expect(entry('composer/backend/conf/README.md')).toMatchObject({
      size: 1940,
      mtime: expect.stringMatching(/^1985-10-26T08:15:\d\dZ$/),
    });
    for (const empty of ['deployments', 'plugins', 'snapshot-credentials'])
      expect(listed.filter((e) => e.path.startsWith(`${empty}/`))).toEqual([]);
  });

  it('5.1 dev: ten executions, four still scheduled, with their scheduled times', async () => {
    const executions = await records(v51, 'executions');
    expect(executions).toHaveLength(10);
    const byStatus = (status: string): number => executions.filter((e) => e.status === status).length;
    expect([byStatus('scheduled'), byStatus('terminated'), byStatus('started')]).toEqual([4, 5, 1]);
    expect(
      executions
        .filter((e) => e.scheduled_for !== null)
        .map((e) => `${e.workflow_id} ${e.status} ${e.scheduled_for}`)
        .sort(),
    ).toEqual([
      'install scheduled 2020-03-11 12:00:00',
      'install scheduled 2050-01-01 12:00:00',
      'install terminated 2020-03-09 12:00:00',
      'uninstall scheduled 2020-03-10 12:00:00',
      'uninstall scheduled 2050-01-02 12:00:00',
      'uninstall terminated 2020-03-08 12:00:00',
    ]);
  });

  it('5.1 dev: every secret-bearing entry flagged, values redacted', async () => {
    const info = await json(['info', v51]);
    expect(Object.keys(info.metadata.secrets).sort()).toEqual([
      'admin_account.json',
      'composer/backend/conf/conf_example.js',
      'composer/backend/conf/prod.json',
      'pg_data',
      'rest-security.conf',
      'ssl/cloudify_external_key.pem',
      'ssl/cloudify_internal_ca_key.pem',
      'ssl/cloudify_internal_key.pem',
      'ssl/rabbitmq-key.pem',
      'stage/conf/app.json',
    ]);
    expect(info.metadata.secrets.pg_data).toBe(
      'tenants.rabbitmq_password (1 row), users.password (2 rows), users.api_token_key (2 rows), executions.token (10 rows), executions.parameters (3 rows); encrypted values are recoverable with the key in rest-security.conf',
    );
    expect(info.metadata.counts).toMatchObject({ users: 2, secrets: 0 });
    expect((await cli(['cat', `${v51}:ssl/cloudify_internal_ca_key.pem`])).stdout).toBe(
      '<redacted: --show-secrets reveals it>\n',
    );
    const conf = await cli(['cat', `${v51}:composer/backend/conf/prod.json`]);
    expect(conf.stdout).toMatch(/"sessionSecret": "<redacted: --show-secrets reveals it>"/);
    expect(conf.stdout).not.toMatch(/postgres:\/\/[^:]+:(?!<redacted)/);
    // Not on the format notes' list: found by its text, as any configuration file is.
    const example = await cli(['cat', `${v51}:composer/backend/conf/conf_example.js`]);
    expect(example.stdout).toContain("sessionSecret: '<redacted: --show-secrets reveals it>',");
    expect((await cli(['cat', '--show-secrets', `${v51}:ssl/cloudify_internal_ca_key.pem`])).stdout).toMatch(
      /^-----BEGIN (RSA )?PRIVATE KEY-----\n/,
    );
  });

  it('5.1 dev: verify accepts the zero-length deflate directory entries that unzip -t rejects', async () => {
    const report = await json(['verify', v51], 1);
    expect(report.findings.filter((f: { code: string }) => f.code.startsWith('ZIP_'))).toEqual([]);
    expect(report.findings.map((f: { code: string }) => f.code)).toEqual([
      'CLOUDIFY_PLAINTEXT_SECRETS',
      'CLOUDIFY_SCHEMA_MISMATCH',
      'CLOUDIFY_RESTORE',
    ]);
  });

  it('4.0 dev: 300 files and no directory entries, the hybrid family, events counted', async () => {
    const info = await json(['info', v40]);
    expect(info.variant).toBe('hybrid-4.0dev');
    expect(info.metadata.zip).toEqual({
      entries: 300,
      directories: 0,
      files: 300,
      uncompressed_bytes: 946046,
      zip64: false,
      central_directory: true,
    });
    expect(info.metadata).toMatchObject({
      snapshot_version: '4.0.0',
      has_cloudify_events: false,
      events: { cloudify_log: 402, cloudify_event: 128 },
    });
    expect(Object.keys(info.metadata.pg_tables)).toHaveLength(9);
    const listed: { path: string; kind: string }[] = await json([
      'ls',
      '-R',
      `${v40}:blueprints/cloudify-django-sample`,
    ]);
    expect(listed.filter((e) => e.kind === 'file')).toHaveLength(294);
    expect(listed.filter((e) => e.kind === 'file' && e.path.includes('/.git/'))).toHaveLength(263);
    expect((await cli(['ls', `${v40}:Manager/executions`])).stdout.split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('4.0 dev: agents.json, the agent key and es_data are flagged; the six passwords in es_data are redacted', async () => {
    const info = await json(['info', v40]);
    expect(Object.keys(info.metadata.secrets)).toEqual(
      expect.arrayContaining(['agents.json', 'snapshot-credentials/cloudify-django-sample_host/agent_key', 'es_data']),
    );
    const es = (await cli(['cat', `${v40}:es_data`])).stdout;
    expect(es.match(/'postgresql_password': u'<redacted: --show-secrets reveals it>'/g)).toHaveLength(6);
    expect((await cli(['cat', `${v40}:agents.json`])).stdout).toContain(
      '"broker_pass": "<redacted: --show-secrets reveals it>"',
    );
    const verify = await cli(['verify', v40]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^warning CLOUDIFY_PLAINTEXT_SECRETS: snapshot contains plaintext secrets: /m);
  });

  it('no secret value of either zip reaches stdout without --show-secrets, in any command', async () => {
    const revealed = async (path: string, entry: string): Promise<string> =>
      (await cli(['cat', '--show-secrets', `${path}:${entry}`])).stdout;
    const restSecurity = JSON.parse(await revealed(v51, 'rest-security.conf')) as Record<string, unknown>;
    const admin = JSON.parse(await revealed(v51, 'admin_account.json')) as Record<string, string>;
    const secrets = [
      ...['encryption_key', 'hash_salt', 'secret_key'].map((key) => String(restSecurity[key])),
      String(admin.password),
      String(admin.api_token_key),
      'PRIVATE KEY-----',
      'gAAAAA',
      '$pbkdf2',
      "postgresql_password': u'cloudify'",
      '"broker_pass": "c10udify"',
    ];
    for (const secret of secrets) expect(secret.length).toBeGreaterThan(5);
    const outputs: string[] = [];
    for (const path of [v51, v40]) {
      for (const args of [
        ['info'],
        ['info', '--json'],
        ['ls', '-lR'],
        ['ls', '-R', '--json'],
        ['verify'],
        ['verify', '--json'],
      ])
        outputs.push((await cli([...args, path])).stdout);
      for (const entry of Object.keys((await json(['info', path])).metadata.secrets))
        outputs.push((await cli(['cat', `${path}:${entry}`])).stdout);
      for (const kind of ['users', 'tenants', 'executions'])
        outputs.push(...(await records(path, kind)).map((attrs) => JSON.stringify(attrs)));
    }
    outputs.push((await cli(['diff', v40, v51])).stdout, (await cli(['diff', '--json', v40, v51])).stdout);
    const all = outputs.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
