import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { limits } from '../../../src/readers/shared/limits.js';
import { BytesSource, SliceSource, type Source } from '../../../src/model/source.js';
import {
  looksLikeWasm,
  parseWasm,
  WASM_MAGIC,
  type WasmModuleInfo,
  type WasmSection,
} from '../../../src/readers/shared/wasm.js';
import { buildWasm, encodeName, encodeSection, sleb, uleb, type WasmSpec } from '../../helpers/wasm-builder.js';

// @types/node does not declare the WebAssembly global.
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } };

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const BINARY_PAYLOAD = new Uint8Array([0x00, 0x01, 0x0b, 0xff, 0x80]);

const SAMPLE: WasmSpec = {
  imports: [
    { module: 'ic0', field: 'msg_reply', kind: 'func' },
    { module: 'env', field: 'naïve', kind: 'func' },
  ],
  functions: 3,
  memory: { memory64: false, minPages: 2, maxPages: 300 },
  globals: [
    { valtype: 'i32', mutable: true, value: -5 },
    { valtype: 'i64', mutable: false, value: 2n ** 53n + 1n },
    { valtype: 'f32', mutable: false, value: 1.5 },
    { valtype: 'f64', mutable: true, value: -0.25 },
  ],
  exports: [
    { name: 'canister_query get', kind: 'func', index: 2 },
    { name: 'memory', kind: 'memory', index: 0 },
    { name: 'counter', kind: 'global', index: 0 },
  ],
  custom: [
    { name: 'icp:public candid:service', payload: 'service : {}' },
    { name: 'motoko', payload: BINARY_PAYLOAD },
    { name: 'empty', payload: '' },
  ],
};

const SAMPLE_INFO: Omit<WasmModuleInfo, 'sections' | 'customSections'> = {
  version: 1,
  typeCount: 1,
  imports: [
    { module: 'ic0', field: 'msg_reply', kind: 'func' },
    { module: 'env', field: 'naïve', kind: 'func' },
  ],
  functionCount: 3,
  memories: [{ imported: false, memory64: false, shared: false, minPages: 2n, maxPages: 300n }],
  globals: [
    { valtype: 'i32', mutable: true, imported: false },
    { valtype: 'i64', mutable: false, imported: false },
    { valtype: 'f32', mutable: false, imported: false },
    { valtype: 'f64', mutable: true, imported: false },
  ],
  exports: [
    { name: 'canister_query get', kind: 'func', index: 2 },
    { name: 'memory', kind: 'memory', index: 0 },
    { name: 'counter', kind: 'global', index: 0 },
  ],
};

function parseBytes(bytes: Uint8Array | number[]): ReturnType<typeof parseWasm> {
  return parseWasm(new BytesSource(Uint8Array.from(bytes)));
}

async function problemsOf(bytes: number[]): Promise<string[]> {
  return (await parseBytes(bytes)).problems;
}

async function readText(source: Source, offset: number, size: number): Promise<string> {
  return new TextDecoder().decode(await new SliceSource(source, offset, size).read(0, size));
}

function sectionEnd(section: WasmSection): number {
  return section.payloadOffset + section.size;
}

function expectContiguous(sections: WasmSection[], moduleSize: number): void {
  let offset = HEADER.length;
  for (const section of sections) {
    expect(section.offset).toBe(offset);
    offset = sectionEnd(section);
  }
  expect(offset).toBe(moduleSize);
}

describe('parseWasm on modules from the builder', () => {
  const bytes = buildWasm(SAMPLE);

  it('builds a module WebAssembly accepts', () => {
    expect(wasmApi.validate(bytes)).toBe(true);
    expect(wasmApi.validate(buildWasm({ ...SAMPLE, paddedSizes: true }))).toBe(true);
  });

  it('reads back imports, functions, memory, globals and exports', async () => {
    const { info, problems } = await parseBytes(bytes);
    expect(problems).toEqual([]);
    expect(info).toMatchObject(SAMPLE_INFO);
    expect(info.startFunction).toBeUndefined();
    expect(info.sections.map((section) => section.kind)).toEqual([
      'type',
      'import',
      'function',
      'memory',
      'global',
      'export',
      'code',
      'custom',
      'custom',
      'custom',
    ]);
    expectContiguous(info.sections, bytes.length);
  });

  it('locates custom section payloads exactly', async () => {
    const source = new BytesSource(bytes);
    const { info } = await parseWasm(source);
    expect(info.customSections.map(({ name, size }) => [name, size])).toEqual([
      ['icp:public candid:service', 12],
      ['motoko', BINARY_PAYLOAD.length],
      ['empty', 0],
    ]);
    const [candid, motoko] = info.customSections;
    expect(await readText(source, candid?.offset ?? -1, 12)).toBe('service : {}');
    expect(await new SliceSource(source, motoko?.offset ?? -1, motoko?.size ?? 0).read(0, 100)).toEqual(BINARY_PAYLOAD);
    expect(info.sections.filter((section) => section.kind === 'custom').map((section) => section.customName)).toEqual([
      'icp:public candid:service',
      'motoko',
      'empty',
    ]);
    expect(info.customSections.at(-1)?.offset).toBe(bytes.length);
  });

  it('reads padded 5-byte section sizes', async () => {
    const padded = buildWasm({ ...SAMPLE, paddedSizes: true });
    const { info, problems } = await parseBytes(padded);
    expect(problems).toEqual([]);
    expect(info).toMatchObject(SAMPLE_INFO);
    expect(info.sections.every((section) => section.payloadOffset === section.offset + 6)).toBe(true);
    expectContiguous(info.sections, padded.length);
  });

  it('reads memory64 limits as u64, with and without a maximum', async () => {
    const withMax = await parseBytes(buildWasm({ memory: { memory64: true, minPages: 65, maxPages: 2 ** 40 } }));
    expect(withMax.problems).toEqual([]);
    expect(withMax.info.memories).toStrictEqual([
      { imported: false, memory64: true, shared: false, minPages: 65n, maxPages: 2n ** 40n },
    ]);
    const noMax = await parseBytes(buildWasm({ memory: { memory64: true, minPages: 65 } }));
    expect(noMax.info.memories).toStrictEqual([{ imported: false, memory64: true, shared: false, minPages: 65n }]);
  });

  it('decodes every import kind, reference types and init expressions', async () => {
    const imports = [
      [...encodeName('m'), ...encodeName('t'), 0x01, 0x70, 0x00, 0x01],
      [...encodeName('m'), ...encodeName('t64'), 0x01, 0x64, 0x00, 0x04, 0x02],
      [...encodeName('m'), ...encodeName('mem'), 0x02, 0x03, 0x01, 0x02],
      [...encodeName('m'), ...encodeName('g'), 0x03, 0x7e, 0x01],
      [...encodeName('m'), ...encodeName('tag'), 0x04, 0x00, 0x00],
    ];
    const globals = [
      [0x70, 0x00, 0xd0, 0x70, 0x0b],
      [0x63, 0x00, 0x00, 0xd2, 0x00, 0x0b],
      [0x7b, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0x0b), 0x0b],
      [0x7f, 0x00, 0x23, 0x00, 0x41, ...sleb(-1), 0x6a, 0x41, 0x0b, 0x6c, 0x0b],
      [0x6f, 0x01, 0xd0, 0x6f, 0x0b],
    ];
    const { info, problems } = await parseBytes([
      ...HEADER,
      ...encodeSection(6, [globals.length, ...globals.flat()]),
      ...encodeSection(2, [imports.length, ...imports.flat()]),
      ...encodeSection(4, [0x02, 0x6f, 0x00, 0x00, 0x40, 0x00, 0x70, 0x00, 0x01, 0xd0, 0x70, 0x0b]),
      ...encodeSection(5, [0x01, 0x05, ...uleb(1), ...uleb(2n ** 48n)]),
      ...encodeSection(8, [0x00]),
    ]);
    expect(problems).toEqual([]);
    expect(info.imports.map((entry) => entry.kind)).toEqual(['table', 'table', 'memory', 'global', 'tag']);
    expect(info.memories).toStrictEqual([
      { imported: true, memory64: false, shared: true, minPages: 1n, maxPages: 2n },
      { imported: false, memory64: true, shared: false, minPages: 1n, maxPages: 2n ** 48n },
    ]);
    expect(info.globals.map((global) => [global.valtype, global.mutable, global.imported])).toEqual([
      ['i64', true, true],
      ['funcref', false, false],
      ['ref', false, false],
      ['v128', false, false],
      ['i32', false, false],
      ['externref', true, false],
    ]);
    expect(info.startFunction).toBe(0);
  });

  it('recognises the header', () => {
    expect(looksLikeWasm(bytes)).toBe(true);
    expect(looksLikeWasm(WASM_MAGIC)).toBe(false);
    expect(looksLikeWasm(Uint8Array.from([...WASM_MAGIC, 0x02, 0, 0, 0]))).toBe(false);
    expect(looksLikeWasm(Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]))).toBe(false);
  });
});

const COUNTER_PATH = fileURLToPath(new URL('../../../../shared/corpus/icp/counter.wasm', import.meta.url));
const HAS_COUNTER = existsSync(COUNTER_PATH);
if (!HAS_COUNTER) console.warn(`wasm.test: skipping counter.wasm tests, ${COUNTER_PATH} is missing`);

/** shared/corpus/README.md, "counter.wasm sections". */
const COUNTER_SECTIONS: [string, number, number][] = [
  ['type', 8, 383],
  ['import', 397, 660],
  ['function', 1063, 617],
  ['table', 1686, 5],
  ['memory', 1697, 3],
  ['global', 1706, 194],
  ['export', 1906, 559],
  ['start', 2471, 2],
  ['element', 2479, 304],
  ['datacount', 2789, 1],
  ['code', 2796, 194768],
  ['data', 197570, 20577],
];
const COUNTER_CUSTOM: [string, number][] = [
  ['name', 29610],
  ['icp:public candid:service', 114],
  ['icp:public candid:args', 2],
  ['icp:public motoko:stable-types', 82],
  ['icp:private motoko:compiler', 35],
  ['motoko', 417],
  ['icp:private enhanced-orthogonal-persistence', 24],
];
const COUNTER_SIZE = 248643;

function collapse(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

describe.skipIf(!HAS_COUNTER)('parseWasm on counter.wasm', () => {
  const load = async (): Promise<{ source: BytesSource; info: WasmModuleInfo; problems: string[] }> => {
    const source = new BytesSource(new Uint8Array(await readFile(COUNTER_PATH)));
    return { source, ...(await parseWasm(source)) };
  };

  it('finds every section at its documented offset and size', async () => {
    const { source, info, problems } = await load();
    expect(source.size).toBe(COUNTER_SIZE);
    expect(problems).toEqual([]);
    expect(info.version).toBe(1);
    expect(info.sections.slice(0, 12).map((section) => [section.kind, section.offset, section.size])).toEqual(
      COUNTER_SECTIONS,
    );
    expect(info.sections.slice(12).map((section) => [section.kind, section.customName])).toEqual(
      COUNTER_CUSTOM.map(([name]) => ['custom', name]),
    );
    // The sizes use padded 5-byte LEB128.
    expect(info.sections.every((section) => section.payloadOffset === section.offset + 6)).toBe(true);
    expectContiguous(info.sections, COUNTER_SIZE);
  });

  it('lists the imports, memory, globals and exports', async () => {
    const { info } = await load();
    expect(info.imports).toHaveLength(30);
    expect(info.imports.every((entry) => entry.module === 'ic0' && entry.kind === 'func')).toBe(true);
    expect(info.memories).toStrictEqual([{ imported: false, memory64: true, shared: false, minPages: 65n }]);
    expect(info.globals).toHaveLength(36);
    expect(info.globals.every((global) => global.valtype === 'i64' && !global.imported)).toBe(true);
    const names = info.exports.map((entry) => entry.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'canister_query get',
        'canister_update inc',
        'canister_query name',
        'canister_update reset',
        'canister_init',
        'canister_pre_upgrade',
        'canister_post_upgrade',
        'canister_global_timer',
      ]),
    );
    expect(info.exports.filter((entry) => entry.kind === 'func' && entry.name.startsWith('canister_'))).toHaveLength(
      16,
    );
    expect(info.exports.filter((entry) => entry.kind !== 'func')).toEqual([
      { name: 'mem', kind: 'memory', index: 0 },
      { name: 'table', kind: 'table', index: 0 },
    ]);
    expect(names.some((name) => name.includes('__motoko_')) && names.some((name) => name.includes('@motoko_'))).toBe(
      true,
    );
    // Not in the README; cross-checked with an independent LEB128 decoder over the raw bytes.
    expect([info.typeCount, info.functionCount, info.startFunction]).toEqual([57, 615, 644]);
  });

  it('locates the custom section payloads and their text', async () => {
    const { source, info } = await load();
    expect(info.customSections.map(({ name, size }) => [name, size])).toEqual(COUNTER_CUSTOM);
    const text = async (name: string): Promise<string> => {
      const custom = info.customSections.find((section) => section.name === name);
      return readText(source, custom?.offset ?? -1, custom?.size ?? 0);
    };
    expect(collapse(await text('icp:public candid:service'))).toBe(
      'service : { get: () -> (nat) query; inc: () -> (nat); name: () -> (text) query; reset: (to: nat) -> (); }',
    );
    expect(await text('icp:public candid:args')).toBe('()');
    const stableTypes = await text('icp:public motoko:stable-types');
    expect(stableTypes.startsWith('// Version: 1.0.0\n')).toBe(true);
    expect(collapse(stableTypes)).toBe('// Version: 1.0.0 actor { stable var count : Nat; stable var label_ : Text };');
    expect(await text('icp:private motoko:compiler')).toBe('ifw0ilrx-4948ab0m-qqywmmsi-y0xqcjns');
    expect(await text('icp:private enhanced-orthogonal-persistence')).toBe('64-bit, layout version 1');
  });
});

/** Parses every prefix in `lengths`: only prefixes ending on a section boundary are clean, and each keeps the whole sections before the cut. */
/**
 * The cuts of `bytes` at `lengths` that parse wrongly, and the most bytes and read calls any one
 * of the parses took (the measure of work: a parser that rescans or reads skipped payloads shows
 * up here, on any machine, where a stopwatch would only show a slow one).
 */
async function checkTruncations(
  bytes: Uint8Array,
  lengths: Iterable<number>,
): Promise<{ failures: string[]; maxBytesRead: number; maxReads: number }> {
  const full = await parseBytes(bytes);
  const boundaries = new Set([HEADER.length, ...full.info.sections.map(sectionEnd)]);
  const failures: string[] = [];
  let maxBytesRead = 0;
  let maxReads = 0;
  for (const length of lengths) {
    const source = new ChunkySource(new BytesSource(bytes.subarray(0, length)), Number.MAX_SAFE_INTEGER);
    const { info, problems } = await parseWasm(source);
    maxBytesRead = Math.max(maxBytesRead, source.bytesRead());
    maxReads = Math.max(maxReads, source.ranges.length);
    const clean = problems.length === 0;
    if (clean !== boundaries.has(length)) failures.push(`length ${length}: ${JSON.stringify(problems)}`);
    const kept = full.info.sections.filter((section) => sectionEnd(section) <= length);
    if (info.sections.length !== kept.length) failures.push(`length ${length}: ${info.sections.length} sections`);
  }
  return { failures, maxBytesRead, maxReads };
}

function range(from: number, to: number, step = 1): number[] {
  return Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);
}

describe('parseWasm on truncated modules', () => {
  it('reports every cut of a built module except at section boundaries', async () => {
    const bytes = buildWasm(SAMPLE);
    expect((await checkTruncations(bytes, range(0, bytes.length + 1))).failures).toEqual([]);
  });

  it.skipIf(!HAS_COUNTER)(
    'reports every cut of counter.wasm except at section boundaries, reading only what it parses',
    async () => {
      const bytes = new Uint8Array(await readFile(COUNTER_PATH));
      const ends = (await parseBytes(bytes)).info.sections.map(sectionEnd);
      const lengths = new Set([
        ...range(0, 3001),
        ...range(3001, bytes.length, 997),
        ...ends,
        ...ends.map((end) => end - 1),
      ]);
      const { failures, maxBytesRead, maxReads } = await checkTruncations(bytes, lengths);
      expect(failures).toEqual([]);
      // Skipped payloads stay unread at every cut (2738 bytes in 43 reads at most, of 248643).
      expect([maxBytesRead < 4000, maxReads < 100]).toEqual([true, true]);
    },
  );
});

/** Deterministic, so a failing garbage input can be reproduced. */
function randomBytes(seed: number, length: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  });
}

describe('parseWasm on hostile input', () => {
  it('reports random bytes after a valid header without throwing, in a bounded number of reads', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = [...HEADER, ...randomBytes(seed, 10 + ((seed * 37) % 2000))];
      const source = new ChunkySource(new BytesSource(Uint8Array.from(input)), Number.MAX_SAFE_INTEGER);
      const { problems } = await parseWasm(source);
      expect(problems.length, `seed ${seed}`).toBeGreaterThan(0);
      // Bounded work instead of a stopwatch: never more bytes than the input holds, a handful of reads
      // (10 at most today).
      expect([source.bytesRead() <= input.length, source.ranges.length <= 32], `seed ${seed}`).toEqual([true, true]);
    }
  });

  it('reports a bad header', async () => {
    expect(await problemsOf(new Array<number>(1000).fill(0xff))).toEqual(['not a wasm module: bad magic']);
    expect(await problemsOf([])).toEqual(['wasm header is truncated (0 of 8 bytes)']);
    expect(await problemsOf([...WASM_MAGIC, 0x01])).toEqual(['wasm header is truncated (5 of 8 bytes)']);
    const version2 = await parseBytes([...WASM_MAGIC, 0x02, 0, 0, 0]);
    expect(version2.problems).toEqual(['unsupported wasm version 2']);
    expect(version2.info.version).toBe(2);
  });

  it('reports malformed LEB128', async () => {
    expect(await problemsOf([...HEADER, ...new Array<number>(1000).fill(0xff)])).toEqual([
      'LEB128 too long at offset 9',
    ]);
    expect(await problemsOf([...HEADER, 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f])).toEqual([
      'LEB128 at offset 9 does not fit in 32 bits',
    ]);
    const tooLongMin = [0x01, 0x04, ...new Array<number>(10).fill(0x80), 0x00];
    expect(await problemsOf([...HEADER, ...encodeSection(5, tooLongMin)])).toEqual(['LEB128 too long at offset 12']);
  });

  it('checks vector counts against the limit and the bytes available', async () => {
    expect(await problemsOf([...HEADER, ...encodeSection(2, uleb(5_000_000))])).toEqual([
      `import section: 5000000 entries exceed the limit of ${limits.wasmItems}`,
    ]);
    expect(await problemsOf([...HEADER, ...encodeSection(7, [...uleb(999_999), 0x00])])).toEqual([
      'export section: 999999 entries at offset 10 cannot fit in 1 bytes',
    ]);
  });

  it('reports sections that run past the end, unknown ids, duplicates and leftovers', async () => {
    expect(await problemsOf([...HEADER, 0x0a, ...uleb(0xffffffff)])).toEqual([
      'section 10 at offset 8 runs past the end of the module (size 4294967295, 0 bytes left)',
    ]);
    expect(await problemsOf([...HEADER, ...encodeSection(14, [])])).toEqual(['unknown section id 14 at offset 8']);
    const memory = encodeSection(5, [0x01, 0x00, 0x01]);
    expect(await problemsOf([...HEADER, ...memory, ...memory])).toEqual(['duplicate memory section at offset 13']);
    expect(await problemsOf([...HEADER, ...encodeSection(5, [0x01, 0x00, 0x01, 0x00])])).toEqual([
      'memory section at offset 8 has 1 unused bytes after its last entry',
    ]);
  });

  it('reports trailing garbage after the last section', async () => {
    const bytes = buildWasm(SAMPLE);
    expect(await problemsOf([...bytes, 0x01])).toEqual([
      `section header ends unexpectedly at offset ${bytes.length + 1}`,
    ]);
    expect(await problemsOf([...bytes, 0x00, 0x00])).toEqual([
      `custom section ends unexpectedly at offset ${bytes.length + 2}`,
    ]);
  });

  it('reports invalid UTF-8 names', async () => {
    expect(await problemsOf([...HEADER, ...encodeSection(0, [0x02, 0xc3, 0x28])])).toEqual([
      'name at offset 10 is not valid UTF-8',
    ]);
    expect(await problemsOf([...HEADER, ...encodeSection(7, [0x01, 0x01, 0xff, 0x00, 0x00])])).toEqual([
      'name at offset 11 is not valid UTF-8',
    ]);
  });

  it('reports bad types, flags and instructions', async () => {
    const global = (entry: number[]): number[] => [...HEADER, ...encodeSection(6, [0x01, ...entry])];
    expect(await problemsOf(global([0x7f, 0x00, 0x20, 0x00, 0x0b]))).toEqual([
      'unsupported instruction 0x20 in init expression at offset 13',
    ]);
    expect(await problemsOf(global([0x40, 0x00, 0x0b]))).toEqual(['unknown value type 0x40 at offset 11']);
    expect(await problemsOf(global([0x7f, 0x02, 0x41, 0x00, 0x0b]))).toEqual([
      'bad global mutability 0x02 at offset 12',
    ]);
    expect(await problemsOf(global([0x7f, 0x00, 0x41, 0x00]))).toEqual([
      'global section ends unexpectedly at offset 15',
    ]);
    expect(await problemsOf([...HEADER, ...encodeSection(5, [0x01, 0x08, 0x01])])).toEqual([
      'unsupported limits flags 0x08 at offset 11',
    ]);
    expect(await problemsOf([...HEADER, ...encodeSection(7, [0x01, ...encodeName('x'), 0x05, 0x00])])).toEqual([
      'unknown external kind 0x05 at offset 13',
    ]);
  });

  it('keeps what was decoded before a problem and carries on with later sections', async () => {
    const good = [...encodeName('ic0'), ...encodeName('trap'), 0x00, 0x00];
    const { info, problems } = await parseBytes([
      ...HEADER,
      ...encodeSection(2, [0x03, ...good, ...good, ...encodeName('ic0'), ...encodeName('bad'), 0x09]),
      ...encodeSection(7, [0x01, ...encodeName('go'), 0x00, 0x00]),
    ]);
    expect(problems).toEqual(['unknown external kind 0x09 at offset 41']);
    expect(info.imports).toHaveLength(2);
    expect(info.exports).toEqual([{ name: 'go', kind: 'func', index: 0 }]);
  });
});

/** Returns at most `chunk` bytes per read and records the ranges asked for. */
class ChunkySource implements Source {
  readonly ranges: [number, number][] = [];

  constructor(
    private readonly base: Source,
    private readonly chunk: number,
  ) {}

  get size(): number {
    return this.base.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const piece = await this.base.read(offset, Math.min(length, this.chunk));
    this.ranges.push([offset, offset + piece.length]);
    return piece;
  }

  /** Bytes served so far, over all reads. */
  bytesRead(): number {
    return this.ranges.reduce((total, [start, end]) => total + end - start, 0);
  }
}

describe('parseWasm through a source that returns short reads', () => {
  it('parses a built module the same way', async () => {
    const bytes = buildWasm(SAMPLE);
    expect(await parseWasm(new ChunkySource(new BytesSource(bytes), 3))).toEqual(await parseBytes(bytes));
  });

  it.skipIf(!HAS_COUNTER)('parses counter.wasm the same way without reading skipped payloads', async () => {
    const bytes = new Uint8Array(await readFile(COUNTER_PATH));
    const source = new ChunkySource(new BytesSource(bytes), 7);
    const result = await parseWasm(source);
    expect(result).toEqual(await parseBytes(bytes));
    const skipped: [number, number][] = [
      ...result.info.sections
        .filter((section) => ['element', 'code', 'data'].includes(section.kind))
        .map((section): [number, number] => [section.payloadOffset, sectionEnd(section)]),
      ...result.info.customSections.map(({ offset, size }): [number, number] => [offset, offset + size]),
    ];
    const overlapping = source.ranges.filter(([start, end]) => skipped.some(([from, to]) => start < to && from < end));
    expect(overlapping).toEqual([]);
    expect(source.ranges.reduce((total, [start, end]) => total + end - start, 0)).toBeLessThan(4000);
  });
});
