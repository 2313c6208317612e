import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IDL } from '@icp-sdk/core/candid';
import { stringifyJson } from '../../src/format/values.js';
import { btreeMapImage } from './btree-builder.js';
import { btreeMapHeaderV1, buildMemoryManager, cellImage } from './stable-builder.js';
import { buildWasm } from './wasm-builder.js';

export type Flavour = 'icp-cli' | 'dfx' | 'dfx-old';

export interface IcpFolderSpec {
  flavour: Flavour;
  memory64?: boolean;
  gzipModule?: boolean;
  /** Pages of wasm memory (0 = none). */
  wasmPages?: number;
  /** Candid service text of the module; default CANDID_SERVICE. */
  candidService?: string;
  /** Stable memory image; default: a MemoryManager with a BTreeMap and a Cell. */
  stableMemory?: Uint8Array;
  chunks?: Uint8Array[];
  /** Overrides of metadata.json fields, applied last (undefined deletes a field). */
  metadata?: Record<string, unknown>;
}

export const CANDID_SERVICE =
  'service : {\n  greet: (text) -> (text) query;\n  set: (nat) -> ();\n  lookup: (text) -> (opt nat) composite_query;\n}\n';

/** A small canister module: three methods, system hooks, a memory, a global and Candid metadata. */
export function canisterModule(memory64 = false, candidService = CANDID_SERVICE): Uint8Array {
  return buildWasm({
    imports: [
      { module: 'ic0', field: 'msg_reply', kind: 'func' },
      { module: 'ic0', field: 'msg_arg_data_size', kind: 'func' },
    ],
    functions: 5,
    memory: { memory64, minPages: 2, maxPages: 100 },
    globals: [{ valtype: 'i32', mutable: true, value: 1048576 }],
    exports: [
      { name: 'canister_query greet', kind: 'func', index: 2 },
      { name: 'canister_update set', kind: 'func', index: 3 },
      { name: 'canister_composite_query lookup', kind: 'func', index: 4 },
      { name: 'canister_init', kind: 'func', index: 5 },
      { name: 'canister_global_timer', kind: 'func', index: 6 },
      { name: 'memory', kind: 'memory', index: 0 },
    ],
    custom: [
      { name: 'icp:public candid:service', payload: candidService },
      { name: 'icp:private candid:args', payload: '()' },
    ],
  });
}

export function defaultStableMemory(): Uint8Array {
  const cell = new TextEncoder().encode('DIDL\x00\x01\x71\x05hello');
  return buildMemoryManager({
    bucketSizePages: 1,
    memories: [
      { id: 0, data: btreeMapHeaderV1({ maxKeySize: 8, maxValueSize: 16 }) },
      { id: 1, data: cellImage(cell) },
    ],
  });
}

/** A Candid record that nests (opt opt nat), several table types and a dozen values. */
export const nestedCandid = (): Uint8Array =>
  IDL.encode(
    [IDL.Record({ name: IDL.Text, level: IDL.Opt(IDL.Opt(IDL.Nat)), data: IDL.Vec(IDL.Nat8) })],
    [{ name: 'a stored record', level: [[7n]], data: [1, 2, 3, 4, 5, 6] }],
  );

/**
 * Stable memory whose structures are walked entry by entry: memory 0 a V2 BTreeMap of 30 entries
 * in 128-byte pages (a root over three leaves; entry `k007` continues in overflow pages), memory 1 a
 * Cell and memory 2 a raw Candid value, both `nestedCandid()`.
 */
export function walkedStableMemory(): Uint8Array {
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);
  const entries = Array.from({ length: 30 }, (_, i): [Uint8Array, Uint8Array] => [
    text(`k${String(i).padStart(3, '0')}`),
    i === 7 ? patternBytes(400, 7) : text(`v${i}`),
  ]);
  return buildMemoryManager({
    bucketSizePages: 1,
    memories: [
      { id: 0, data: btreeMapImage({ v2: { pageSize: 128 }, entries }) },
      { id: 1, data: cellImage(nestedCandid()) },
      { id: 2, data: nestedCandid() },
    ],
  });
}

/** Deterministic filler so fixtures regenerate byte for byte. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

export function wasmMemory(pages: number): Uint8Array {
  const memory = new Uint8Array(pages * 65536);
  if (pages > 0) memory.set(patternBytes(4096, 7), 0);
  if (pages > 1) memory.set(patternBytes(100, 9), 65536 + 500);
  return memory;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const hashBytes = (hex: string): number[] => Array.from(Buffer.from(hex, 'hex'));

/** Every file of a snapshot folder as the named CLI writes it: relative path → bytes. */
export function icpFolderFiles(spec: IcpFolderSpec): Map<string, Uint8Array> {
  const plain = canisterModule(spec.memory64, spec.candidService);
  const module = spec.gzipModule ? gzipSync(plain, { level: 9 }) : plain;
  const pages = spec.wasmPages ?? 2;
  const heap = wasmMemory(pages);
  const stable = spec.stableMemory ?? defaultStableMemory();
  const chunks = spec.chunks ?? [patternBytes(3000, 11), patternBytes(1000, 12)];
  const chunkHashes = chunks.map(sha256).sort();
  const files = new Map<string, Uint8Array>();
  files.set('wasm_module.bin', module);
  if (pages > 0 || spec.flavour !== 'icp-cli') files.set('wasm_memory.bin', heap.subarray(0, pages * 65536));
  if (stable.length > 0 || spec.flavour === 'icp-cli') files.set('stable_memory.bin', stable);
  for (const chunk of chunks) files.set(`wasm_chunk_store/${sha256(chunk)}.bin`, chunk);
  if (spec.flavour === 'icp-cli') files.set('.lock', new Uint8Array(0));
  const fields: Record<string, unknown> = {
    source: spec.flavour === 'dfx-old' ? 'taken_from_canister' : { taken_from_canister: null },
    taken_at_timestamp: 1763770000123456789n,
    wasm_module_size: BigInt(module.length),
    [spec.flavour === 'dfx-old' ? 'exported_globals' : 'globals']: [
      { i32: 1048576n },
      { i64: 9007199254740993n },
      { f64: 0.5 },
      { v128: [2659581952n, 13969838n] },
    ],
    wasm_memory_size: BigInt(pages * 65536),
    stable_memory_size: BigInt(stable.length),
    wasm_chunk_store: chunkHashes.map((hash) => ({ hash: hashBytes(hash) })),
    canister_version: 12n,
    certified_data: hashBytes('f36b45ae818809ee24ae2489edabfe3cf2a12627b6929c07fc7a3b885d414d44'),
    global_timer: { active: 1763777200000000000n },
    on_low_wasm_memory_hook_status: 'condition_not_satisfied',
    ...spec.metadata,
  };
  const metadata = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  files.set('metadata.json', new TextEncoder().encode(stringifyJson(metadata)));
  return files;
}

export function writeFiles(dir: string, files: Map<string, Uint8Array | string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
}
