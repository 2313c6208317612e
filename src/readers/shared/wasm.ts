import { limits } from './limits.js';
import type { Source } from '../../model/source.js';
import { u32le } from './bytes.js';
import { type ByteCursor, DecodeError, decodeUtf8, hex, readCursor, readFully } from './byte-cursor.js';

export type WasmExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
export type WasmValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'ref';

export interface WasmSection {
  id: number;
  kind: string; // 'custom', 'type', …, 'datacount', 'tag', or 'unknown'
  offset: number; // of the id byte
  payloadOffset: number;
  size: number; // payload bytes
  customName?: string;
}

export interface WasmImport {
  module: string;
  field: string;
  kind: WasmExternKind;
}
export interface WasmExport {
  name: string;
  kind: WasmExternKind;
  index: number;
}
export interface WasmMemory {
  imported: boolean;
  memory64: boolean;
  shared: boolean;
  minPages: bigint;
  maxPages?: bigint;
}
export interface WasmGlobal {
  valtype: WasmValType;
  mutable: boolean;
  imported: boolean;
}

/** `offset` and `size` cover the payload after the name. */
export interface WasmCustomSection {
  name: string;
  offset: number;
  size: number;
}

export interface WasmModuleInfo {
  version: number;
  sections: WasmSection[];
  typeCount: number;
  imports: WasmImport[];
  functionCount: number; // defined functions (the function section's count)
  memories: WasmMemory[]; // imported first, then defined
  globals: WasmGlobal[]; // imported first, then defined
  exports: WasmExport[];
  customSections: WasmCustomSection[];
  startFunction?: number;
}

export interface WasmParseResult {
  info: WasmModuleInfo;
  problems: string[];
}

export const WASM_MAGIC = new Uint8Array([0x00, 0x61, 0x73, 0x6d]);

const HEADER_SIZE = 8;
/** An id byte and a u32 LEB128 of at most 5 bytes. */
const SECTION_HEADER_MAX = 6;
const MAX_PROBLEMS = 20;
const SECTION_KINDS = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
  'tag',
] as const;
const EXTERN_KINDS: readonly WasmExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];
const VALTYPES = new Map<number, WasmValType>([
  [0x7f, 'i32'],
  [0x7e, 'i64'],
  [0x7d, 'f32'],
  [0x7c, 'f64'],
  [0x7b, 'v128'],
  [0x70, 'funcref'],
  [0x6f, 'externref'],
]);

export function looksLikeWasm(head: Uint8Array): boolean {
  return head.length >= HEADER_SIZE && WASM_MAGIC.every((byte, i) => head[i] === byte) && u32le(head, 4) === 1;
}

/** Never throws on bad input: every defect becomes a problem, and `info` keeps what was decoded before it. */
export async function parseWasm(source: Source): Promise<WasmParseResult> {
  const info: WasmModuleInfo = {
    version: 0,
    sections: [],
    typeCount: 0,
    imports: [],
    functionCount: 0,
    memories: [],
    globals: [],
    exports: [],
    customSections: [],
  };
  const problems: string[] = [];
  await reportDecodeErrors(problems, async () => {
    await readHeader(source, info);
    await readSections(source, info, problems);
  });
  // Imports are listed first even when a misordered module puts the import section late; sort is stable.
  info.memories.sort(importedFirst);
  info.globals.sort(importedFirst);
  return { info, problems };
}

async function reportDecodeErrors(problems: string[], action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    problems.push(error.message);
  }
}

function importedFirst(a: { imported: boolean }, b: { imported: boolean }): number {
  return Number(b.imported) - Number(a.imported);
}

async function readHeader(source: Source, info: WasmModuleInfo): Promise<void> {
  const head = await readFully(source, 0, HEADER_SIZE);
  if (!WASM_MAGIC.every((byte, i) => i >= head.length || head[i] === byte)) {
    throw new DecodeError('not a wasm module: bad magic');
  }
  if (head.length < HEADER_SIZE)
    throw new DecodeError(`wasm header is truncated (${head.length} of ${HEADER_SIZE} bytes)`);
  info.version = u32le(head, 4);
  if (info.version !== 1) throw new DecodeError(`unsupported wasm version ${info.version}`);
}

async function readSections(source: Source, info: WasmModuleInfo, problems: string[]): Promise<void> {
  const seen = new Set<number>();
  let offset = HEADER_SIZE;
  while (offset < source.size) {
    // A damaged module (zeros, say) can parse as millions of empty sections; stop early instead.
    if (problems.length >= MAX_PROBLEMS || info.sections.length >= limits.wasmSections) {
      throw new DecodeError(
        `stopped at offset ${offset}: too many ${problems.length >= MAX_PROBLEMS ? 'problems' : 'sections'}`,
      );
    }
    const section = await readSectionHeader(source, offset);
    info.sections.push(section);
    offset = section.payloadOffset + section.size;
    await reportDecodeErrors(problems, () => readSection(source, section, info, seen));
  }
}

async function readSectionHeader(source: Source, offset: number): Promise<WasmSection> {
  const cursor = await readCursor(source, offset, SECTION_HEADER_MAX, 'section header');
  const id = cursor.byte();
  const size = cursor.u32();
  const payloadOffset = cursor.offset;
  const left = source.size - payloadOffset;
  if (size > left) {
    throw new DecodeError(
      `section ${id} at offset ${offset} runs past the end of the module (size ${size}, ${left} bytes left)`,
    );
  }
  return { id, kind: SECTION_KINDS[id] ?? 'unknown', offset, payloadOffset, size };
}

type Decoder = (cursor: ByteCursor, info: WasmModuleInfo) => void;

const DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [1, decodeTypes],
  [2, decodeImports],
  [3, decodeFunctions],
  [4, decodeTables],
  [5, decodeMemories],
  [6, decodeGlobals],
  [7, decodeExports],
  [8, decodeStart],
  [12, (cursor) => cursor.u32()],
]);

async function readSection(
  source: Source,
  section: WasmSection,
  info: WasmModuleInfo,
  seen: Set<number>,
): Promise<void> {
  if (section.id === 0) return readCustomSection(source, section, info);
  if (section.kind === 'unknown') throw new DecodeError(`unknown section id ${section.id} at offset ${section.offset}`);
  if (seen.has(section.id)) throw new DecodeError(`duplicate ${section.kind} section at offset ${section.offset}`);
  seen.add(section.id);
  const decode = DECODERS.get(section.id);
  if (decode === undefined) return;
  const what = `${section.kind} section`;
  const cursor = await readCursor(source, section.payloadOffset, section.size, what);
  decode(cursor, info);
  if (cursor.remaining > 0) {
    throw new DecodeError(
      `${what} at offset ${section.offset} has ${cursor.remaining} unused bytes after its last entry`,
    );
  }
}

/** Reads only the name: custom payloads (the `name` section, Motoko metadata) can be large and are read on demand. */
async function readCustomSection(source: Source, section: WasmSection, info: WasmModuleInfo): Promise<void> {
  const { payloadOffset, size } = section;
  const head = await readCursor(source, payloadOffset, Math.min(size, 5), 'custom section');
  const length = head.u32();
  const nameOffset = head.offset;
  const end = payloadOffset + size;
  if (length > end - nameOffset) {
    throw new DecodeError(`name at offset ${payloadOffset} (${length} bytes) runs past the end of the custom section`);
  }
  const name = decodeUtf8(await readFully(source, nameOffset, length), payloadOffset);
  section.customName = name;
  info.customSections.push({ name, offset: nameOffset + length, size: end - nameOffset - length });
}

/** Checks a vector length before anything loops on it; every entry takes at least one byte. */
function readCount(cursor: ByteCursor, kind: string): number {
  const offset = cursor.offset;
  const count = cursor.u32();
  if (count > limits.wasmItems) {
    throw new DecodeError(`${kind} section: ${count} entries exceed the limit of ${limits.wasmItems}`);
  }
  if (count > cursor.remaining) {
    throw new DecodeError(
      `${kind} section: ${count} entries at offset ${offset} cannot fit in ${cursor.remaining} bytes`,
    );
  }
  return count;
}

/** Only counted: decoding recursive GC types buys nothing for display. */
function decodeTypes(cursor: ByteCursor, info: WasmModuleInfo): void {
  info.typeCount = readCount(cursor, 'type');
  cursor.take(cursor.remaining);
}

function decodeStart(cursor: ByteCursor, info: WasmModuleInfo): void {
  info.startFunction = cursor.u32();
}

function decodeImports(cursor: ByteCursor, info: WasmModuleInfo): void {
  const count = readCount(cursor, 'import');
  for (let i = 0; i < count; i++) {
    const module = cursor.name();
    const field = cursor.name();
    info.imports.push({ module, field, kind: readImportDescriptor(cursor, info) });
  }
}

function readImportDescriptor(cursor: ByteCursor, info: WasmModuleInfo): WasmExternKind {
  const kind = readExternKind(cursor);
  if (kind === 'func') cursor.u32();
  else if (kind === 'table') readTableType(cursor);
  else if (kind === 'memory') info.memories.push({ imported: true, ...readLimits(cursor) });
  else if (kind === 'global') info.globals.push({ imported: true, ...readGlobalType(cursor) });
  else readTagType(cursor);
  return kind;
}

function decodeFunctions(cursor: ByteCursor, info: WasmModuleInfo): void {
  const count = readCount(cursor, 'function');
  for (let i = 0; i < count; i++) cursor.u32();
  info.functionCount = count;
}

function decodeTables(cursor: ByteCursor): void {
  const count = readCount(cursor, 'table');
  for (let i = 0; i < count; i++) {
    // Function-references tables start `40 00` and carry an init expression after the type.
    const withInit = cursor.peek() === 0x40;
    if (withInit) cursor.expect([0x40, 0x00], 'table entry');
    readTableType(cursor);
    if (withInit) skipConstExpr(cursor);
  }
}

function decodeMemories(cursor: ByteCursor, info: WasmModuleInfo): void {
  const count = readCount(cursor, 'memory');
  for (let i = 0; i < count; i++) info.memories.push({ imported: false, ...readLimits(cursor) });
}

function decodeGlobals(cursor: ByteCursor, info: WasmModuleInfo): void {
  const count = readCount(cursor, 'global');
  for (let i = 0; i < count; i++) {
    const type = readGlobalType(cursor);
    skipConstExpr(cursor);
    info.globals.push({ imported: false, ...type });
  }
}

function decodeExports(cursor: ByteCursor, info: WasmModuleInfo): void {
  const count = readCount(cursor, 'export');
  for (let i = 0; i < count; i++) {
    const name = cursor.name();
    const kind = readExternKind(cursor);
    info.exports.push({ name, kind, index: cursor.u32() });
  }
}

function readExternKind(cursor: ByteCursor): WasmExternKind {
  const offset = cursor.offset;
  const code = cursor.byte();
  const kind = EXTERN_KINDS[code];
  if (kind === undefined) throw new DecodeError(`unknown external kind 0x${hex(code)} at offset ${offset}`);
  return kind;
}

function readLimits(cursor: ByteCursor): Omit<WasmMemory, 'imported'> {
  const offset = cursor.offset;
  const flags = cursor.byte();
  if (flags > 0x07) throw new DecodeError(`unsupported limits flags 0x${hex(flags)} at offset ${offset}`);
  const memory64 = (flags & 0x04) !== 0;
  const read = (): bigint => (memory64 ? cursor.u64() : BigInt(cursor.u32()));
  const minPages = read();
  const result: Omit<WasmMemory, 'imported'> = { memory64, shared: (flags & 0x02) !== 0, minPages };
  if ((flags & 0x01) !== 0) result.maxPages = read();
  return result;
}

function readTableType(cursor: ByteCursor): void {
  const offset = cursor.offset;
  const type = readValType(cursor);
  if (type !== 'funcref' && type !== 'externref' && type !== 'ref') {
    throw new DecodeError(`table element type at offset ${offset} is ${type}, not a reference type`);
  }
  readLimits(cursor);
}

function readTagType(cursor: ByteCursor): void {
  cursor.expect([0x00], 'tag attribute');
  cursor.u32();
}

function readGlobalType(cursor: ByteCursor): Omit<WasmGlobal, 'imported'> {
  const valtype = readValType(cursor);
  const offset = cursor.offset;
  const mutability = cursor.byte();
  if (mutability > 1) throw new DecodeError(`bad global mutability 0x${hex(mutability)} at offset ${offset}`);
  return { valtype, mutable: mutability === 1 };
}

function readValType(cursor: ByteCursor): WasmValType {
  const offset = cursor.offset;
  const code = cursor.byte();
  const simple = VALTYPES.get(code);
  if (simple !== undefined) return simple;
  // `63`/`64` (ref null ht / ref ht) carry a heap type; 0x69–0x74 are the GC and exception shorthands.
  if (code === 0x63 || code === 0x64) cursor.skipSigned(5);
  else if (code < 0x69 || code > 0x74) throw new DecodeError(`unknown value type 0x${hex(code)} at offset ${offset}`);
  return 'ref';
}

/** Decoded opcode by opcode: the `0b` that ends it may also occur inside an immediate. */
function skipConstExpr(cursor: ByteCursor): void {
  for (;;) {
    const offset = cursor.offset;
    const opcode = cursor.byte();
    if (opcode === 0x0b) return;
    skipInstruction(cursor, opcode, offset);
  }
}

const NO_IMMEDIATES = new Set([0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e]);

function skipInstruction(cursor: ByteCursor, opcode: number, offset: number): void {
  if (opcode === 0x41 || opcode === 0xd0) cursor.skipSigned(5);
  else if (opcode === 0x42) cursor.skipSigned(10);
  else if (opcode === 0x43) cursor.take(4);
  else if (opcode === 0x44) cursor.take(8);
  else if (opcode === 0x23 || opcode === 0xd2) cursor.u32();
  else if (opcode === 0xfd && cursor.u32() === 0x0c) cursor.take(16);
  else if (!NO_IMMEDIATES.has(opcode)) {
    throw new DecodeError(`unsupported instruction 0x${hex(opcode)} in init expression at offset ${offset}`);
  }
}
