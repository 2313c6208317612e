/**
 * Untrusted input (docs/architecture.md, Safety): whatever a snapshot folder holds — truncated files, flipped
 * bytes, absurd metadata values, hostile names, symlinks, FIFOs — every command must finish with a
 * sane exit code and a clear diagnostic, never an INTERNAL error, never an escape sequence on
 * stdout, and never a change on disk.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, type CliResult } from '../helpers/cli.js';
import { fingerprint, outputProblems } from '../helpers/invariants.js';
import { icpFolderFiles, patternBytes, writeFiles, type IcpFolderSpec } from '../helpers/icp-builder.js';
import { pickSample, truncationSample } from '../helpers/samples.js';

const ESC = 0x1b;

interface Command {
  args: string[];
  json: boolean;
  kind: 'info' | 'ls' | 'verify';
}

/** The commands every hostile folder goes through. */
const COMMANDS: readonly Command[] = [
  { args: ['info'], json: false, kind: 'info' },
  { args: ['info', '--json'], json: true, kind: 'info' },
  { args: ['ls', '-R', '-l'], json: false, kind: 'ls' },
  { args: ['ls', '--json', '-R'], json: true, kind: 'ls' },
  { args: ['verify', '--json'], json: true, kind: 'verify' },
];
const VERIFY_JSON = COMMANDS[4] as Command;

/** The invariants of test/helpers/invariants.ts, labelled with the case and the command. */
function invariantProblems(label: string, command: Pick<Command, 'args'>, result: CliResult, tty = false): string[] {
  return outputProblems(command.args, result, { tty }).map(
    (problem) => `${label} | ${command.args.join(' ')}: ${problem}`,
  );
}

function verifyReport(result: CliResult): {
  ok: boolean;
  findings: { severity: string; code: string; path?: string; message: string }[];
} {
  return JSON.parse(result.stdout) as ReturnType<typeof verifyReport>;
}

const codesOf = (result: CliResult): string[] => verifyReport(result).findings.map((finding) => finding.code);

/** Runs `work` over `items` with `width` of them in flight at once (each slot owns one folder). */
async function pool<T>(
  items: readonly T[],
  width: number,
  work: (item: T, slot: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async (_, slot) => {
      for (let index = next++; index < items.length; index = next++) await work(items[index] as T, slot);
    }),
  );
}

/**
 * A fixed-seed sample of the lengths to cut a file to (test/helpers/samples.ts): 0, 1, the 4-, 8-,
 * 16-, 64-, 512- and 4096-byte boundaries with their neighbours, size − 1 and a dozen more. Every
 * length is `npm run fuzz`'s job (truncation is one of its mutations of every seed).
 */
const truncationLengths = (size: number): number[] => truncationSample(size, { seed: size });

/** The smallest valid wasm module: its header. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * A folder whose blobs cost next to nothing to read, for tests that run it thousands of times;
 * its metadata still has every field, a chunk hash and certified data.
 */
const SMALL_SPEC: IcpFolderSpec = {
  flavour: 'icp-cli',
  wasmPages: 0,
  stableMemory: new Uint8Array(0),
  chunks: [patternBytes(100, 3)],
};

function smallFolderFiles(): Map<string, Uint8Array> {
  const files = icpFolderFiles({ ...SMALL_SPEC, metadata: { wasm_module_size: BigInt(EMPTY_MODULE.length) } });
  files.set('wasm_module.bin', EMPTY_MODULE);
  return files;
}

const metadataText = (files: Map<string, Uint8Array>): string =>
  Buffer.from(files.get('metadata.json') ?? []).toString('utf8');

/** A fresh copy of a folder: `files` with metadata.json replaced by `metadata` when given. */
function folder(parent: string, name: string, files: Map<string, Uint8Array>, metadata?: string | Uint8Array): string {
  const dir = join(parent, name);
  rmSync(dir, { recursive: true, force: true });
  writeFiles(dir, files);
  if (metadata !== undefined) writeFileSync(join(dir, 'metadata.json'), metadata);
  return dir;
}

async function runAll(
  dir: string,
  label: string,
  commands: readonly Command[] = COMMANDS,
  options: { tty?: boolean } = {},
): Promise<{ results: Map<Command, CliResult>; problems: string[] }> {
  const results = new Map<Command, CliResult>();
  const problems: string[] = [];
  for (const command of commands) {
    const result = await cli([...command.args, dir], options);
    results.set(command, result);
    problems.push(...invariantProblems(label, command, result));
  }
  return { results, problems };
}

const resultOf = (results: Map<Command, CliResult>, command: Command): CliResult => {
  const result = results.get(command);
  if (!result) throw new Error(`no result for ${command.args.join(' ')}`);
  return result;
};

describe('the invariant checks themselves', () => {
  const ok: CliResult = { code: 0, stdout: '{"ok": true}\n', stderr: '', bytes: Buffer.from('{"ok": true}\n') };
  const json = COMMANDS[1] as Command;
  it('accept a clean result and a clean fatal error', () => {
    expect(invariantProblems('x', json, ok)).toEqual([]);
    expect(
      invariantProblems('x', json, {
        ...ok,
        code: 2,
        stdout: '',
        bytes: Buffer.alloc(0),
        stderr: 'snapinspect: no such file or folder: /x (NOT_FOUND)\n',
      }),
    ).toEqual([]);
  });
  it.each([
    {
      name: 'INTERNAL',
      result: {
        ...ok,
        code: 2,
        stdout: '',
        bytes: Buffer.alloc(0),
        stderr: 'snapinspect: internal error: boom (INTERNAL)\n',
      },
    },
    {
      name: 'two fatal lines',
      result: {
        ...ok,
        code: 2,
        stdout: '',
        bytes: Buffer.alloc(0),
        stderr: 'snapinspect: a (IO)\nsnapinspect: b (IO)\n',
      },
    },
    {
      name: 'a stack trace',
      result: { ...ok, code: 2, stdout: '', bytes: Buffer.alloc(0), stderr: 'Error: x\n    at f (a.js:1:1)\n' },
    },
    { name: 'exit 3', result: { ...ok, code: 3 } },
    { name: 'JSON that does not parse', result: { ...ok, stdout: '{"ok": tru', bytes: Buffer.from('{"ok": tru') } },
    {
      name: 'an ESC byte in text output',
      result: { ...ok, stdout: 'Title: \u001b[2J\n', bytes: Buffer.from('Title: \u001b[2J\n') },
      command: COMMANDS[0],
    },
  ])('reject $name', ({ result, command }) => {
    expect(invariantProblems('x', command ?? json, result)).toHaveLength(1);
  });
});

describe('truncation at sampled lengths', () => {
  const variants: { name: string; spec: IcpFolderSpec; only?: string }[] = [
    { name: 'icp-cli', spec: { flavour: 'icp-cli' } },
    { name: 'icp-cli gzip module', spec: { flavour: 'icp-cli', gzipModule: true }, only: 'wasm_module.bin' },
    { name: 'icp-cli memory64', spec: { flavour: 'icp-cli', memory64: true }, only: 'wasm_module.bin' },
  ];
  const cases = variants.flatMap(({ name, spec, only }) => {
    const files = icpFolderFiles(spec);
    // .lock is empty: there is nothing to cut.
    return [...files.keys()]
      .filter((file) => (only ? file === only : (files.get(file)?.length ?? 0) > 0))
      .map((file) => ({ name, spec, file, files }));
  });

  it('the generated folders verify clean before they are damaged', async () => {
    const dir = tempDir();
    for (const { name, files } of variants.map((v) => ({ name: v.name, files: icpFolderFiles(v.spec) }))) {
      const result = await cli(['verify', '--json', folder(dir, 'clean', files)]);
      expect(result.code, `${name}: ${result.stdout}`).toBe(0);
    }
    const lengths = truncationLengths(4200);
    expect(lengths).toEqual(expect.arrayContaining([0, 1, 7, 8, 9, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097, 4199]));
    expect(lengths.length).toBeLessThan(40);
    expect(lengths.every((length) => length < 4200)).toBe(true);
    expect(truncationLengths(4200)).toEqual(lengths);
  });

  it.each(cases)('$name: $file cut short', async ({ name, file, files }) => {
    const original = files.get(file) ?? new Uint8Array(0);
    const lengths = truncationLengths(original.length);
    const width = 6;
    const base = tempDir();
    const dirs = Array.from({ length: width }, (_, slot) => folder(base, `slot${slot}`, files));
    // Cut and restore in place through one descriptor per folder: rewriting whole files is slow on ext4.
    const fds = dirs.map((dir) => openSync(join(dir, file), 'r+'));
    const problems: string[] = [];
    await pool(lengths, width, async (length, slot) => {
      const dir = dirs[slot] as string;
      const fd = fds[slot] as number;
      ftruncateSync(fd, length);
      const label = `${name}: ${file} cut to ${length} of ${original.length} bytes`;
      const run = await runAll(dir, label);
      problems.push(...run.problems);
      for (const [command, result] of run.results) {
        // info and ls only fail when the input cannot be read at all; a damaged file is a diagnostic.
        if (command.kind !== 'verify' && result.code !== 0)
          problems.push(`${label} | ${command.args.join(' ')}: exit ${result.code} ${result.stderr.trim()}`);
      }
      const verify = resultOf(run.results, VERIFY_JSON);
      if (file !== '.lock') {
        if (verify.code !== 1) problems.push(`${label} | verify --json: exit ${verify.code}, expected 1`);
        const expected =
          file === 'metadata.json'
            ? 'ICP_METADATA_MALFORMED'
            : file.startsWith('wasm_chunk_store/')
              ? 'ICP_CHUNK_HASH_MISMATCH'
              : 'ICP_BLOB_SHORT';
        if (verify.code === 1 && !codesOf(verify).includes(expected))
          problems.push(`${label} | verify --json: no ${expected} in ${codesOf(verify).join(', ')}`);
      }
      writeSync(fd, original, length, original.length - length, length);
    }).finally(() => fds.forEach((fd) => closeSync(fd)));
    expect(problems).toEqual([]);
    // Every folder was restored after each cut, so each result above was about one damaged file.
    for (const dir of dirs) expect((await cli(['verify', '--json', dir])).code).toBe(0);
  });
});

describe('flipped bytes in metadata.json', () => {
  const REQUIRED = [
    'source',
    'taken_at_timestamp',
    'wasm_module_size',
    'globals',
    'wasm_memory_size',
    'stable_memory_size',
    'wasm_chunk_store',
    'canister_version',
    'certified_data',
  ];
  /** Fields verify checks against the files: any change to them must fail verification. */
  const CHECKED = ['source', 'wasm_module_size', 'wasm_memory_size', 'stable_memory_size', 'wasm_chunk_store'];
  const replacements: { name: string; apply: (byte: number) => number }[] = [
    { name: 'xor 0xff', apply: (byte) => byte ^ 0xff },
    ...['"', '{', '9', '-'].map((char) => ({ name: char, apply: () => char.charCodeAt(0) })),
  ];

  type Outcome = 'invalid JSON' | 'a checked field changed' | 'nothing checked changed';

  /** What a replaced byte does to metadata.json, which decides what verify must say. */
  function outcomeOf(bytes: Uint8Array, before: Record<string, unknown>): Outcome {
    let after: unknown;
    try {
      // The checked fields hold small integers, so plain JSON.parse compares them exactly.
      after = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      return 'invalid JSON';
    }
    const object =
      typeof after === 'object' && after !== null && !Array.isArray(after)
        ? (after as Record<string, unknown>)
        : undefined;
    return object === undefined ||
      REQUIRED.some((key) => !Object.hasOwn(object, key)) ||
      CHECKED.some((key) => JSON.stringify(object[key]) !== JSON.stringify(before[key]))
      ? 'a checked field changed'
      : 'nothing checked changed';
  }

  // Every offset times every replacement is `npm run fuzz`'s job (bit flips and JSON member
  // mutations of the icp-snapshot seeds); here a fixed-seed sample of each outcome.
  it('a sample of bytes replaced at sampled offsets: no crash, and verify fails when a checked field changed', async () => {
    const files = smallFolderFiles();
    const original = files.get('metadata.json') ?? new Uint8Array(0);
    const before = JSON.parse(metadataText(files)) as Record<string, unknown>;
    const byOutcome = new Map<Outcome, { offset: number; name: string; bytes: Uint8Array }[]>();
    for (let offset = 0; offset < original.length; offset++) {
      for (const { name, apply } of replacements) {
        const byte = apply(original[offset] ?? 0);
        if (byte === original[offset]) continue;
        const bytes = Uint8Array.from(original);
        bytes[offset] = byte;
        const outcome = outcomeOf(bytes, before);
        const all = byOutcome.get(outcome) ?? [];
        all.push({ offset, name, bytes });
        byOutcome.set(outcome, all);
      }
    }
    // Each outcome is sampled, so each branch of the checks below runs.
    expect([...byOutcome.keys()].sort()).toEqual([
      'a checked field changed',
      'invalid JSON',
      'nothing checked changed',
    ]);
    const variants = [...byOutcome].flatMap(([outcome, all], index) =>
      pickSample(all, 16, 20261202 + index).map((variant) => ({ ...variant, outcome })),
    );
    expect(variants).toHaveLength(48);
    const width = 8;
    const base = tempDir();
    const dirs = Array.from({ length: width }, (_, slot) => folder(base, `slot${slot}`, files));
    expect((await cli(['verify', '--json', dirs[0] as string])).code).toBe(0);
    const fds = dirs.map((dir) => openSync(join(dir, 'metadata.json'), 'r+'));
    const problems: string[] = [];
    await pool(variants, width, async ({ offset, name, bytes, outcome }, slot) => {
      const dir = dirs[slot] as string;
      const fd = fds[slot] as number;
      writeSync(fd, bytes, offset, 1, offset);
      const label = `metadata.json byte ${offset} (${JSON.stringify(String.fromCharCode(original[offset] ?? 0))}) -> ${name}`;
      const run = await runAll(dir, label);
      problems.push(...run.problems);
      for (const [command, result] of run.results) {
        if (command.kind !== 'verify' && result.code !== 0)
          problems.push(`${label} | ${command.args.join(' ')}: exit ${result.code} ${result.stderr.trim()}`);
      }
      const verify = resultOf(run.results, VERIFY_JSON);
      if (outcome === 'invalid JSON') {
        if (verify.code !== 1 || !codesOf(verify).includes('ICP_METADATA_MALFORMED'))
          problems.push(`${label} | verify --json: invalid JSON gave exit ${verify.code}`);
      } else if (outcome === 'a checked field changed') {
        if (verify.code !== 1)
          problems.push(`${label} | verify --json: exit ${verify.code}, expected 1 (a checked field changed)`);
      } else if (verify.code === 2) problems.push(`${label} | verify --json: exit 2`);
      writeSync(fd, original, offset, 1, offset);
    }).finally(() => fds.forEach((fd) => closeSync(fd)));
    expect(problems).toEqual([]);
    for (const dir of dirs) expect((await cli(['verify', '--json', dir])).code).toBe(0);
  });
});

/** Text commands as a person runs them, besides the five of COMMANDS. */
const TEXT_COMMANDS: readonly Command[] = [
  { args: ['info'], json: false, kind: 'info' },
  { args: ['ls', '-R', '-l'], json: false, kind: 'ls' },
  { args: ['verify'], json: false, kind: 'verify' },
];

/** COMMANDS plus `verify` as text, on a pipe and on a terminal. */
async function runEverywhere(
  dir: string,
  label: string,
): Promise<{ results: Map<Command, CliResult>; problems: string[] }> {
  const plain = await runAll(dir, label, [...COMMANDS, TEXT_COMMANDS[2] as Command]);
  const tty = await runAll(dir, `${label} (tty)`, TEXT_COMMANDS, { tty: true });
  return { results: plain.results, problems: [...plain.problems, ...tty.problems] };
}

/**
 * metadata.json of the small folder with `fields` overridden (undefined deletes one; bigints are
 * written exactly); a string value `@raw:TEXT` is written as the raw JSON text TEXT.
 */
function metadataWith(fields: Record<string, unknown>): string {
  const files = icpFolderFiles({
    ...SMALL_SPEC,
    metadata: { wasm_module_size: BigInt(EMPTY_MODULE.length), ...fields },
  });
  return metadataText(files).replace(
    /"@raw:((?:[^"\\]|\\.)*)"/g,
    (_match, raw: string) => JSON.parse(`"${raw}"`) as string,
  );
}

describe('hostile metadata values', () => {
  const U64 = 2n ** 64n;
  const hashes = (count: number): { hash: bigint[] }[] =>
    Array.from({ length: count }, (_, i) => ({
      hash: Array.from(createHash('sha256').update(`chunk ${i}`).digest(), (byte) => BigInt(byte)),
    }));
  const cases: {
    name: string;
    metadata: string | Uint8Array;
    codes?: string[];
    verify?: number[];
    check?: (results: Map<Command, CliResult>) => void;
  }[] = [
    { name: 'wasm_module_size 2^64', metadata: metadataWith({ wasm_module_size: U64 }), codes: ['ICP_FIELD_INVALID'] },
    {
      name: 'wasm_memory_size 2^70',
      metadata: metadataWith({ wasm_memory_size: 2n ** 70n }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'stable_memory_size -1',
      metadata: metadataWith({ stable_memory_size: -1n }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'canister_version 1e400',
      metadata: metadataWith({ canister_version: '@raw:1e400' }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'taken_at_timestamp -1',
      metadata: metadataWith({ taken_at_timestamp: -1n }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'taken_at_timestamp 2^64-1 (valid)',
      metadata: metadataWith({ taken_at_timestamp: U64 - 1n }),
      verify: [0],
    },
    {
      name: 'taken_at_timestamp 1e400',
      metadata: metadataWith({ taken_at_timestamp: '@raw:1e400' }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'global_timer active 2^64-1 (valid)',
      metadata: metadataWith({ global_timer: { active: U64 - 1n } }),
      verify: [0],
    },
    // global_timer is `opt variant { inactive; active : nat64 }`: larger values cannot be uploaded.
    {
      name: 'global_timer active 2^70',
      metadata: metadataWith({ global_timer: { active: 2n ** 70n } }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'global_timer active 10^30',
      metadata: metadataWith({ global_timer: { active: 10n ** 30n } }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'global_timer active -1',
      metadata: metadataWith({ global_timer: { active: -1n } }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'globals with huge values',
      metadata: metadataWith({
        globals: [
          { i32: 2n ** 70n },
          { i64: -(2n ** 70n) },
          { f64: '@raw:1e400' },
          { f32: '@raw:-1e400' },
          { v128: [2n ** 40n] },
          { v128: '@raw:1e400' },
        ],
      }),
      verify: [0, 1],
    },
    {
      name: 'globals: 5000 of them',
      metadata: metadataWith({ globals: Array.from({ length: 5000 }, (_, i) => ({ i32: BigInt(i) })) }),
      codes: ['ICP_TOO_MANY_GLOBALS'],
    },
    {
      name: 'globals: a null one',
      metadata: metadataWith({ globals: [{ i32: 1n }, null] }),
      codes: ['ICP_NULL_GLOBAL'],
    },
    {
      name: 'certified_data of 64 bytes',
      metadata: metadataWith({ certified_data: Array.from({ length: 64 }, (_, i) => BigInt(i)) }),
      codes: ['ICP_CERTIFIED_DATA_TOO_LARGE'],
    },
    {
      name: 'certified_data with 256 and -1',
      metadata: metadataWith({ certified_data: [256n, -1n] }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'wasm_chunk_store with 150 entries',
      metadata: metadataWith({ wasm_chunk_store: hashes(150) }),
      codes: ['ICP_TOO_MANY_CHUNKS', 'ICP_CHUNK_MISSING'],
    },
    {
      name: 'wasm_chunk_store with a short hash',
      metadata: metadataWith({ wasm_chunk_store: [{ hash: [1n, 2n] }] }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'wasm_chunk_store an object',
      metadata: metadataWith({ wasm_chunk_store: { hash: [] } }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'a required field missing',
      metadata: metadataWith({ canister_version: undefined }),
      codes: ['ICP_FIELD_MISSING'],
    },
    {
      name: 'source of an unknown variant',
      metadata: metadataWith({ source: { '\u001b[2Jevil': null } }),
      codes: ['ICP_SOURCE_UNKNOWN'],
    },
    {
      name: 'on_low_wasm_memory_hook_status with ANSI',
      metadata: metadataWith({ on_low_wasm_memory_hook_status: '\u001b[2J\u001b[31mready' }),
      codes: ['ICP_FIELD_INVALID'],
    },
    {
      name: 'ANSI escapes in unknown keys and values',
      metadata: metadataWith({
        '\u001b[2J\u001b[31mevil': '\u001b]0;owned\u0007\u001b[5m',
        'multi\nline\u001b[1m': 'a\nb\u001b[2J\nc',
        bidi: 'abc\u202edcba\u2066',
        nested: { '\u001b[2J': ['\u001b[31m', { '\u001b': '\u009b2J' }] },
      }),
      codes: ['ICP_UNKNOWN_FIELD'],
      verify: [0],
      check: (results) => {
        const info = resultOf(results, COMMANDS[0] as Command);
        expect(info.stdout).toContain('\\x1b[2J\\x1b[31mevil');
        expect(info.stdout).toContain('\\x1b]0;owned\\x07');
        expect(info.stdout).toContain('\\u202e');
        expect(info.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
        const json = JSON.parse(resultOf(results, COMMANDS[1] as Command).stdout) as {
          metadata: Record<string, unknown>;
        };
        expect(json.metadata['\u001b[2J\u001b[31mevil']).toBe('\u001b]0;owned\u0007\u001b[5m');
      },
    },
    {
      name: 'a raw ESC byte inside a string (invalid JSON)',
      metadata: metadataText(smallFolderFiles()).replace('"source"', '"sou\u001b[2Jrce"'),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: 'invalid UTF-8 in keys and values',
      metadata: Buffer.concat([
        Buffer.from('{"\xff\xfe": "'),
        Buffer.from([0xc3, 0x28, 0xff, 0x1b]),
        Buffer.from('", ' + metadataText(smallFolderFiles()).slice(1)),
      ]),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: '__proto__, constructor and toString keys',
      metadata: metadataWith({ constructor: { prototype: 1n }, toString: 'x', hasOwnProperty: [] }).replace(
        '{',
        '{\n  "__proto__": {"wasm_module_size": 5, "globals": null},',
      ),
      verify: [0, 1],
    },
    {
      name: 'duplicate keys',
      metadata: metadataText(smallFolderFiles()).replace('{', '{\n  "canister_version": 13,'),
      verify: [1],
    },
    {
      name: '100000 nested arrays',
      metadata: metadataText(smallFolderFiles()).replace(
        '{',
        `{\n  "deep": ${'['.repeat(100_000)}${']'.repeat(100_000)},`,
      ),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: '100000 nested objects',
      metadata: metadataText(smallFolderFiles()).replace(
        '{',
        `{\n  "deep": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)},`,
      ),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: '100000 unclosed arrays',
      metadata: metadataText(smallFolderFiles()).replace('{', `{\n  "deep": ${'['.repeat(100_000)}`),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: 'globals nested 100000 deep',
      metadata: metadataWith({ globals: '@raw:' + '['.repeat(100_000) + ']'.repeat(100_000) }),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: '20 MB metadata.json',
      metadata: metadataWith({ padding: 'x'.repeat(20 * 1024 * 1024) }),
      codes: ['ICP_METADATA_MALFORMED'],
    },
    {
      name: 'a 1 MB string of control characters',
      metadata: metadataWith({ padding: '\u001b[2J\u0000\r'.repeat(64 * 1024) }),
      verify: [0],
    },
    { name: 'top level is an array', metadata: '[]', codes: ['ICP_METADATA_MALFORMED'] },
    { name: 'top level is null', metadata: 'null', codes: ['ICP_METADATA_MALFORMED'] },
    { name: 'top level is a string with ANSI', metadata: '"\\u001b[2J"', codes: ['ICP_METADATA_MALFORMED'] },
    { name: 'top level is a huge number', metadata: '1e400', codes: ['ICP_METADATA_MALFORMED'] },
    { name: 'empty metadata.json', metadata: '', codes: ['ICP_METADATA_MALFORMED'] },
    { name: 'binary garbage', metadata: patternBytes(4096, 99), codes: ['ICP_METADATA_MALFORMED'] },
  ];

  it.each(cases)('$name', async ({ name, metadata, codes, verify, check }) => {
    const dir = folder(tempDir(), 'snap', smallFolderFiles(), metadata);
    const { results, problems } = await runEverywhere(dir, name);
    expect(problems).toEqual([]);
    for (const [command, result] of results) {
      if (command.kind !== 'verify') expect(result.code, `${command.args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const report = resultOf(results, VERIFY_JSON);
    expect(verify ?? [1], report.stdout).toContain(report.code);
    if (codes) expect(codesOf(report)).toEqual(expect.arrayContaining(codes));
    check?.(results);
  });

  // docs/architecture.md, Safety: nesting depth is bounded. Where the JSON parser gives up depends on the stack
  // size, so the sweep covers both sides of it: depths it parses, depths it rejects.
  it('nested arrays and objects of any depth from 1000 to 6000: no crash', async () => {
    const base = tempDir();
    const files = smallFolderFiles();
    const depths = Array.from({ length: 11 }, (_, i) => 1000 + i * 500);
    const problems: string[] = [];
    await pool(depths, 4, async (depth, slot) => {
      for (const [shape, value] of [
        ['arrays', `${'['.repeat(depth)}${']'.repeat(depth)}`],
        ['objects', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`],
      ] as const) {
        const dir = folder(base, `slot${slot}`, files, metadataText(files).replace('{', `{\n  "deep": ${value},`));
        // ls does not render metadata; these three do.
        const run = await runAll(dir, `${depth} nested ${shape}`, [
          COMMANDS[0] as Command,
          COMMANDS[1] as Command,
          VERIFY_JSON,
        ]);
        problems.push(...run.problems);
        for (const [command, result] of run.results) {
          if (command.kind !== 'verify' && result.code !== 0)
            problems.push(`${depth} nested ${shape} | ${command.args.join(' ')}: exit ${result.code}`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('a key or string that looks like the bigint marker of the JSON writer stays a string', async () => {
    const marker = '\u0000bigint:12';
    const dir = folder(tempDir(), 'snap', smallFolderFiles(), metadataWith({ [marker]: marker, other: `${marker}x` }));
    const { problems } = await runAll(dir, 'bigint marker', COMMANDS);
    expect(problems).toEqual([]);
    const info = JSON.parse((await cli(['info', '--json', dir])).stdout) as { metadata: Record<string, unknown> };
    expect(info.metadata[marker]).toBe(marker);
    expect(info.metadata.other).toBe(`${marker}x`);
  });
});

/** A command that must finish: a FIFO opened for reading would block forever. */
async function cliWithin(args: string[], options: { tty?: boolean } = {}, ms = 3000): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`snapinspect ${args.join(' ')} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([cli(args, options), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Releases whoever might be stuck reading a FIFO, so a failing test cannot hang the run. */
function unblockFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is reading it, which is the expected case.
  }
}

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

/** Everything a person or a script would run on a folder, each bounded in time, with the invariants checked. */
async function runBounded(
  dir: string,
  label: string,
  extra: string[][] = [],
): Promise<{ results: Map<string, CliResult>; problems: string[] }> {
  const results = new Map<string, CliResult>();
  const problems: string[] = [];
  const runs: { args: string[]; tty: boolean }[] = [
    ...COMMANDS.map((command) => ({ args: command.args, tty: false })),
    ...TEXT_COMMANDS.map((command) => ({ args: command.args, tty: true })),
    { args: ['verify'], tty: false },
    ...extra.map((args) => ({ args, tty: false })),
  ];
  for (const { args, tty } of runs) {
    const full = args.some((arg) => arg.startsWith(dir)) ? args : [...args, dir];
    const result = await cliWithin(full, { tty });
    const key = `${full.join(' ').replace(dir, 'DIR')}${tty ? ' (tty)' : ''}`;
    results.set(key, result);
    const invariant = invariantProblems(tty ? `${label} (tty)` : label, { args: full }, result, tty);
    problems.push(...invariant.map((problem) => problem.replace(dir, 'DIR')));
  }
  return { results, problems };
}

function get(results: Map<string, CliResult>, key: string): CliResult {
  const result = results.get(key);
  if (!result) throw new Error(`no run ${key}; runs: ${[...results.keys()].join(' | ')}`);
  return result;
}

describe('hostile names and kinds of entries', () => {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const passwdLine = passwd.split('\n')[0] ?? 'root:';

  function generated(): { dir: string; files: Map<string, Uint8Array> } {
    const files = icpFolderFiles({ flavour: 'icp-cli' });
    return { dir: folder(tempDir(), 'snap', files), files };
  }
  const chunkNames = (files: Map<string, Uint8Array>): string[] =>
    [...files.keys()].filter((name) => name.startsWith('wasm_chunk_store/'));

  it('a file named with an ANSI clear-screen sequence is listed escaped, never raw', async () => {
    const { dir, files } = generated();
    const evil = '\u001b[2J\u001b[31mevil';
    writeFileSync(join(dir, evil), '\u001b[2Jpayload');
    writeFileSync(join(dir, 'wasm_chunk_store', `${evil}.bin`), 'x');
    const { results, problems } = await runBounded(dir, 'ANSI name', [['cat', `${dir}:${evil}`]]);
    expect(problems).toEqual([]);
    for (const key of ['ls -R -l DIR', 'ls -R -l DIR (tty)', 'info DIR']) {
      expect(get(results, key).code).toBe(0);
      expect(get(results, key).stdout).toContain('\\x1b[2J\\x1b[31mevil');
    }
    const ls = JSON.parse(get(results, 'ls --json -R DIR').stdout) as { path: string }[];
    expect(ls.map((entry) => entry.path)).toEqual(expect.arrayContaining([evil, `wasm_chunk_store/${evil}.bin`]));
    const verify = get(results, 'verify --json DIR');
    expect(verify.code).toBe(1);
    expect(codesOf(verify)).toEqual(expect.arrayContaining(['ICP_UNEXPECTED_ENTRY', 'ICP_CHUNK_BAD_NAME']));
    expect(get(results, 'verify DIR').stdout).toContain('\\x1b[2J\\x1b[31mevil');
    // Asked for on a terminal, the payload itself is escaped too; on a pipe it is the raw bytes.
    const catTty = await cliWithin(['cat', `${dir}:${evil}`], { tty: true });
    expect(catTty.code).toBe(0);
    expect(catTty.bytes.includes(ESC)).toBe(false);
    expect(catTty.stdout).toContain('\\x1b[2Jpayload');
    expect(get(results, `cat DIR:${evil}`).stdout).toBe('\u001b[2Jpayload');
    expect(chunkNames(files).length).toBe(2);
  });

  it('a name with a newline cannot forge a line of ls output', async () => {
    const { dir } = generated();
    writeFileSync(join(dir, 'evil\nwasm_module.bin'), 'x');
    writeFileSync(join(dir, 'tab\there\r'), 'x');
    const { results, problems } = await runBounded(dir, 'newline name');
    expect(problems).toEqual([]);
    const json = JSON.parse(get(results, 'ls --json -R DIR').stdout) as { path: string }[];
    for (const key of ['ls -R -l DIR', 'ls -R -l DIR (tty)']) {
      const text = get(results, key).stdout;
      expect(text).toContain('evil\\x0awasm_module.bin');
      expect(text).toContain('tab\\x09here\\x0d');
      expect(text.trimEnd().split('\n')).toHaveLength(json.length);
    }
    expect(get(results, 'info DIR').stdout).toContain('evil\\x0awasm_module.bin');
  });

  it('a name that is not valid UTF-8 is listed escaped, not a crash', async () => {
    const { dir } = generated();
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xff, 0xfe, 0x41])]), 'x');
    writeFileSync(
      Buffer.concat([Buffer.from(`${dir}/wasm_chunk_store/`), Buffer.from([0xc3, 0x28, 0x1b, 0x5b, 0x32, 0x4a])]),
      'x',
    );
    const { results, problems } = await runBounded(dir, 'invalid UTF-8 name');
    expect(problems).toEqual([]);
    expect(get(results, 'info DIR').code).toBe(0);
    expect(get(results, 'ls -R -l DIR').code).toBe(0);
    // Shown as its bytes (\xff\xfeA) or at least as visible replacement characters.
    expect(get(results, 'ls -R -l DIR').stdout).toMatch(/\\xff\\xfeA|\\ufffd\\ufffdA/);
    expect(get(results, 'verify --json DIR').code).toBe(1);
  });

  it('a symlink wasm_memory.bin -> /etc/passwd is shown, never followed', async () => {
    const { dir } = generated();
    rmSync(join(dir, 'wasm_memory.bin'));
    symlinkSync('/etc/passwd', join(dir, 'wasm_memory.bin'));
    symlinkSync('/etc', join(dir, 'etc'));
    const { results, problems } = await runBounded(dir, 'symlink blob', [
      ['cat', `${dir}:wasm_memory.bin`],
      ['cat', '--raw', `${dir}:wasm_memory.bin`],
      ['cat', `${dir}:etc/passwd`],
      ['ls', '-R', '-l', `${dir}:etc`],
    ]);
    expect(problems).toEqual([]);
    for (const [key, result] of results) {
      expect(result.stdout, key).not.toContain(passwdLine);
      expect(result.stderr, key).not.toContain(passwdLine);
    }
    expect(get(results, `cat DIR:wasm_memory.bin`).code).toBe(2);
    expect(get(results, `cat DIR:wasm_memory.bin`).stderr).toContain('(NOT_A_FILE)');
    expect(get(results, `cat DIR:etc/passwd`).code).toBe(2);
    expect(get(results, 'ls -R -l DIR').stdout).toContain('wasm_memory.bin -> /etc/passwd');
    const verify = get(results, 'verify --json DIR');
    expect(verify.code).toBe(1);
    expect(codesOf(verify)).toContain('ICP_BLOB_NOT_FILE');
  });

  it('a symlinked chunk is not hashed through the link', async () => {
    const { dir, files } = generated();
    const [first, second] = chunkNames(files);
    rmSync(join(dir, first as string));
    symlinkSync('/etc/passwd', join(dir, first as string));
    rmSync(join(dir, second as string));
    symlinkSync(join(dir, first as string), join(dir, second as string));
    const { results, problems } = await runBounded(dir, 'symlink chunk', [['cat', `${dir}:${first}`]]);
    expect(problems).toEqual([]);
    for (const [key, result] of results) expect(result.stdout, key).not.toContain(passwdLine);
    expect(get(results, `cat DIR:${first}`).code).toBe(2);
    const verify = get(results, 'verify --json DIR');
    expect(verify.code).toBe(1);
    expect(codesOf(verify)).toEqual(expect.arrayContaining(['ICP_CHUNK_BAD_NAME', 'ICP_CHUNK_MISSING']));
  });

  describe('FIFOs are never opened', () => {
    it.each([
      { name: 'metadata.json', code: 'ICP_METADATA_MALFORMED', verify: [1] },
      { name: 'wasm_memory.bin', code: 'ICP_BLOB_NOT_FILE', verify: [1] },
      { name: 'wasm_module.bin', code: 'ICP_BLOB_NOT_FILE', verify: [1] },
      // Not a progress file icp-cli could have written: just an unexpected entry.
      { name: '.download_progress.json', code: 'ICP_UNEXPECTED_ENTRY', verify: [0, 1] },
      { name: 'wasm_chunk_store/CHUNK', code: 'ICP_CHUNK_BAD_NAME', verify: [1] },
    ])(
      'a FIFO named $name',
      async ({ name, code, verify: exits }) => {
        const { dir, files } = generated();
        const entry = name === 'wasm_chunk_store/CHUNK' ? (chunkNames(files)[0] as string) : name;
        const path = join(dir, entry);
        rmSync(path, { force: true });
        mkfifo(path);
        try {
          const { results, problems } = await runBounded(dir, `FIFO ${name}`, [
            ['cat', `${dir}:${entry}`],
            ['cat', `${dir}:${entry}`, '--raw'],
          ]);
          expect(problems).toEqual([]);
          expect(get(results, 'info DIR').code).toBe(0);
          expect(get(results, `cat DIR:${entry}`).code).toBe(2);
          expect(get(results, `cat DIR:${entry}`).stderr).toContain('(NOT_A_FILE)');
          const verify = get(results, 'verify --json DIR');
          expect(exits).toContain(verify.code);
          expect(codesOf(verify)).toContain(code);
        } finally {
          unblockFifo(path);
        }
      },
      10_000,
    );

    it('a FIFO given as the snapshot path itself', async () => {
      const path = join(tempDir(), 'snapshot.fifo');
      mkfifo(path);
      try {
        for (const command of COMMANDS) {
          const result = await cliWithin([...command.args, path]);
          expect(invariantProblems('FIFO path', command, result)).toEqual([]);
          expect(result.code).toBe(2);
        }
      } finally {
        unblockFifo(path);
      }
    }, 10_000);
  });

  it('a folder named wasm_module.bin', async () => {
    const { dir } = generated();
    rmSync(join(dir, 'wasm_module.bin'));
    mkdirSync(join(dir, 'wasm_module.bin', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'wasm_module.bin', 'nested', '\u001b[2Jinner'), 'x');
    const { results, problems } = await runBounded(dir, 'folder blob', [['cat', `${dir}:wasm_module.bin`]]);
    expect(problems).toEqual([]);
    expect(get(results, 'ls -R -l DIR').stdout).toContain('wasm_module.bin/nested/\\x1b[2Jinner');
    expect(get(results, 'cat DIR:wasm_module.bin').code).toBe(2);
    const verify = get(results, 'verify --json DIR');
    expect(verify.code).toBe(1);
    expect(codesOf(verify)).toContain('ICP_BLOB_NOT_FILE');
  });

  it('a folder holding only metadata.json {} is not a snapshot (one fatal line), unless the format is forced', async () => {
    const dir = join(tempDir(), 'empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'metadata.json'), '{}');
    for (const command of COMMANDS) {
      const result = await cliWithin([...command.args, dir]);
      expect(invariantProblems('metadata {} only', command, result)).toEqual([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('(UNKNOWN_FORMAT)');
    }
    const forced = await cliWithin(['verify', '--json', '--format', 'icp-snapshot', dir]);
    expect(invariantProblems('forced', VERIFY_JSON, forced)).toEqual([]);
    expect(forced.code).toBe(1);
    expect(codesOf(forced)).toContain('ICP_FIELD_MISSING');
  });

  it('inner paths with .. or a leading / stay inside the snapshot', async () => {
    const { dir } = generated();
    for (const inner of [
      '../../../../../../etc/passwd',
      '/etc/passwd',
      'wasm_chunk_store/../../../../etc/passwd',
      '..',
      '../..',
    ]) {
      for (const args of [
        ['cat', `${dir}:${inner}`],
        ['ls', '-l', `${dir}:${inner}`],
        ['ls', '--json', `${dir}:${inner}`],
      ]) {
        const result = await cliWithin(args);
        expect(invariantProblems(inner, { args }, result)).toEqual([]);
        expect(result.stdout).not.toContain(passwdLine);
      }
    }
  });

  it('a snapshot folder whose own name carries escapes', async () => {
    const files = icpFolderFiles({ flavour: 'icp-cli' });
    const dir = folder(tempDir(), 'snap\u001b]0;owned\u0007\n\u001b[2J', files);
    const { results, problems } = await runBounded(dir, 'hostile title');
    expect(problems).toEqual([]);
    expect(get(results, 'info DIR').stdout).toContain('snap\\x1b]0;owned\\x07\\x0a\\x1b[2J');
    expect(get(results, 'verify DIR').code).toBe(0);
  });
});

describe('read-only', () => {
  it('no command changes, adds or removes anything in the snapshot folder or beside it', async () => {
    const parent = tempDir();
    const files = icpFolderFiles({ flavour: 'icp-cli' });
    files.set('.download_progress.json', new TextEncoder().encode('{"wasm_module": {"frontier": 0, "ahead": []}}'));
    files.set('.upload_progress.json', new TextEncoder().encode('{"snapshot_id": "0000000000000001"}'));
    const dir = folder(parent, 'snap', files);
    symlinkSync('wasm_module.bin', join(dir, 'link'));
    const before = fingerprint(parent);
    expect(before.size).toBeGreaterThan(files.size);

    const { problems } = await runEverywhere(dir, 'read-only');
    expect(problems).toEqual([]);
    expect((await cli([dir])).code).toBe(0);
    const listed = JSON.parse((await cli(['ls', '--json', '-R', dir])).stdout) as { path: string; kind: string }[];
    expect(listed.length).toBeGreaterThan(files.size);
    for (const { path, kind } of listed) {
      for (const tty of [false, true]) {
        const result = await cli(['cat', `${dir}:${path}`], { tty });
        expect(invariantProblems(`cat ${path}`, { args: ['cat', path] }, result, tty)).toEqual([]);
        if (kind === 'file' && !path.includes('/') && path !== 'link' && !tty) {
          expect(Buffer.compare(result.bytes, Buffer.from(files.get(path) ?? [])), `cat ${path}`).toBe(0);
        }
      }
    }

    expect(fingerprint(parent)).toEqual(before);
    // The fingerprint notices a stray file and a rewritten one.
    writeFileSync(join(parent, 'stray'), '');
    expect(fingerprint(parent)).not.toEqual(before);
    rmSync(join(parent, 'stray'));
    writeFileSync(join(dir, '.lock'), '');
    expect(fingerprint(parent)).not.toEqual(before);
  });
});
