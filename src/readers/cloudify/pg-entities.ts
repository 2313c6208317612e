import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import type { Entities, Entity } from './manager-view.js';
import type { PgDump, PgRow } from './pg-dump.js';
import { byteaHex, unpickle } from './pickle.js';
import { redactValue } from './secret-values.js';
import { pushAll } from '../../model/arrays.js';

type Lookup = Map<string, string>;

/** Entities of a legacy dump: one row per entity, foreign keys resolved to names, pickles decoded. */
export function pgEntities(dump: PgDump, into: Entities, showSecrets: boolean, diagnostics: Diagnostic[]): void {
  const rows = (table: string): PgRow[] => dump.tables.get(table)?.rows ?? [];
  const tenants = lookup(rows('tenants'), 'id', 'name');
  const blueprints = lookup(rows('blueprints'), '_storage_id', 'id');
  const deployments = lookup(rows('deployments'), '_storage_id', 'id');
  const opaque: string[] = [];
  const decode = (value: string | null | undefined): MetaValue => decoded(value, showSecrets, opaque);
  const tenantOf = (row: PgRow): MetaRecord =>
    row._tenant_id != null ? { tenant: tenants.get(row._tenant_id) ?? row._tenant_id } : {};
  const executions = rows('executions');
  pushAll(into.tenants, [
    ...rows('tenants').map((row) =>
      entity(row.name, {
        name: row.name ?? null,
        rabbitmq_username: row.rabbitmq_username ?? null,
        rabbitmq_vhost: row.rabbitmq_vhost ?? null,
      }),
    ),
  ]);
  pushAll(into.users, [
    ...rows('users').map((row) =>
      entity(
        row.username,
        pick(row, ['username', 'active', 'email', 'first_name', 'last_name', 'created_at', 'last_login_at']),
      ),
    ),
  ]);
  pushAll(into.blueprints, [
    ...rows('blueprints').map((row) =>
      entity(row.id, {
        ...pick(row, ['id', 'main_file_name', 'created_at', 'visibility']),
        ...tenantOf(row),
        ...planSummary(decode(row.plan)),
      }),
    ),
  ]);
  pushAll(into.deployments, [
    ...rows('deployments').map((row) => {
      const blueprint =
        row.blueprint_id ??
        (row._blueprint_fk != null ? (blueprints.get(row._blueprint_fk) ?? row._blueprint_fk) : null);
      const status = row.installation_status ?? row.deployment_status ?? latestWorkflow(executions, row, deployments);
      return entity(row.id, {
        ...pick(row, ['id', 'created_at', 'visibility']),
        blueprint,
        ...tenantOf(row),
        status,
        inputs: decode(row.inputs),
      });
    }),
  ]);
  pushAll(into.plugins, [
    ...rows('plugins').map((row) =>
      entity(
        row.package_name ?? row.id,
        pick(row, [
          'id',
          'package_name',
          'package_version',
          'archive_name',
          'distribution',
          'supported_platform',
          'uploaded_at',
        ]),
      ),
    ),
  ]);
  pushAll(into.executions, [
    ...executions.map((row) => {
      const deployment =
        row.deployment_id ??
        (row._deployment_fk != null ? (deployments.get(row._deployment_fk) ?? row._deployment_fk) : null);
      const own = row.id === dump.createExecutionId;
      const attrs = {
        ...pick(row, [
          'id',
          'workflow_id',
          'status',
          'created_at',
          'started_at',
          'ended_at',
          'scheduled_for',
          'is_system_workflow',
          'error',
        ]),
        deployment,
        ...tenantOf(row),
        parameters: decode(row.parameters),
      };
      return {
        ...entity(row.id, attrs),
        ...(own ? { note: 'the create_snapshot execution of this snapshot; restore deletes it' } : {}),
      };
    }),
  ]);
  pushAll(into.agents, [
    ...rows('agents').map((row) =>
      entity(row.name ?? row.id, {
        ...pick(row, ['id', 'name', 'ip', 'state', 'version', 'install_method', 'system', 'rabbitmq_username']),
        ...tenantOf(row),
      }),
    ),
  ]);
  pushAll(into.secrets, [
    ...rows('secrets').map((row) => ({
      ...entity(row.id, {
        ...pick(row, ['id', 'visibility', 'is_hidden_value', 'created_at', 'updated_at']),
        ...tenantOf(row),
      }),
      secret: true,
    })),
  ]);
  pushAll(into.sites, [
    ...rows('sites').map((row) =>
      entity(row.name, { ...pick(row, ['name', 'latitude', 'longitude', 'created_at']), ...tenantOf(row) }),
    ),
  ]);
  if (opaque.length > 0)
    diagnostics.push(
      diagnostic(
        'info',
        'CLOUDIFY_OPAQUE_PICKLE',
        `${opaque.length} pickled value${opaque.length === 1 ? '' : 's'} in pg_data could not be decoded and ${opaque.length === 1 ? 'is' : 'are'} shown as opaque (first: ${opaque[0] ?? ''})`,
        'pg_data',
      ),
    );
}

function entity(name: string | null | undefined, attrs: MetaRecord): Entity {
  return { name: name ?? '', attrs };
}

function pick(row: PgRow, columns: string[]): MetaRecord {
  const picked: MetaRecord = {};
  for (const column of columns) if (column in row) picked[column] = row[column] ?? null;
  return picked;
}

function lookup(rows: PgRow[], key: string, value: string): Lookup {
  const map: Lookup = new Map();
  for (const row of rows) {
    const from = row[key];
    const to = row[value];
    if (from != null && to != null) map.set(from, to);
  }
  return map;
}

/** Pickled columns are decoded; secret-looking values inside stay masked unless --show-secrets. */
function decoded(value: string | null | undefined, showSecrets: boolean, opaque: string[]): MetaValue {
  if (value == null) return null;
  const bytes = byteaHex(value);
  if (!bytes) return value;
  const result = unpickle(bytes);
  if (!result.ok) {
    opaque.push(result.reason);
    return `(opaque pickle, ${bytes.length} bytes: ${result.reason})`;
  }
  return showSecrets ? result.value : redactValue(result.value);
}

function planSummary(plan: MetaValue): MetaRecord {
  if (
    typeof plan !== 'object' ||
    plan === null ||
    Array.isArray(plan) ||
    plan instanceof Uint8Array ||
    !('nodes' in plan || 'inputs' in plan)
  ) {
    return typeof plan === 'string' ? { plan } : {};
  }
  const record = plan as MetaRecord;
  const inputs = record.inputs;
  const nodes = record.nodes;
  return {
    plan_inputs: typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs) ? Object.keys(inputs) : [],
    plan_nodes: Array.isArray(nodes)
      ? nodes.map((node) =>
          typeof node === 'object' && node !== null && !Array.isArray(node) && 'name' in node
            ? ((node as MetaRecord).name ?? null)
            : null,
        )
      : [],
  };
}

/** Releases before 5.2 store no deployment status; the latest user workflow says what state it is in. */
function latestWorkflow(executions: PgRow[], deployment: PgRow, storageIds: Lookup): string | null {
  const mine = executions
    .filter(
      (row) =>
        (row.deployment_id ?? storageIds.get(row._deployment_fk ?? '')) === deployment.id &&
        row.is_system_workflow !== 't' &&
        row.status !== 'scheduled',
    )
    .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
  const last = mine[mine.length - 1];
  return last ? `${last.workflow_id ?? '?'} ${last.status ?? '?'}` : null;
}
