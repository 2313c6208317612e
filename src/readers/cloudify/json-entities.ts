import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import { sharedLimits } from '../shared/limits.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import { readAll, type Source } from '../../model/source.js';
import type { TreeNode } from '../../model/tree.js';
import { sourceLines } from '../shared/lines.js';
import { ENTITY_KINDS, tooManyRecords, type Entities, type EntityKind } from './manager-view.js';
import { redactValue } from './secret-values.js';
import { pushAll } from '../../model/arrays.js';

type Json = Record<string, MetaValue>;

const SHOWN_FIELDS: Record<EntityKind, string[]> = {
  tenants: ['name'],
  users: ['username', 'role', 'created_at', 'first_login_at', 'last_login_at'],
  blueprints: ['id', 'main_file_name', 'state', 'created_at', 'visibility'],
  deployments: [
    'id',
    'blueprint_id',
    'installation_status',
    'deployment_status',
    'latest_execution_status',
    'created_at',
    'inputs',
  ],
  plugins: ['id', 'package_name', 'package_version', 'distribution', 'uploaded_at'],
  executions: [
    'id',
    'workflow_id',
    'status',
    'deployment_id',
    'created_at',
    'started_at',
    'ended_at',
    'scheduled_for',
    'parameters',
  ],
  agents: ['id', 'node_instance_id', 'state', 'ip', 'install_method', 'system', 'version', 'rabbitmq_username'],
  secrets: ['key', 'visibility', 'is_hidden_value', 'provider', 'created_at'],
  sites: ['name', 'latitude', 'longitude'],
};

/** Keys that identify an item, so later dump files replace earlier copies of it (docs/formats/cloudify.md#entity-keys). */
const KEYS: Partial<Record<EntityKind, string>> = { tenants: 'name', sites: 'name', secrets: 'key', users: 'username' };

function asKind(type: string): EntityKind | undefined {
  return (ENTITY_KINDS as readonly string[]).includes(type) ? (type as EntityKind) : undefined;
}

function isObject(value: MetaValue | undefined): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function shown(item: Json, kind: EntityKind, extra: MetaRecord, showSecrets: boolean): MetaRecord {
  const attrs: MetaRecord = { ...extra };
  for (const field of SHOWN_FIELDS[kind])
    if (field in item) attrs[field] = showSecrets ? (item[field] ?? null) : redactValue(item[field] ?? null, field);
  return attrs;
}

/** Items of the 7.x JSON layouts, merged by key in sorted file order (the last copy wins). */
export async function newFormatEntities(
  files: Map<string, TreeNode>,
  into: Entities,
  showSecrets: boolean,
  diagnostics: Diagnostic[],
): Promise<void> {
  const merged = new Map<EntityKind, Map<string, MetaRecord>>();
  for (const path of [...files.keys()].filter((name) => /^(mgmt|tenants)\/.*\.json$/.test(name)).sort()) {
    const envelope = await readJson(files.get(path)?.content, path, diagnostics);
    const segments = path.split('/');
    const kind = asKind(typeof envelope?.type === 'string' ? envelope.type : (segments[segments.length - 2] ?? ''));
    if (!envelope || !kind || !Array.isArray(envelope.items)) continue;
    const tenant: MetaRecord = segments[0] === 'tenants' ? { tenant: segments[1] ?? null } : {};
    const bucket = merged.get(kind) ?? new Map<string, MetaRecord>();
    merged.set(kind, bucket);
    const items = envelope.items.filter(isObject);
    if (items.length > limits.managerRecords) diagnostics.push(tooManyRecords(`${kind} items`, items.length, path));
    for (const item of items.slice(0, limits.managerRecords)) {
      const key = String(item[KEYS[kind] ?? 'id'] ?? bucket.size);
      bucket.set(`${segments[1] ?? ''}/${key}`, shown(item, kind, tenant, showSecrets));
    }
  }
  for (const [kind, bucket] of merged) {
    pushAll(into[kind], [
      ...[...bucket].map(([key, attrs]) => ({
        name: key.split('/').pop() ?? key,
        attrs,
        ...(kind === 'secrets' ? { secret: true } : {}),
      })),
    ]);
  }
}

async function readJson(
  content: Source | undefined,
  path: string,
  diagnostics: Diagnostic[],
): Promise<Json | undefined> {
  const bytes = content ? await readAll(content, sharedLimits.values.metadataBytes) : null;
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as MetaValue;
    return isObject(value) ? value : undefined;
  } catch {
    diagnostics.push(diagnostic('warning', 'CLOUDIFY_BAD_JSON', `${path} is not valid JSON`, path));
    return undefined;
  }
}

/** 3.x storage documents and the event counts of an `es_data` NDJSON dump. */
export async function esEntities(
  content: Source,
  into: Entities,
  showSecrets: boolean,
  diagnostics: Diagnostic[],
): Promise<MetaRecord> {
  const events: Record<string, number> = {};
  const dropped = new Map<EntityKind, number>();
  let bad = 0;
  for await (const line of sourceLines(content)) {
    if (!('text' in line) || line.text.trim() === '') continue;
    let hit: MetaValue;
    try {
      hit = JSON.parse(line.text) as MetaValue;
    } catch {
      bad++;
      continue;
    }
    if (!isObject(hit) || typeof hit._type !== 'string') continue;
    const source = isObject(hit._source) ? hit._source : {};
    const kind = asKind(`${hit._type}s`);
    if (hit._type === 'cloudify_event' || hit._type === 'cloudify_log')
      events[hit._type] = (events[hit._type] ?? 0) + 1;
    else if (kind && into[kind].length < limits.managerRecords)
      into[kind].push({
        name: String(hit._id ?? source.id ?? ''),
        attrs: shown({ id: hit._id ?? null, ...source }, kind, {}, showSecrets),
      });
    else if (kind) dropped.set(kind, (dropped.get(kind) ?? 0) + 1);
  }
  for (const [kind, count] of dropped)
    diagnostics.push(tooManyRecords(`${kind} documents`, into[kind].length + count, 'es_data'));
  if (bad > 0)
    diagnostics.push(diagnostic('warning', 'CLOUDIFY_BAD_JSON', `${bad} lines of es_data are not JSON`, 'es_data'));
  return events;
}

/** Agents from agents.json when the dump has no agents table: `{[tenant:] {deployment: {node: {instance: {...}}}}}`. */
export async function agentsJsonEntities(content: Source, into: Entities, diagnostics: Diagnostic[]): Promise<void> {
  const root = await readJson(content, 'agents.json', diagnostics);
  const visit = (value: MetaValue | undefined, trail: string[]): void => {
    if (!isObject(value) || trail.length > 4) return;
    if ('version' in value || 'broker_config' in value) {
      const names = trail.slice(-3);
      const broker = isObject(value.broker_config) ? value.broker_config : value;
      const attrs: MetaRecord = {
        deployment: names[0] ?? null,
        node: names[1] ?? null,
        version: value.version ?? null,
        broker_ip: broker.broker_ip ?? null,
      };
      if (trail.length === 4) attrs.tenant = trail[0] ?? null;
      into.agents.push({ name: names[2] ?? '', attrs });
      return;
    }
    for (const [key, item] of Object.entries(value)) visit(item, [...trail, key]);
  };
  visit(root, []);
}
