/** Candid types as both the `.did` text and the DIDL type table describe them. */
export type PrimitiveName =
  | 'null'
  | 'bool'
  | 'nat'
  | 'int'
  | 'nat8'
  | 'nat16'
  | 'nat32'
  | 'nat64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'text'
  | 'reserved'
  | 'empty'
  | 'principal';

export const PRIMITIVES: readonly PrimitiveName[] = [
  'null',
  'bool',
  'nat',
  'int',
  'nat8',
  'nat16',
  'nat32',
  'nat64',
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'text',
  'reserved',
  'empty',
  'principal',
];

export interface CandidField {
  /** The wire id: the label's hash, or the number itself for numeric and positional fields. */
  id: number;
  /** Known when the text names the field, or when a name table maps the id back. */
  name?: string;
  type: CandidType;
}

export interface CandidArgument {
  name?: string;
  type: CandidType;
}

export interface FuncType {
  args: CandidArgument[];
  results: CandidArgument[];
  /** `query`, `composite_query`, `oneway`. */
  modes: string[];
}

export interface CandidMethod {
  name: string;
  type: FuncType | { ref: string };
}

export type CandidType =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'opt' | 'vec'; inner: CandidType }
  | { kind: 'record' | 'variant'; fields: CandidField[] }
  | { kind: 'func'; func: FuncType }
  | { kind: 'service'; methods: CandidMethod[] }
  /** A named type of a `.did` file, or an index into a DIDL type table. */
  | { kind: 'ref'; name: string };

export const primitive = (name: PrimitiveName): CandidType => ({ kind: 'primitive', name });

/** Positional fields (`record { nat; text }`) have ids 0, 1, 2… and no names: a tuple. */
export function isTuple(fields: readonly CandidField[]): boolean {
  return fields.length > 0 && fields.every((field, index) => field.id === index && field.name === undefined);
}

export function isBlob(type: CandidType): boolean {
  return type.kind === 'vec' && type.inner.kind === 'primitive' && type.inner.name === 'nat8';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function labelText(field: Pick<CandidField, 'id' | 'name'>): string {
  if (field.name === undefined) return String(field.id);
  return IDENTIFIER.test(field.name) ? field.name : JSON.stringify(field.name);
}

/** The type in `.did` syntax, the way didc prints it (`record { to : nat }`, `vec nat8` as `blob`). */
export function typeText(type: CandidType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'ref':
      return type.name;
    case 'opt':
      return `opt ${typeText(type.inner)}`;
    case 'vec':
      return isBlob(type) ? 'blob' : `vec ${typeText(type.inner)}`;
    case 'record':
      return braces(
        'record',
        type.fields.map((field) =>
          isTuple(type.fields) ? typeText(field.type) : `${labelText(field)} : ${typeText(field.type)}`,
        ),
      );
    case 'variant':
      return braces(
        'variant',
        type.fields.map((field) =>
          isNull(field.type) ? labelText(field) : `${labelText(field)} : ${typeText(field.type)}`,
        ),
      );
    case 'func':
      return `func ${funcText(type.func)}`;
    case 'service':
      return braces('service', type.methods.map(methodText));
  }
}

function isNull(type: CandidType): boolean {
  return type.kind === 'primitive' && type.name === 'null';
}

function braces(keyword: string, items: string[]): string {
  return items.length === 0 ? `${keyword} {}` : `${keyword} { ${items.join('; ')} }`;
}

export function argumentsText(args: readonly CandidArgument[]): string {
  return `(${args.map((arg) => (arg.name === undefined ? typeText(arg.type) : `${labelText({ id: 0, name: arg.name })} : ${typeText(arg.type)}`)).join(', ')})`;
}

/** `(to : nat) -> () query`. */
export function funcText(func: FuncType): string {
  return [argumentsText(func.args), '->', argumentsText(func.results), ...func.modes].join(' ');
}

export function methodText(method: CandidMethod): string {
  return `${labelText({ id: 0, name: method.name })} : ${'ref' in method.type ? method.type.ref : funcText(method.type)}`;
}

/** Field names by their wire id (the label hash), collected from the service text. */
export type FieldNames = ReadonlyMap<number, string>;
