/** Small valid wasm modules built in code, so tests and fixture generators need no toolchain. */

export interface WasmSpec {
  imports?: { module: string; field: string; kind: 'func' }[];
  /** Count of defined functions of type () -> () with empty bodies. */
  functions?: number;
  memory?: { memory64: boolean; minPages: number; maxPages?: number };
  globals?: { valtype: 'i32' | 'i64' | 'f32' | 'f64'; mutable: boolean; value: number | bigint }[];
  exports?: { name: string; kind: 'func' | 'memory' | 'global'; index: number }[];
  /** Written after every other section. */
  custom?: { name: string; payload: Uint8Array | string }[];
  /** Section sizes as 5-byte LEB128, the way the Motoko compiler writes them. */
  paddedSizes?: boolean;
}

const encoder = new TextEncoder();
const EXPORT_KINDS = { func: 0x00, memory: 0x02, global: 0x03 } as const;
const GLOBAL_TYPES = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;

export function buildWasm(spec: WasmSpec): Uint8Array {
  const imports = spec.imports ?? [];
  const functions = spec.functions ?? 0;
  const needsType = imports.length > 0 || functions > 0;
  const section = (id: number, payload: number[]): number[] => encodeSection(id, payload, spec.paddedSizes);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...(needsType ? section(1, [0x01, 0x60, 0x00, 0x00]) : []),
    ...(imports.length > 0 ? section(2, vector(imports.map(encodeImport))) : []),
    ...(functions > 0 ? section(3, vector(Array.from({ length: functions }, () => [0x00]))) : []),
    ...(spec.memory ? section(5, vector([encodeMemory(spec.memory)])) : []),
    ...(spec.globals?.length ? section(6, vector(spec.globals.map(encodeGlobal))) : []),
    ...(spec.exports?.length ? section(7, vector(spec.exports.map(encodeExport))) : []),
    ...(functions > 0 ? section(10, vector(Array.from({ length: functions }, () => [0x02, 0x00, 0x0b]))) : []),
    ...(spec.custom ?? []).flatMap(({ name, payload }) => section(0, [...encodeName(name), ...bytesOf(payload)])),
  ]);
}

export function encodeSection(id: number, payload: number[], padded = false): number[] {
  return [id, ...(padded ? paddedUleb(payload.length) : uleb(payload.length)), ...payload];
}

export function uleb(value: number | bigint): number[] {
  let rest = BigInt(value);
  const out: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return out;
}

export function sleb(value: number | bigint): number[] {
  let rest = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (low & 0x40) === 0) || (rest === -1n && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
}

function paddedUleb(value: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => ((value >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
}

export function encodeName(name: string): number[] {
  const bytes = encoder.encode(name);
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function bytesOf(payload: Uint8Array | string): number[] {
  return [...(typeof payload === 'string' ? encoder.encode(payload) : payload)];
}

function encodeImport(entry: { module: string; field: string }): number[] {
  return [...encodeName(entry.module), ...encodeName(entry.field), 0x00, 0x00];
}

function encodeMemory(memory: NonNullable<WasmSpec['memory']>): number[] {
  const flags = (memory.maxPages === undefined ? 0 : 0x01) | (memory.memory64 ? 0x04 : 0);
  const max = memory.maxPages === undefined ? [] : uleb(memory.maxPages);
  return [flags, ...uleb(memory.minPages), ...max];
}

function encodeGlobal(global: NonNullable<WasmSpec['globals']>[number]): number[] {
  return [GLOBAL_TYPES[global.valtype], global.mutable ? 1 : 0, ...encodeConst(global.valtype, global.value), 0x0b];
}

function encodeConst(valtype: keyof typeof GLOBAL_TYPES, value: number | bigint): number[] {
  if (valtype === 'i32') return [0x41, ...sleb(BigInt.asIntN(32, BigInt(value)))];
  if (valtype === 'i64') return [0x42, ...sleb(BigInt.asIntN(64, BigInt(value)))];
  const view = new DataView(new ArrayBuffer(8));
  if (valtype === 'f32') view.setFloat32(0, Number(value), true);
  else view.setFloat64(0, Number(value), true);
  return [valtype === 'f32' ? 0x43 : 0x44, ...new Uint8Array(view.buffer, 0, valtype === 'f32' ? 4 : 8)];
}

function encodeExport(entry: { name: string; kind: keyof typeof EXPORT_KINDS; index: number }): number[] {
  return [...encodeName(entry.name), EXPORT_KINDS[entry.kind], ...uleb(entry.index)];
}
