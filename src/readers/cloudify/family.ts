import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import { isJsonObject, type JsonValue } from '../shared/json.js';

export type Family = 'es-3x' | 'hybrid-4.0dev' | 'pg-legacy' | 'json-7.0.0' | 'json-flat' | 'unknown';

export const familyLabels: Record<Family, string> = {
  'es-3x': 'A: 3.x Elasticsearch dump',
  'hybrid-4.0dev': 'A′: 4.0 development hybrid (es_data + pg_data)',
  'pg-legacy': 'B: PostgreSQL dump (4.0 – 7.0 legacy)',
  'json-7.0.0': 'C: 7.0.0 per-type JSON folders',
  'json-flat': 'D: 7.0.1+ flattened mgmt/ + tenants/',
  unknown: 'unknown layout',
};

/** Family by layout, never by metadata keys (Cloudify's own key test misreads community snapshots). */
export function detectFamily(paths: readonly string[]): Family {
  const root = new Set(paths);
  const es = root.has('es_data');
  const pg = root.has('pg_data');
  if (es && pg) return 'hybrid-4.0dev';
  if (pg) return 'pg-legacy';
  if (es) return 'es-3x';
  const mgmt = paths.filter((path) => path.startsWith('mgmt/') || path.startsWith('tenants/'));
  if (mgmt.length === 0) return 'unknown';
  if (mgmt.some((path) => /^mgmt\/\d{8}\.json$/.test(path) || /^tenants\/[^/]+\/\d{8}\.json$/.test(path)))
    return 'json-flat';
  return 'json-7.0.0';
}

/** Alembic heads at each release (docs/formats/cloudify.md#schema-revisions). */
const SCHEMA_RELEASES: Record<string, string> = {
  '333998bc1627': '4.0.0',
  '9aa6f74c9653': '4.0.1',
  '3496c876cd1a': '4.1',
  f1dab814a4a0: '4.2',
  '3483e421713d': '4.3',
  c7652b2a97a4: '4.4',
  a6d00b128933: '4.5',
  '1fbd6bf39e84': '4.5.5',
  '9516df019579': '4.6',
  '62a8d746d13b': '5.0.5',
  '387fcd049efb': '5.1.0',
  '5ce2b0cbb6f3': '5.1.1–5.1.4',
  '9d261e90b1f3': '5.2.x',
  b92770a7b6ca: '6.0.0',
  a31cb9e704d3: '6.1',
  '03ad040e6f78': '6.2',
  '8e8314b1d848': '6.3.x',
  '272e61bf5f4a': '6.4.x',
  edd6d829a209: '7.0.x',
};

/** Like Cloudify's ManagerVersion: split on `-`, up to three integer parts, `3.3` padded to `3.3.0`. */
export function parseVersion(text: string): number[] | null {
  const parts = (text.split('-')[0] ?? '').split('.').slice(0, 3);
  if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part))) return null;
  const numbers = parts.map(Number);
  while (numbers.length < 3) numbers.push(0);
  return numbers;
}

/** npm noise can precede the revision (CY-1254); restore keeps the last line, and so do we. */
function lastLine(value: JsonValue | undefined): string | null {
  if (typeof value !== 'string') return null;
  return (
    value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .pop() ?? null
  );
}

export interface ManagerMetadata {
  fields: MetaRecord;
  version: number[] | null;
  diagnostics: Diagnostic[];
}

export function readMetadata(value: JsonValue): ManagerMetadata {
  const diagnostics: Diagnostic[] = [];
  const json = isJsonObject(value) ? value : {};
  const raw = typeof json.snapshot_version === 'string' ? json.snapshot_version : null;
  const version = raw === null ? null : parseVersion(raw);
  if (raw !== null && version === null)
    diagnostics.push(
      diagnostic(
        'warning',
        'CLOUDIFY_BAD_VERSION',
        `snapshot_version "${raw}" is not a version Cloudify can parse`,
        'metadata.json',
      ),
    );
  const schema = typeof json.schema_revision === 'string' ? json.schema_revision : null;
  const schemaRelease = schema === null ? null : (SCHEMA_RELEASES[schema] ?? 'unknown revision');
  const stageRaw = json.stage_schema_revision;
  const stage = lastLine(stageRaw);
  if (typeof stageRaw === 'string' && stageRaw.trim().includes('\n')) {
    diagnostics.push(
      diagnostic(
        'info',
        'CLOUDIFY_STAGE_REVISION_NOISE',
        `stage_schema_revision spans several lines; its last line ${stage ?? ''} is the revision, as restore reads it`,
        'metadata.json',
      ),
    );
  }
  if (
    version &&
    schemaRelease &&
    !schemaRelease.startsWith(`${version[0]}.${version[1]}`) &&
    schemaRelease !== 'unknown revision'
  ) {
    diagnostics.push(
      diagnostic(
        'info',
        'CLOUDIFY_SCHEMA_MISMATCH',
        `snapshot_version ${raw ?? ''} carries the schema of ${schemaRelease} (${schema ?? ''}); a development build, or a patched manager`,
        'metadata.json',
      ),
    );
  }
  const fields: MetaRecord = {
    snapshot_version: raw,
    version: version ? version.join('.') : null,
    schema_revision: schema,
    schema_release: schemaRelease,
    stage_schema_revision: stage,
    composer_schema_revision: typeof json.composer_schema_revision === 'string' ? json.composer_schema_revision : null,
  };
  if (typeof json.has_cloudify_events === 'boolean') fields.has_cloudify_events = json.has_cloudify_events;
  if (typeof json.execution_id === 'string') fields.execution_id = json.execution_id;
  return { fields, version, diagnostics };
}

/** What a restore would say, from the rules in docs/formats/cloudify.md#restore-compatibility. */
export function restoreHint(family: Family, version: number[] | null): string {
  if (!version) return 'unknown version: restore compatibility cannot be judged';
  const [major = 0, minor = 0] = version;
  const text = version.join('.');
  if (major < 4)
    return `${text} (3.x): restores into a 3.4 manager of at least this version or a 4.0–4.6 manager (into the current tenant); 5.0 and later reject it`;
  if (family === 'json-7.0.0' || family === 'json-flat')
    return `${text} new format: restores into 7.0+ managers (no version or clean-database check)`;
  if (major >= 7)
    return `${text} legacy: restores into 7.x all-in-one managers of at least this version; refused on distributed or Kubernetes managers`;
  return `${text}: restores into a clean ${major}.${minor}+ manager (or --force); newer snapshots are never restored into older managers${major === 4 && minor >= 2 ? '; networks in networks.json must exist' : ''}`;
}
