import { Principal } from '@icp-sdk/core/principal';
import { limits } from '../limits.js';
import { ByteCursor, DecodeError } from '../../shared/byte-cursor.js';
import { candidTypeTable, leb } from './didl-types.js';
import { isBlob, isTuple, type CandidField, type CandidType } from './types.js';
import { blobText, labelFor } from './value-text.js';
import type { FieldNames } from './types.js';

export type { FieldNames } from './types.js';

/** `length`: the bytes the message took, so a message at the start of a larger blob can be cut out. */
export type DidlResult = { ok: true; text: string; length: number } | { ok: false; error: string };

const DIDL_MAGIC = [0x44, 0x49, 0x44, 0x4c];
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function startsWithDidl(bytes: Uint8Array): boolean {
  return DIDL_MAGIC.every((byte, index) => bytes[index] === byte);
}

/**
 * Decodes a Candid message using only its own type table, as Candid text: `(record { id = 1; name = "a" })`.
 * Field ids the name table knows are shown by name. Any malformed or over-limit input gives an error instead.
 */
export function decodeDidl(bytes: Uint8Array, names: FieldNames = new Map()): DidlResult {
  try {
    const cursor = new ByteCursor(bytes, 0, 'Candid message');
    cursor.expect(DIDL_MAGIC, 'Candid magic');
    const { table, args } = candidTypeTable(cursor);
    const reader = new ValueReader(cursor, table, names);
    const values = args.map((type) => reader.value(type, 0));
    return { ok: true, text: `(${values.join(', ')})`, length: cursor.offset };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: error.message };
    throw error;
  }
}

class ValueReader {
  private decoded = 0;

  constructor(
    private readonly cursor: ByteCursor,
    private readonly table: CandidType[],
    private readonly names: FieldNames,
  ) {}

  value(type: CandidType, depth: number): string {
    if (depth > limits.candidDepth) throw new DecodeError(`values nest deeper than ${limits.candidDepth} levels`);
    if (++this.decoded > limits.candidValues)
      throw new DecodeError(`more than ${limits.candidValues} values in one message`);
    const resolved = this.resolve(type);
    switch (resolved.kind) {
      case 'primitive':
        return this.primitive(resolved.name);
      case 'opt':
        return this.flag('opt') ? `opt ${this.value(resolved.inner, depth + 1)}` : 'null';
      case 'vec':
        return this.vector(resolved.inner, depth);
      case 'record':
        return this.record(resolved.fields, depth);
      case 'variant':
        return this.variant(resolved.fields, depth);
      case 'func':
        return `func ${this.reference()}.${JSON.stringify(this.text())}`;
      case 'service':
        return `service ${this.reference()}`;
      case 'ref':
        throw new DecodeError(`type ${resolved.name} is not in the type table`);
    }
  }

  private resolve(type: CandidType): CandidType {
    if (type.kind !== 'ref') return type;
    const entry = this.table[Number(type.name)];
    if (entry === undefined) throw new DecodeError(`type index ${type.name} is outside the type table`);
    return entry;
  }

  private primitive(name: Extract<CandidType, { kind: 'primitive' }>['name']): string {
    const fixed = FIXED_WIDTH[name];
    if (fixed) return fixed(this.cursor.take(fixed.width));
    switch (name) {
      case 'null':
      case 'reserved':
        return 'null';
      case 'bool':
        return this.flag('bool') ? 'true' : 'false';
      case 'nat':
        return leb(this.cursor, false).toString();
      case 'int':
        return leb(this.cursor, true).toString();
      case 'text':
        return JSON.stringify(this.text());
      case 'principal':
        return this.principal();
      default:
        throw new DecodeError(`a value of type ${name} cannot exist`);
    }
  }

  private vector(inner: CandidType, depth: number): string {
    const length = this.length();
    if (isBlob({ kind: 'vec', inner: this.resolve(inner) })) return blobText(this.cursor.take(length));
    const items: string[] = [];
    for (let i = 0; i < length; i++) items.push(this.value(inner, depth + 1));
    return items.length === 0 ? 'vec {}' : `vec { ${items.join('; ')} }`;
  }

  private record(fields: CandidField[], depth: number): string {
    const tuple = isTuple(fields);
    const items = fields.map((field) => {
      const value = this.value(field.type, depth + 1);
      return tuple ? value : `${labelFor(field.id, this.names)} = ${value}`;
    });
    return items.length === 0 ? 'record {}' : `record { ${items.join('; ')} }`;
  }

  private variant(fields: CandidField[], depth: number): string {
    const index = this.length();
    const field = fields[index];
    if (field === undefined)
      throw new DecodeError(`variant index ${index} is beyond its ${fields.length} alternatives`);
    const resolved = this.resolve(field.type);
    const label = labelFor(field.id, this.names);
    if (resolved.kind === 'primitive' && resolved.name === 'null') return `variant { ${label} }`;
    return `variant { ${label} = ${this.value(field.type, depth + 1)} }`;
  }

  private reference(): string {
    if (!this.flag('reference')) throw new DecodeError('opaque references cannot be shown');
    return this.principal();
  }

  private principal(): string {
    if (!this.flag('principal')) throw new DecodeError('opaque principal references cannot be shown');
    const bytes = this.cursor.take(this.length());
    if (bytes.length > 29) throw new DecodeError(`a principal is at most 29 bytes, this one ${bytes.length}`);
    return `principal "${Principal.fromUint8Array(bytes).toText()}"`;
  }

  private text(): string {
    const bytes = this.cursor.take(this.length());
    try {
      return utf8.decode(bytes);
    } catch {
      throw new DecodeError('text is not valid UTF-8');
    }
  }

  private flag(what: string): boolean {
    const byte = this.cursor.byte();
    if (byte > 1) throw new DecodeError(`${what} flag is ${byte}, not 0 or 1`);
    return byte === 1;
  }

  private length(): number {
    return this.cursor.u32();
  }
}

interface FixedReader {
  width: number;
  (bytes: Uint8Array): string;
}

function fixedReader(width: number, read: (view: DataView) => number | bigint): FixedReader {
  return Object.assign((bytes: Uint8Array) => String(read(new DataView(bytes.buffer, bytes.byteOffset, width))), {
    width,
  });
}

const FIXED_WIDTH: Partial<Record<string, FixedReader>> = {
  nat8: fixedReader(1, (view) => view.getUint8(0)),
  nat16: fixedReader(2, (view) => view.getUint16(0, true)),
  nat32: fixedReader(4, (view) => view.getUint32(0, true)),
  nat64: fixedReader(8, (view) => view.getBigUint64(0, true)),
  int8: fixedReader(1, (view) => view.getInt8(0)),
  int16: fixedReader(2, (view) => view.getInt16(0, true)),
  int32: fixedReader(4, (view) => view.getInt32(0, true)),
  int64: fixedReader(8, (view) => view.getBigInt64(0, true)),
  float32: fixedReader(4, (view) => view.getFloat32(0, true)),
  float64: fixedReader(8, (view) => view.getFloat64(0, true)),
};
