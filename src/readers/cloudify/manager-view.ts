import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import type { MetaRecord } from '../../model/metadata.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import { uniqueNames } from '../shared/tree-names.js';

export const ENTITY_KINDS = [
  'tenants',
  'users',
  'blueprints',
  'deployments',
  'plugins',
  'executions',
  'agents',
  'secrets',
  'sites',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface Entity {
  name: string;
  attrs: MetaRecord;
  secret?: boolean;
  note?: string;
}

export type Entities = Record<EntityKind, Entity[]>;

export function emptyEntities(): Entities {
  return {
    tenants: [],
    users: [],
    blueprints: [],
    deployments: [],
    plugins: [],
    executions: [],
    agents: [],
    secrets: [],
    sites: [],
  };
}

/** Said when `limits.managerRecords` cuts a kind short, so a short list is not taken for the whole. */
export function tooManyRecords(what: string, count: number, path: string): Diagnostic {
  const message = `${path} holds ${count} ${what}, more than the managerRecords limit; the Manager view shows the first ${limits.managerRecords}`;
  return diagnostic('warning', 'CLOUDIFY_TOO_MANY_RECORDS', message, path);
}

/** The `Manager` folder: one folder per entity kind, one record per entity, fields as attributes. */
export function managerNode(entities: Entities): TreeNode {
  const kinds = ENTITY_KINDS.map((kind) =>
    dirNode(kind, uniqueNames(entities[kind].map(recordNode)), { note: `${entities[kind].length} ${kind}` }),
  );
  return dirNode('Manager', kinds, {
    note: 'entities decoded from the dump; names only for secrets, no password hashes',
  });
}

function recordNode(entity: Entity): TreeNode {
  return {
    name: entity.name || '(unnamed)',
    kind: 'record',
    size: 0,
    attrs: entity.attrs,
    ...(entity.secret ? { flags: ['secret' as const] } : {}),
    ...(entity.note ? { note: entity.note } : {}),
  };
}

export function entityCounts(entities: Entities): MetaRecord {
  const counts: MetaRecord = {};
  for (const kind of ENTITY_KINDS) counts[kind] = entities[kind].length;
  return counts;
}
