import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipMember {
  name: string;
  /** Omitted with method 8: a zero-length deflate stream, as the 5.1 sample stores its directories. */
  data?: string | Uint8Array;
  /** 0 stored, 8 deflate (default). */
  method?: number;
  mode?: number;
  /** Written instead of the real CRC, to make a damaged member. */
  crc?: number;
  encrypted?: boolean;
}

export interface ZipOptions {
  /** Sizes and offsets go to zip64 extra fields and a zip64 end record, as writers do past 4 GiB. */
  zip64?: boolean;
  /** Bytes that will precede the archive (a self-extracting stub, or a test's virtual padding): offsets start there. */
  offsetBase?: number;
}

/** A zip archive built in memory: local headers, data, central directory and end record(s). */
export function buildZip(members: ZipMember[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = options.offsetBase ?? 0;
  for (const member of members) {
    const raw = Buffer.from(member.data ?? '');
    const method = member.method ?? (member.name.endsWith('/') ? 0 : 8);
    const stored = method !== 8 ? raw : member.data === undefined ? Buffer.alloc(0) : deflateRawSync(raw);
    const name = Buffer.from(member.name);
    const crc = member.crc ?? crc32(raw);
    const flags = member.encrypted ? 1 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x4000, 10);
    local.writeUInt16LE(0x5466, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);
    const extra = options.zip64 ? zip64Extra(raw.length, stored.length, offset) : Buffer.alloc(0);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4);
    central.writeUInt16LE(options.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x4000, 12);
    central.writeUInt16LE(0x5466, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : stored.length, 20);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    const mode = member.mode ?? (member.name.endsWith('/') ? 0o40755 : 0o100644);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  return Buffer.concat([
    ...locals,
    directory,
    ...endRecords(members.length, directory.length, offset, options.zip64 ?? false),
  ]);
}

function zip64Extra(size: number, compressed: number, offset: number): Buffer {
  const extra = Buffer.alloc(28);
  extra.writeUInt16LE(1, 0);
  extra.writeUInt16LE(24, 2);
  extra.writeBigUInt64LE(BigInt(size), 4);
  extra.writeBigUInt64LE(BigInt(compressed), 12);
  extra.writeBigUInt64LE(BigInt(offset), 20);
  return extra;
}

function endRecords(count: number, size: number, offset: number, zip64: boolean): Buffer[] {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : size, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  if (!zip64) return [end];
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + size), 8);
  locator.writeUInt32LE(1, 16);
  return [record, locator, end];
}

export const SECRET = {
  encryptionKey: 'ENCKEY-7f3a9c',
  hashSalt: 'SALT-19be22',
  adminHash: '$pbkdf2-sha256$29000$ADMINHASH',
  brokerPass: 'BROKERPASS-55aa',
  pemBody: 'PEMBODY0123456789',
  agentKey: 'AGENTKEY-c0ffee',
  secretValue: 'PLAINSECRET-9d1e',
  tenantRabbit: 'RABBITPW-31f0',
  token: 'EXECTOKEN-4b2c',
  dbPassword: 'DBPASS-88e1',
} as const;

/** Every planted secret string, to assert none of them reaches stdout. */
export const secretStrings: string[] = Object.values(SECRET);

function pgCopy(table: string, columns: string[], rows: string[][]): string {
  return `COPY ${table} (${columns.join(', ')}) FROM stdin;\n${rows.map((row) => row.join('\t')).join('\n')}${rows.length ? '\n' : ''}\\.\n\n`;
}

/** A pickled dict `{'ignore_failure': False, 'password': <db password>}` as COPY writes bytea. */
const pickledParameters = `\\\\x80027d7101285806000000706173737764710258${Buffer.from([SECRET.dbPassword.length, 0, 0, 0]).toString('hex')}${Buffer.from(SECRET.dbPassword).toString('hex')}71035805000000666f726365710489752e`;

export function pgData(): string {
  return [
    '-- Dumped from database version 9.5.3\n\nSET search_path = public, pg_catalog;\n\n',
    pgCopy(
      'tenants',
      ['id', 'name', 'rabbitmq_password', 'rabbitmq_username', 'rabbitmq_vhost'],
      [['0', 'default_tenant', SECRET.tenantRabbit, 'rmq_user', 'rmq_vhost']],
    ),
    pgCopy(
      'users',
      ['id', 'username', 'active', 'password', 'api_token_key'],
      [['0', 'admin', 't', SECRET.adminHash, 'APITOKEN-aa']],
    ),
    pgCopy(
      'blueprints',
      ['_storage_id', 'id', 'created_at', 'main_file_name', 'plan', '_tenant_id'],
      [['1', 'bp1', '2024-01-01 10:00:00', 'bp.yaml', '\\\\x80027d71012e', '0']],
    ),
    pgCopy(
      'deployments',
      ['_storage_id', 'id', 'created_at', 'inputs', '_blueprint_fk', '_tenant_id'],
      [['1', 'dep1', '2024-01-01 10:01:00', '\\\\x80027d71012e', '1', '0']],
    ),
    pgCopy(
      'executions',
      [
        '_storage_id',
        'id',
        'created_at',
        'parameters',
        'status',
        'workflow_id',
        '_deployment_fk',
        '_tenant_id',
        'is_system_workflow',
        'scheduled_for',
        'token',
      ],
      [
        [
          '1',
          'ex-install',
          '2024-01-01 10:02:00',
          pickledParameters,
          'terminated',
          'install',
          '1',
          '0',
          'f',
          '\\N',
          SECRET.token,
        ],
        [
          '2',
          'ex-later',
          '2024-01-01 10:03:00',
          '\\\\x80027d71012e',
          'scheduled',
          'uninstall',
          '1',
          '0',
          'f',
          '2050-01-02 12:00:00',
          SECRET.token,
        ],
        [
          '3',
          'ex-snap',
          '2024-01-01 10:04:00',
          '\\\\x80027d71012e',
          'started',
          'create_snapshot',
          '\\N',
          '0',
          't',
          '\\N',
          SECRET.token,
        ],
      ],
    ),
    pgCopy(
      'secrets',
      ['_storage_id', 'id', 'value', '_tenant_id', 'visibility'],
      [['1', 'db_password', SECRET.secretValue, '0', 'tenant']],
    ),
    "DELETE FROM executions WHERE id = 'ex-snap';\n",
  ].join('');
}

/** A legacy (family B) snapshot with every kind of secret file the format notes list. */
export function legacySnapshot(): ZipMember[] {
  return [
    {
      name: 'metadata.json',
      data: JSON.stringify({
        snapshot_version: '5.0.5',
        schema_revision: '62a8d746d13b',
        stage_schema_revision: 'Trying to fetch user config from: x\n20190423064931-5_0-CreateWidgetBackendTable.js\n',
      }),
    },
    { name: 'pg_data', data: pgData() },
    {
      name: 'rest-security.conf',
      data: JSON.stringify({
        encryption_key: SECRET.encryptionKey,
        hash_salt: SECRET.hashSalt,
        secret_key: 'SK',
        encoding_block_size: 24,
      }),
      mode: 0o100660,
    },
    {
      name: 'admin_account.json',
      data: ` ${JSON.stringify({ id: 0, username: 'admin', password: SECRET.adminHash, api_token_key: 'APITOKEN-aa' })}\n\n`,
    },
    {
      name: 'agents.json',
      data: JSON.stringify({
        default_tenant: {
          dep1: {
            vm: {
              vm_abc: { version: '4.1.0', broker_config: { broker_ip: '10.0.0.5', broker_pass: SECRET.brokerPass } },
            },
          },
        },
      }),
    },
    { name: 'ssl/', data: '' },
    {
      name: 'ssl/cloudify_internal_key.pem',
      data: `-----BEGIN PRIVATE KEY-----\n${SECRET.pemBody}\n-----END PRIVATE KEY-----\n`,
    },
    {
      name: 'ssl/cloudify_internal_cert.pem',
      data: '-----BEGIN CERTIFICATE-----\nPUBLIC\n-----END CERTIFICATE-----\n',
    },
    { name: 'snapshot-credentials/default_tenant_dep1_vm/agent_key', data: SECRET.agentKey },
    {
      name: 'stage/conf/app.json',
      data: JSON.stringify({ db: { url: `postgres://cloudify:${SECRET.dbPassword}@localhost:5432/stage` } }),
    },
    { name: 'blueprints/default_tenant/bp1/bp.yaml', data: 'tosca_definitions_version: cloudify_dsl_1_3\n' },
  ];
}
