import { limits } from '../limits.js';
import { ByteCursor, DecodeError } from '../../shared/byte-cursor.js';
import {
  primitive,
  type CandidArgument,
  type CandidField,
  type CandidMethod,
  type CandidType,
  type PrimitiveName,
} from './types.js';

/** Negative type codes of the Candid binary format, primitives first. */
const PRIMITIVE_CODES = new Map<number, PrimitiveName>([
  [-1, 'null'],
  [-2, 'bool'],
  [-3, 'nat'],
  [-4, 'int'],
  [-5, 'nat8'],
  [-6, 'nat16'],
  [-7, 'nat32'],
  [-8, 'nat64'],
  [-9, 'int8'],
  [-10, 'int16'],
  [-11, 'int32'],
  [-12, 'int64'],
  [-13, 'float32'],
  [-14, 'float64'],
  [-15, 'text'],
  [-16, 'reserved'],
  [-17, 'empty'],
  [-24, 'principal'],
]);

const OPT = -18;
const VEC = -19;
const RECORD = -20;
const VARIANT = -21;
const FUNC = -22;
const SERVICE = -23;
const FUNC_MODES = new Map([
  [1, 'query'],
  [2, 'oneway'],
  [3, 'composite_query'],
]);

/**
 * The type table and argument types after the `DIDL` magic. Table entries refer to each other as
 * `{ kind: 'ref', name: '<index>' }`; every index is checked against the table size.
 */
export function candidTypeTable(cursor: ByteCursor): { table: CandidType[]; args: CandidType[] } {
  const count = cursor.u32();
  if (count > limits.candidTypes)
    throw new DecodeError(`type table has ${count} entries, more than ${limits.candidTypes}`);
  const read = (): CandidType => typeReference(cursor, count);
  const table: CandidType[] = [];
  for (let i = 0; i < count; i++) table.push(tableEntry(cursor, read));
  const argCount = cursor.u32();
  if (argCount > cursor.remaining) throw new DecodeError(`${argCount} arguments cannot fit in the message`);
  const args = Array.from({ length: argCount }, read);
  return { table, args };
}

function typeReference(cursor: ByteCursor, tableSize: number): CandidType {
  const code = Number(leb(cursor, true));
  if (code >= 0) {
    if (code >= tableSize) throw new DecodeError(`type index ${code} is outside the ${tableSize}-entry type table`);
    return { kind: 'ref', name: String(code) };
  }
  const name = PRIMITIVE_CODES.get(code);
  if (name === undefined) throw new DecodeError(`type code ${code} is not a primitive type`);
  return primitive(name);
}

function tableEntry(cursor: ByteCursor, read: () => CandidType): CandidType {
  const code = Number(leb(cursor, true));
  switch (code) {
    case OPT:
      return { kind: 'opt', inner: read() };
    case VEC:
      return { kind: 'vec', inner: read() };
    case RECORD:
    case VARIANT:
      return { kind: code === RECORD ? 'record' : 'variant', fields: fields(cursor, read) };
    case FUNC:
      return { kind: 'func', func: funcType(cursor, read) };
    case SERVICE:
      return { kind: 'service', methods: serviceMethods(cursor, read) };
    default:
      throw new DecodeError(`type table entry has code ${code}, not a composite type`);
  }
}

function fields(cursor: ByteCursor, read: () => CandidType): CandidField[] {
  const count = boundedCount(cursor, 'fields');
  const result: CandidField[] = [];
  for (let i = 0; i < count; i++) {
    const id = cursor.u32();
    const previous = result.at(-1);
    if (previous !== undefined && id <= previous.id)
      throw new DecodeError(`field ids are not strictly increasing (${previous.id}, then ${id})`);
    result.push({ id, type: read() });
  }
  return result;
}

function funcType(
  cursor: ByteCursor,
  read: () => CandidType,
): { args: CandidArgument[]; results: CandidArgument[]; modes: string[] } {
  const args = Array.from({ length: boundedCount(cursor, 'arguments') }, () => ({ type: read() }));
  const results = Array.from({ length: boundedCount(cursor, 'results') }, () => ({ type: read() }));
  const modes = Array.from(
    { length: boundedCount(cursor, 'annotations') },
    () => FUNC_MODES.get(cursor.byte()) ?? 'unknown',
  );
  return { args, results, modes };
}

function serviceMethods(cursor: ByteCursor, read: () => CandidType): CandidMethod[] {
  return Array.from({ length: boundedCount(cursor, 'methods') }, () => {
    const name = cursor.name();
    const type = read();
    return { name, type: type.kind === 'ref' ? { ref: type.name } : { ref: 'func' } };
  });
}

function boundedCount(cursor: ByteCursor, what: string): number {
  const count = cursor.u32();
  if (count > cursor.remaining) throw new DecodeError(`${count} ${what} cannot fit in the message`);
  return count;
}

/** Bytes of one nat or int; Candid numbers are unbounded, but not this unbounded. */
const MAX_NUMBER_BYTES = 1024;

/** An unbounded LEB128 (nat) or signed LEB128 (int), exact as bigint. */
export function leb(cursor: ByteCursor, signed: boolean): bigint {
  return cursor.leb(signed, MAX_NUMBER_BYTES);
}
