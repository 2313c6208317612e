import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../shared/limits.js';
import { isMetaRecord, type MetaRecord } from '../../model/metadata.js';
import { BytesSource, readAll, sha256Of, SliceSource, type Source } from '../../model/source.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import { looksLikeGzip } from '../shared/gzip.js';
import { inflateBounded } from '../shared/compression.js';
import { looksLikeWasm, parseWasm, type WasmModuleInfo } from '../shared/wasm.js';
import { uniqueNames } from '../shared/tree-names.js';
import { readInterface, type InterfaceView } from './candid/interface-view.js';
import type { FieldNames } from './candid/didl-decoder.js';
import { classifyExports, type CanisterMethods } from './methods.js';

export interface ModuleView {
  /** Shown in the snapshot's metadata under `module`. */
  summary: MetaRecord;
  children: TreeNode[];
  diagnostics: Diagnostic[];
  /** Undefined when the module could not be decoded far enough to tell. */
  memory64: boolean | undefined;
  /** Record and variant labels of the Candid interface, for showing stored Candid values with names. */
  fieldNames: FieldNames;
}

const FILE = 'wasm_module.bin';
const CANDID_SECTIONS = ['icp:public candid:service', 'icp:private candid:service'];
const ARGS_SECTIONS = ['icp:public candid:args', 'icp:private candid:args'];
const STABLE_TYPES_SECTIONS = ['icp:public motoko:stable-types', 'icp:private motoko:stable-types'];
const TEXT_SECTIONS = /^icp:(?:public|private) (?:candid:|motoko:|enhanced-orthogonal-persistence|dfx)/;

export async function readModule(file: Source): Promise<ModuleView> {
  const summary: MetaRecord = { sha256: await sha256Of(file) };
  const diagnostics: Diagnostic[] = [];
  const wasm = await unwrap(file, summary, diagnostics);
  if (!wasm) return { summary, children: [], diagnostics, memory64: undefined, fieldNames: new Map() };
  const { info, problems } = await parseWasm(wasm);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
    diagnostics.push(diagnostic('error', 'ICP_MODULE_INVALID', `wasm module is damaged: ${problems[0]}${more}`, FILE));
  }
  const memory = info.memories[0];
  if (memory) summary.memory = memory.memory64 ? 'wasm64' : 'wasm32';
  const methods = classifyExports(info.exports);
  summary.methods = methodSummary(methods);
  const service = await customText(wasm, info, CANDID_SECTIONS);
  if (service !== undefined) summary.candid_service = service;
  const candid =
    service === undefined
      ? null
      : readInterface(service, await customText(wasm, info, ARGS_SECTIONS), FILE, diagnostics);
  if (candid) summary.candid = candid.summary;
  const stableTypes = await customText(wasm, info, STABLE_TYPES_SECTIONS);
  if (stableTypes !== undefined) summary.motoko_stable_types = stableTypes;
  summary.custom_sections = info.customSections.map((section) => section.name);
  const children = moduleChildren(wasm, info, methods, candid);
  return { summary, children, diagnostics, memory64: memory?.memory64, fieldNames: candid?.fieldNames ?? new Map() };
}

/** The text of the first custom section with one of `names` (public before private, as icp-cli looks them up). */
async function customText(module: Source, info: WasmModuleInfo, names: string[]): Promise<string | undefined> {
  const section = names.map((name) => info.customSections.find((s) => s.name === name)).find((s) => s !== undefined);
  return section ? sectionText(module, section.offset, section.size) : undefined;
}

/** Raw wasm is read in place; a gzip module is inflated in memory, capped like the IC caps modules and guarded against bombs. */
async function unwrap(file: Source, summary: MetaRecord, diagnostics: Diagnostic[]): Promise<Source | undefined> {
  const head = await file.read(0, 8);
  if (looksLikeGzip(head)) {
    summary.encoding = 'gzip';
    const compressed = await readAll(file, limits.wasmBytes);
    const inflated = compressed
      ? await inflateBounded(new BytesSource(compressed), 'gzip', limits.wasmBytes)
      : { ok: false as const, error: 'too large to inflate' };
    if (!inflated.ok) {
      diagnostics.push(
        diagnostic('error', 'ICP_MODULE_INVALID', `gzip module cannot be inflated: ${inflated.error}`, FILE),
      );
      return undefined;
    }
    summary.decompressed_size = inflated.bytes.length;
    return checkMagic(new BytesSource(inflated.bytes), inflated.bytes.subarray(0, 8), diagnostics);
  }
  summary.encoding = 'wasm';
  return checkMagic(file, head, diagnostics);
}

function checkMagic(source: Source, head: Uint8Array, diagnostics: Diagnostic[]): Source | undefined {
  if (source.size === 0) return undefined;
  if (looksLikeWasm(head)) return source;
  diagnostics.push(
    diagnostic('error', 'ICP_MODULE_NOT_WASM', 'wasm_module.bin is neither a wasm module nor gzip of one', FILE),
  );
  return undefined;
}

async function sectionText(module: Source, offset: number, size: number): Promise<string> {
  const bytes = await module.read(offset, Math.min(size, limits.metadataBytes));
  return new TextDecoder().decode(bytes);
}

function methodSummary(methods: CanisterMethods): MetaRecord {
  return {
    query: methods.query,
    update: methods.update,
    composite_query: methods.compositeQuery,
    system: methods.system,
  };
}

function moduleChildren(
  module: Source,
  info: WasmModuleInfo,
  methods: CanisterMethods,
  candid: InterfaceView | null,
): TreeNode[] {
  const record = (name: string, attrs: MetaRecord, extra: Partial<TreeNode> = {}): TreeNode => ({
    name,
    kind: 'record',
    size: 0,
    attrs,
    ...extra,
  });
  const signatures = candid?.summary.methods;
  const method = (name: string, kind: string): TreeNode => {
    const signature = isMetaRecord(signatures) ? signatures[name] : undefined;
    return record(
      name,
      { kind, ...(typeof signature === 'string' ? { signature } : {}) },
      typeof signature === 'string' ? { note: signature } : {},
    );
  };
  const methodNodes = [
    ...methods.query.map((name) => method(name, 'query')),
    ...methods.compositeQuery.map((name) => method(name, 'composite query')),
    ...methods.update.map((name) => method(name, 'update')),
  ];
  const types = Object.entries(isMetaRecord(candid?.summary.types) ? candid.summary.types : {});
  return [
    dirNode('methods', methodNodes, { note: 'canister methods exported by the module, with their Candid signatures' }),
    ...(candid
      ? [
          dirNode(
            'types',
            uniqueNames(types.map(([name, definition]) => record(name, { definition }, { note: String(definition) }))),
            { note: 'named Candid types of the service' },
          ),
        ]
      : []),
    dirNode(
      'system',
      methods.system.map((name) => record(name, { kind: 'system hook' })),
      { note: 'system hooks the IC calls' },
    ),
    dirNode(
      'internal',
      methods.internal.map((name) => record(name, { kind: 'internal' })),
      { note: 'runtime-internal exports (Motoko)' },
    ),
    dirNode(
      'sections',
      uniqueNames(
        info.sections.map((s) =>
          record(
            s.customName === undefined ? s.kind : `custom ${s.customName}`,
            {
              id: s.id,
              offset: s.offset,
              size: s.size,
            },
            { size: s.size, content: new SliceSource(module, s.payloadOffset, s.size) },
          ),
        ),
      ),
    ),
    dirNode(
      'custom',
      uniqueNames(
        info.customSections.map((s) =>
          record(
            s.name,
            { offset: s.offset, size: s.size },
            {
              size: s.size,
              content: new SliceSource(module, s.offset, s.size),
              ...(TEXT_SECTIONS.test(s.name) ? { note: 'text' } : {}),
            },
          ),
        ),
      ),
    ),
    dirNode('imports', uniqueNames(info.imports.map((i) => record(`${i.module}.${i.field}`, { kind: i.kind })))),
    dirNode('exports', uniqueNames(info.exports.map((e) => record(e.name, { kind: e.kind, index: e.index })))),
    dirNode(
      'memories',
      info.memories.map((m, index) =>
        record(String(index), {
          type: m.memory64 ? 'wasm64' : 'wasm32',
          imported: m.imported,
          shared: m.shared,
          min_pages: m.minPages,
          max_pages: m.maxPages ?? null,
        }),
      ),
    ),
    dirNode(
      'globals',
      info.globals.map((g, index) =>
        record(String(index), { type: g.valtype, mutable: g.mutable, imported: g.imported }),
      ),
    ),
  ];
}
