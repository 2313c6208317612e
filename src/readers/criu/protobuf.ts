import { decodeName } from '../../model/display.js';

/** Malformed protobuf; the only error this module throws, so callers can turn it into a diagnostic. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

export type Field =
  | { number: number; wire: 0 | 1; value: bigint }
  | { number: number; wire: 2; bytes: Uint8Array }
  | { number: number; wire: 5; value: number };

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
      else if (field.wire === 2) values.push(...packedVarints(field.bytes));
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
  const cursor = { position: 0 };
  while (cursor.position < bytes.length) {
    if (fields.length >= MAX_FIELDS) throw new DecodeError(`more than ${MAX_FIELDS} fields in one message`);
    fields.push(readField(bytes, cursor));
  }
  return fields;
}

function readField(bytes: Uint8Array, cursor: { position: number }): Field {
  const start = cursor.position;
  const tag = readVarint(bytes, cursor);
  const number = Number(tag >> 3n);
  const wire = Number(tag & 7n);
  if (number === 0 || tag >> 3n > BigInt(MAX_FIELD_NUMBER))
    throw new DecodeError(`invalid field number ${tag >> 3n} at offset ${start}`);
  switch (wire) {
    case 0:
      return { number, wire, value: readVarint(bytes, cursor) };
    case 1:
      return { number, wire, value: readFixed(bytes, cursor, 8) };
    case 2: {
      const length = readVarint(bytes, cursor);
      if (length > BigInt(bytes.length - cursor.position))
        throw new DecodeError(`field ${number} at offset ${start} claims ${length} bytes, past the end`);
      const value = bytes.subarray(cursor.position, cursor.position + Number(length));
      cursor.position += value.length;
      return { number, wire, bytes: value };
    }
    case 5:
      return { number, wire, value: Number(readFixed(bytes, cursor, 4)) };
    case 3:
    case 4:
      throw new DecodeError(`field ${number} at offset ${start} is a group; groups are not supported`);
    default:
      throw new DecodeError(`invalid wire type ${wire} at offset ${start}`);
  }
}

/** Up to ten bytes; the tenth may only hold bit 63, so every accepted varint fits in 64 bits. */
function readVarint(bytes: Uint8Array, cursor: { position: number }): bigint {
  const start = cursor.position;
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[cursor.position];
    if (byte === undefined) throw new DecodeError(`varint at offset ${start} runs past the end`);
    cursor.position++;
    if (i === 9 && byte > 1) throw new DecodeError(`varint at offset ${start} does not fit in 64 bits`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (byte < 0x80) return value;
  }
  throw new DecodeError(`varint at offset ${start} is longer than 10 bytes`);
}

function readFixed(bytes: Uint8Array, cursor: { position: number }, size: 4 | 8): bigint {
  if (bytes.length - cursor.position < size)
    throw new DecodeError(`${size * 8}-bit value at offset ${cursor.position} runs past the end`);
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[cursor.position + i] ?? 0);
  cursor.position += size;
  return value;
}

function packedVarints(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  const cursor = { position: 0 };
  while (cursor.position < bytes.length) {
    if (values.length >= MAX_FIELDS) throw new DecodeError(`more than ${MAX_FIELDS} packed values`);
    values.push(readVarint(bytes, cursor));
  }
  return values;
}
