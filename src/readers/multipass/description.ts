import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { Instant, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import { isJsonObject, type JsonObject, jsonText, type JsonValue, parseJson } from '../shared/json.js';
import { escapeForDisplay } from '../../model/display.js';

/** `NNNN.snapshot.json`: the index zero-padded to at least four digits (docs/formats/containers.md, Multipass). */
export const DESCRIPTION_NAME = /^(\d{4,})\.snapshot\.json$/;

/** Multipass's VirtualMachine::State; a snapshot may only record off or stopped. */
const STATES = [
  'off',
  'stopped',
  'starting',
  'restarting',
  'running',
  'delayed_shutdown',
  'suspending',
  'suspended',
  'unknown',
];

/** One snapshot description, with every field that had the wrong type left null (and reported). */
export interface SnapshotDescription {
  file: string;
  name: string | null;
  comment: string;
  /** Index of the parent, 0 for none. */
  parent: number | null;
  index: number | null;
  created: Instant | null;
  cores: number | null;
  memory: bigint | null;
  disk: bigint | null;
  state: number | null;
  mounts: MetaValue[];
  extraInterfaces: MetaValue[];
  cloudInitInstanceId: string | null;
  /** Backend-specific (QEMU: arguments, machine_type, mount_data). */
  backend: MetaRecord;
  /** Written before Multipass recorded extra interfaces and the cloud-init id; the daemon rewrites such files. */
  legacy: boolean;
}

export function fileIndex(file: string): number | null {
  const match = DESCRIPTION_NAME.exec(file);
  return match ? Number(match[1]) : null;
}

export function isDescription(value: JsonValue): boolean {
  return isJsonObject(value) && isJsonObject(value.snapshot) && 'index' in value.snapshot;
}

/** Never throws: unreadable text or JSON becomes MULTIPASS_BAD_JSON, wrong field types MULTIPASS_BAD_FIELD. */
export function parseDescription(
  text: string | null,
  file: string,
  where: string,
): { description: SnapshotDescription | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const bad = (message: string): { description: null; diagnostics: Diagnostic[] } => ({
    description: null,
    diagnostics: [diagnostic('error', 'MULTIPASS_BAD_JSON', message, where)],
  });
  if (text === null) return bad(`${file} is unreadable, not a regular file, or larger than 1 MiB`);
  const parsed = parseJson(text);
  if (!parsed.ok) return bad(`${file} is not valid JSON (truncated?): ${parsed.error}`);
  if (!isJsonObject(parsed.value) || !isJsonObject(parsed.value.snapshot))
    return bad(`${file} has no top-level "snapshot" object`);
  const fields = new FieldReader(parsed.value.snapshot, where, diagnostics);
  const description: SnapshotDescription = {
    file,
    name: fields.string('name', true),
    comment: fields.string('comment', false) ?? '',
    parent: fields.integer('parent', 0),
    index: fields.integer('index', 1),
    created: fields.timestamp('creation_timestamp'),
    cores: fields.integer('num_cores', 1),
    memory: fields.byteCount('mem_size'),
    disk: fields.byteCount('disk_space'),
    state: fields.state(),
    mounts: fields.list('mounts', true),
    extraInterfaces: fields.list('extra_interfaces', false),
    cloudInitInstanceId: fields.string('cloud_init_instance_id', false),
    backend: isJsonObject(parsed.value.snapshot.metadata) ? parsed.value.snapshot.metadata : {},
    legacy: !('extra_interfaces' in parsed.value.snapshot) || !('cloud_init_instance_id' in parsed.value.snapshot),
  };
  const named = fileIndex(file);
  if (named !== null && description.index !== null && named !== description.index) {
    diagnostics.push(
      diagnostic(
        'warning',
        'MULTIPASS_INDEX_MISMATCH',
        `${file} holds index ${description.index}; Multipass names the file after the index`,
        where,
      ),
    );
  }
  if (description.legacy)
    diagnostics.push(
      diagnostic(
        'info',
        'MULTIPASS_LEGACY',
        `${file} lacks extra_interfaces or cloud_init_instance_id: written by an older Multipass, the daemon rewrites it`,
        where,
      ),
    );
  return { description, diagnostics };
}

export function stateName(state: number): string {
  return STATES[state] ?? `unknown (${state})`;
}

/** Reads one field at a time, reporting each wrong type once with what Multipass expects. */
class FieldReader {
  constructor(
    private readonly object: JsonObject,
    private readonly where: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private wrong(key: string, expected: string): null {
    const value = this.object[key];
    const shown = value === undefined ? 'missing' : escapeForDisplay(jsonText(value).slice(0, 60));
    this.diagnostics.push(
      diagnostic('error', 'MULTIPASS_BAD_FIELD', `${key} should be ${expected}, found ${shown}`, this.where),
    );
    return null;
  }

  string(key: string, required: boolean): string | null {
    const value = this.object[key];
    if (typeof value === 'string' && (value !== '' || !required)) return value;
    return value === undefined && !required ? null : this.wrong(key, required ? 'a non-empty string' : 'a string');
  }

  integer(key: string, minimum: number): number | null {
    const value = this.object[key];
    return typeof value === 'bigint' && value >= BigInt(minimum) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : this.wrong(key, `an integer ≥ ${minimum}`);
  }

  /** Multipass writes sizes as strings of decimal bytes ("1073741824"), not JSON numbers. */
  byteCount(key: string): bigint | null {
    const value = this.object[key];
    return typeof value === 'string' && /^\d{1,20}$/.test(value)
      ? BigInt(value)
      : this.wrong(key, 'a string of decimal bytes');
  }

  timestamp(key: string): Instant | null {
    const value = this.object[key];
    const millis = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isNaN(millis) ? this.wrong(key, 'an ISO 8601 time') : new Instant(BigInt(millis) * 1_000_000n);
  }

  /** Any other state is kept for display but reported: Multipass snapshots only stopped instances. */
  state(): number | null {
    const value = this.object.state;
    const known = typeof value === 'bigint' && value >= 0n && value < BigInt(STATES.length);
    if (value !== 0n && value !== 1n) this.wrong('state', '0 (off) or 1 (stopped)');
    return known ? Number(value) : null;
  }

  list(key: string, required: boolean): MetaValue[] {
    const value = this.object[key];
    if (Array.isArray(value)) return value;
    if (value !== undefined || required) this.wrong(key, 'a list');
    return [];
  }
}
