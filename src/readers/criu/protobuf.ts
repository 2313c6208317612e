import { decodeName } from '../../model/display.js';
import { ByteCursor, DecodeError } from '../shared/byte-cursor.js';
import { u32le, u64le } from '../shared/bytes.js';

export type Field =
  | { number: number; wire: 0 | 1; value: bigint }
  | { number: number; wire: 2; bytes: Uint8Array }
  | { number: number; wire: 5; value: number };

// Malformed protobuf (a DecodeError) is the only error this module throws, so callers can turn it into a diagnostic.

/** Nested messages are decoded on demand; this bounds how deep a chain of them may go. */
export const MAX_DEPTH = 32;
/** Fields kept per message: a 64 MiB entry of one-byte fields would otherwise cost gigabytes. */
const MAX_FIELDS = 1_000_000;
const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit'];

export function zigzag(value: bigint): bigint {
  const unsigned = BigInt.asUintN(64, value);
  return (unsigned >> 1n) ^ -(unsigned & 1n);
}

/**
 * One proto2 message read by field number, without a schema. Getters take the last occurrence,
 * as protobuf does, and reject a wire type that cannot carry the asked type.
 */
export class ProtoMessage {
  private constructor(
    readonly fields: readonly Field[],
    readonly depth: number,
  ) {}

  static decode(bytes: Uint8Array, depth = 0): ProtoMessage {
    if (depth > MAX_DEPTH) throw new DecodeError(`messages nested more than ${MAX_DEPTH} levels deep`);
    return new ProtoMessage(readFields(bytes), depth);
  }

  has(number: number): boolean {
    return this.fields.some((field) => field.number === number);
  }

  all(number: number): Field[] {
    return this.fields.filter((field) => field.number === number);
  }

  uint64(number: number): bigint | undefined {
    const field = this.last(number);
    if (field === undefined) return undefined;
    if (field.wire === 0 || field.wire === 1) return field.value;
    if (field.wire === 5) return BigInt(field.value);
    throw wrongWire(field, 'an integer');
  }

  uint32(number: number): number | undefined {
    const value = this.uint64(number);
    return value === undefined ? undefined : Number(BigInt.asUintN(32, value));
  }

  int32(number: number): number | undefined {
    const value = this.uint64(number);
    return value === undefined ? undefined : Number(BigInt.asIntN(32, value));
  }

  sint64(number: number): bigint | undefined {
    const value = this.uint64(number);
    return value === undefined ? undefined : zigzag(value);
  }

  bool(number: number): boolean | undefined {
    const value = this.uint64(number);
    return value === undefined ? undefined : value !== 0n;
  }

  bytes(number: number): Uint8Array | undefined {
    const field = this.last(number);
    if (field === undefined) return undefined;
    if (field.wire !== 2) throw wrongWire(field, 'bytes');
    return field.bytes;
  }

  /** Strings are kept readable even when they are not UTF-8 (comm and file names are raw bytes). */
  string(number: number): string | undefined {
    const bytes = this.bytes(number);
    return bytes === undefined ? undefined : decodeName(bytes);
  }

  message(number: number): ProtoMessage | undefined {
    const bytes = this.bytes(number);
    return bytes === undefined ? undefined : ProtoMessage.decode(bytes, this.depth + 1);
  }

  messages(number: number): ProtoMessage[] {
    return this.all(number).map((field) => {
      if (field.wire !== 2) throw wrongWire(field, 'a message');
      return ProtoMessage.decode(field.bytes, this.depth + 1);
    });
  }

  /** A repeated integer field, accepting both the unpacked and the packed encoding. */
  varints(number: number): bigint[] {
    const values: bigint[] = [];
    for (const field of this.all(number)) {
      if (field.wire === 0) values.push(field.value);
      else if (field.wire === 2) for (const value of packedVarints(field.bytes)) values.push(value);
      else throw wrongWire(field, 'a repeated varint');
    }
    return values;
  }

  private last(number: number): Field | undefined {
    for (let i = this.fields.length - 1; i >= 0; i--) {
      const field = this.fields[i];
      if (field?.number === number) return field;
    }
    return undefined;
  }
}

function wrongWire(field: Field, wanted: string): DecodeError {
  return new DecodeError(`field ${field.number} is ${WIRE_NAMES[field.wire]}, not ${wanted}`);
}

function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  const cursor = new ByteCursor(bytes, 0, 'message');
  while (cursor.remaining > 0) {
    if (fields.length >= MAX_FIELDS) throw new DecodeError(`more than ${MAX_FIELDS} fields in one message`);
    fields.push(readField(cursor));
  }
  return fields;
}

function readField(cursor: ByteCursor): Field {
  const start = cursor.offset;
  const tag = cursor.u64();
  const number = Number(tag >> 3n);
  const wire = Number(tag & 7n);
  if (number === 0 || tag >> 3n > BigInt(MAX_FIELD_NUMBER))
    throw new DecodeError(`invalid field number ${tag >> 3n} at offset ${start}`);
  switch (wire) {
    case 0:
      return { number, wire, value: cursor.u64() };
    case 1:
      return { number, wire, value: u64le(cursor.take(8), 0) };
    case 2: {
      const length = cursor.u64();
      if (length > BigInt(cursor.remaining))
        throw new DecodeError(`field ${number} at offset ${start} claims ${length} bytes, past the end`);
      return { number, wire, bytes: cursor.take(Number(length)) };
    }
    case 5:
      return { number, wire, value: u32le(cursor.take(4), 0) };
    case 3:
    case 4:
      throw new DecodeError(`field ${number} at offset ${start} is a group; groups are not supported`);
    default:
      throw new DecodeError(`invalid wire type ${wire} at offset ${start}`);
  }
}

function packedVarints(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  const cursor = new ByteCursor(bytes, 0, 'packed field');
  while (cursor.remaining > 0) {
    if (values.length >= MAX_FIELDS) throw new DecodeError(`more than ${MAX_FIELDS} packed values`);
    values.push(cursor.u64());
  }
  return values;
}
