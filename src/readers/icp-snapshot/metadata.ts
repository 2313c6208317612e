import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { Instant, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../shared/json.js';

export type MetadataShape = 'current' | 'old-dfx';

export interface ParsedMetadata {
  shape: MetadataShape;
  record: MetaRecord;
  diagnostics: Diagnostic[];
}

const FILE = 'metadata.json';
const U64_MAX = (1n << 64n) - 1n;

/** Field order of the management canister's reply type, which both CLIs serialise unchanged. */
const KNOWN_FIELDS = [
  'source',
  'taken_at_timestamp',
  'wasm_module_size',
  'globals',
  'exported_globals',
  'wasm_memory_size',
  'stable_memory_size',
  'wasm_chunk_store',
  'canister_version',
  'certified_data',
  'global_timer',
  'on_low_wasm_memory_hook_status',
];

class FieldReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly record: MetaRecord = {};

  constructor(private readonly json: JsonObject) {}

  has(key: string): boolean {
    return key in this.json;
  }

  required(key: string): JsonValue | undefined {
    if (!(key in this.json)) {
      this.problem('error', 'ICP_FIELD_MISSING', `missing field ${key}: the CLIs refuse this metadata`);
      return undefined;
    }
    return this.json[key];
  }

  invalid(key: string, expected: string, value: JsonValue | undefined): void {
    this.problem('error', 'ICP_FIELD_INVALID', `${key} is ${describeJson(value)}, expected ${expected}`);
  }

  problem(severity: Diagnostic['severity'], code: string, message: string): void {
    this.diagnostics.push(diagnostic(severity, code, message, FILE));
  }

  u64(key: string): bigint | undefined {
    const value = this.required(key);
    if (value === undefined) return undefined;
    if (typeof value === 'bigint' && value >= 0n && value <= U64_MAX) return value;
    this.invalid(key, 'an unsigned 64-bit integer', value);
    return undefined;
  }
}

export function parseIcpMetadata(json: JsonValue): ParsedMetadata {
  if (!isJsonObject(json)) {
    const diagnostics = [
      diagnostic('error', 'ICP_METADATA_MALFORMED', `metadata is ${describeJson(json)}, expected an object`, FILE),
    ];
    return { shape: 'current', record: {}, diagnostics };
  }
  const fields = new FieldReader(json);
  const shape = readSource(fields, json);
  setIfDefined(
    fields.record,
    'taken_at_timestamp',
    mapDefined(fields.u64('taken_at_timestamp'), (ns) => new Instant(ns)),
  );
  setIfDefined(fields.record, 'wasm_module_size', fields.u64('wasm_module_size'));
  readGlobals(fields, shape);
  setIfDefined(fields.record, 'wasm_memory_size', fields.u64('wasm_memory_size'));
  setIfDefined(fields.record, 'stable_memory_size', fields.u64('stable_memory_size'));
  readChunkStore(fields);
  setIfDefined(fields.record, 'canister_version', fields.u64('canister_version'));
  readCertifiedData(fields);
  readGlobalTimer(fields, json);
  readHookStatus(fields, json);
  for (const key of Object.keys(json)) {
    if (KNOWN_FIELDS.includes(key)) continue;
    fields.record[key] = json[key] ?? null;
    fields.problem('info', 'ICP_UNKNOWN_FIELD', `unknown field ${key} (ignored by the CLIs)`);
  }
  return { shape, record: fields.record, diagnostics: fields.diagnostics };
}

function readSource(fields: FieldReader, json: JsonObject): MetadataShape {
  const value = json.source;
  const oldShape = typeof value === 'string' || (fields.has('exported_globals') && !fields.has('globals'));
  if (typeof value === 'string') {
    fields.record.source = value;
  } else if (isJsonObject(value) && Object.keys(value).length === 1) {
    fields.record.source = Object.keys(value)[0] ?? null;
  } else if (value === null || value === undefined) {
    fields.record.source = null;
    fields.problem('warning', 'ICP_SOURCE_UNKNOWN', 'source is null or absent: a variant this reader does not know');
  } else {
    fields.invalid('source', 'a variant such as {"taken_from_canister": null}', value);
  }
  const source = fields.record.source;
  if (typeof source === 'string' && source !== 'taken_from_canister' && source !== 'metadata_upload') {
    fields.problem('warning', 'ICP_SOURCE_UNKNOWN', `source ${source} is not a known variant`);
  }
  if (source === 'metadata_upload') {
    fields.problem(
      'info',
      'ICP_SOURCE_UPLOAD',
      'snapshot was created by a metadata upload: timestamp and version describe the upload',
    );
  }
  if (oldShape) {
    fields.problem(
      'warning',
      'ICP_OLD_SHAPE',
      'metadata has the dfx 0.29.0-0.29.1 shape: current icp-cli and dfx cannot upload it',
    );
  }
  return oldShape ? 'old-dfx' : 'current';
}

function readGlobals(fields: FieldReader, shape: MetadataShape): void {
  const key = shape === 'old-dfx' && fields.has('exported_globals') ? 'exported_globals' : 'globals';
  const value = fields.required(key);
  if (value === undefined) return;
  if (!Array.isArray(value)) return fields.invalid(key, 'an array', value);
  fields.record.globals = value.map((element, index) => readGlobal(fields, element, index));
}

function readGlobal(fields: FieldReader, element: JsonValue, index: number): MetaValue {
  if (element === null) return null;
  const entries = isJsonObject(element) ? Object.entries(element) : [];
  const [type, raw] = entries[0] ?? [];
  if (entries.length !== 1 || type === undefined || raw === undefined) {
    fields.invalid(`globals[${index}]`, 'a one-key object such as {"i32": 1}', element);
    return null;
  }
  const value = globalValue(type, raw);
  if (value === undefined) {
    fields.invalid(`globals[${index}].${type}`, `a ${type} value`, raw);
    return null;
  }
  return { type, value };
}

function globalValue(type: string, raw: JsonValue): MetaValue | undefined {
  if (raw === null) return null;
  if (type === 'i32' || type === 'i64') return typeof raw === 'bigint' ? raw : undefined;
  if (type === 'f32' || type === 'f64')
    return typeof raw === 'number' || typeof raw === 'bigint' ? Number(raw) : undefined;
  if (type === 'v128') return natFromDigits(raw);
  return undefined;
}

/** Candid Nat as serde writes it: u32 digits, least significant first. A number or decimal string is accepted too. */
function natFromDigits(raw: JsonValue): bigint | undefined {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return BigInt(raw);
  if (!Array.isArray(raw)) return undefined;
  let result = 0n;
  for (let i = raw.length - 1; i >= 0; i--) {
    const digit = raw[i];
    if (typeof digit !== 'bigint' || digit < 0n || digit > 0xffffffffn) return undefined;
    result = (result << 32n) | digit;
  }
  return result;
}

function readChunkStore(fields: FieldReader): void {
  const value = fields.required('wasm_chunk_store');
  if (value === undefined) return;
  if (!Array.isArray(value)) return fields.invalid('wasm_chunk_store', 'an array', value);
  const hashes: MetaValue[] = [];
  value.forEach((entry, index) => {
    const hash = isJsonObject(entry) ? bytesFrom(entry.hash) : undefined;
    if (hash && hash.length === 32) hashes.push(hash);
    else fields.invalid(`wasm_chunk_store[${index}]`, '{"hash": [32 bytes]}', entry);
  });
  fields.record.wasm_chunk_store = hashes;
}

function readCertifiedData(fields: FieldReader): void {
  const value = fields.required('certified_data');
  if (value === undefined) return;
  const bytes = bytesFrom(value);
  if (bytes) fields.record.certified_data = bytes;
  else fields.invalid('certified_data', 'an array of bytes', value);
}

function readGlobalTimer(fields: FieldReader, json: JsonObject): void {
  const value = json.global_timer;
  if (value === undefined || value === null || value === 'inactive') {
    fields.record.global_timer = value ?? null;
    return;
  }
  const active = isJsonObject(value) ? value.active : undefined;
  if (typeof active === 'bigint' && active >= 0n && active <= U64_MAX)
    fields.record.global_timer = { active: new Instant(active) };
  else fields.invalid('global_timer', '"inactive" or {"active": <ns>}', value);
}

const HOOK_STATES = ['condition_not_satisfied', 'ready', 'executed'];

function readHookStatus(fields: FieldReader, json: JsonObject): void {
  const value = json.on_low_wasm_memory_hook_status;
  if (value === undefined || value === null) {
    fields.record.on_low_wasm_memory_hook_status = null;
  } else if (typeof value === 'string' && HOOK_STATES.includes(value)) {
    fields.record.on_low_wasm_memory_hook_status = value;
  } else {
    fields.invalid('on_low_wasm_memory_hook_status', HOOK_STATES.join(', '), value);
  }
}

function bytesFrom(value: JsonValue | undefined): Uint8Array | undefined {
  if (!Array.isArray(value)) return undefined;
  const bytes = new Uint8Array(value.length);
  for (const [index, element] of value.entries()) {
    if (typeof element !== 'bigint' || element < 0n || element > 255n) return undefined;
    bytes[index] = Number(element);
  }
  return bytes;
}

function setIfDefined(record: MetaRecord, key: string, value: MetaValue | undefined): void {
  if (value !== undefined) record[key] = value;
}

function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

export function describeJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'bigint') return `the integer ${value}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}
