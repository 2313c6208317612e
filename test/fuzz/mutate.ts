import type { FolderEntry, Input } from './input.js';
import { NUMBER_SHAPES } from './mutate-numbers.js';
import { ARCHIVE_SHAPES } from './mutate-shapes.js';

export type Random = () => number;

const below = (random: Random, bound: number): number => Math.floor(random() * bound);
const pick = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)] as T;

/** Where record and header fields start in the formats we read: tar blocks, 4 KiB pages, words. */
const BOUNDARIES = [512, 4096, 8, 4];

function boundaryOffset(random: Random, size: number): number {
  const unit = pick(random, [...BOUNDARIES, 1]);
  const offset = below(random, Math.floor(size / unit) + 1) * unit;
  return Math.min(size, Math.max(0, offset + pick(random, [0, 0, 0, -1, 1])));
}

const u32le = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
/** 0, max, negative and off-by-one values as binary (both byte orders, 32 and 64 bit) and as text. */
const BINARY_VALUES = [
  [0, 0, 0, 0],
  u32le(0xffffffff),
  u32le(0x7fffffff),
  u32le(0x80000000),
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
  [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  u32le(0x01000000),
];
const TEXT_NUMBERS = [
  '0',
  '-1',
  '99999999999999999999999',
  '4294967296',
  '1e308',
  '-9223372036854775809',
  '77777777777',
];

type ByteMutation = (random: Random, bytes: Uint8Array) => { bytes: Uint8Array; note: string };

const flipBits: ByteMutation = (random, bytes) => {
  const out = bytes.slice();
  const flips = 1 + below(random, 8);
  for (let i = 0; i < flips && out.length > 0; i++) {
    const at = below(random, out.length);
    out[at] = (out[at] ?? 0) ^ (1 << below(random, 8));
  }
  return { bytes: out, note: `flip ${flips} bits` };
};

const truncate: ByteMutation = (random, bytes) => {
  const at = Math.min(boundaryOffset(random, bytes.length), Math.max(0, bytes.length - 1));
  return { bytes: bytes.slice(0, at), note: `truncate at ${at}` };
};

/** Overwrites what may be a length or offset field; in text, replaces a run of digits. */
const setLength: ByteMutation = (random, bytes) => {
  // latin1 maps each byte to one character, so match offsets are byte offsets.
  const digits = [
    ...Buffer.from(bytes.subarray(0, 1 << 20))
      .toString('latin1')
      .matchAll(/\d+/g),
  ];
  if (digits.length > 0 && random() < 0.5) {
    const match = pick(random, digits);
    const value = pick(random, TEXT_NUMBERS);
    const out = new Uint8Array([
      ...bytes.subarray(0, match.index),
      ...new TextEncoder().encode(value),
      ...bytes.subarray(match.index + match[0].length),
    ]);
    return { bytes: out, note: `number ${match[0]} -> ${value}` };
  }
  const out = bytes.slice();
  const value = pick(random, BINARY_VALUES);
  const at = Math.min(
    boundaryOffset(random, bytes.length) + pick(random, [0, 4, 8, 12, 16, 24, 124, 136]),
    Math.max(0, out.length - value.length),
  );
  const ordered = random() < 0.5 ? value : [...value].reverse();
  out.set(ordered.slice(0, out.length - at), at);
  return { bytes: out, note: `field at ${at} = ${Buffer.from(ordered).toString('hex')}` };
};

function span(random: Random, size: number): [number, number] {
  const unit = size >= 2048 && random() < 0.7 ? 512 : 1 + below(random, 64);
  const start = Math.floor(below(random, size) / unit) * unit;
  return [start, Math.min(size, start + unit)];
}

const duplicate: ByteMutation = (random, bytes) => {
  const [start, end] = span(random, bytes.length);
  return {
    bytes: new Uint8Array([...bytes.subarray(0, end), ...bytes.subarray(start, end), ...bytes.subarray(end)]),
    note: `duplicate ${start}..${end}`,
  };
};

const reorder: ByteMutation = (random, bytes) => {
  const [a, aEnd] = span(random, bytes.length);
  const length = aEnd - a;
  const b = Math.floor(below(random, Math.max(1, bytes.length - length)) / length) * length;
  const out = bytes.slice();
  out.set(bytes.subarray(b, b + length), a);
  out.set(bytes.subarray(a, aEnd), b);
  return { bytes: out, note: `swap ${a} and ${b} (${length} bytes)` };
};

/** Stands for 5000 nested arrays, spliced in as text: deeper than JSON.stringify could write. */
const DEEP = '\u0000deep';
const DEEP_JSON = JSON.stringify(DEEP);

/** Values a hostile descriptor may hold where a reader expects something sane. */
const HOSTILE_VALUES: (() => unknown)[] = [
  () => null,
  () => -1,
  () => 1e308,
  () => '99999999999999999999999',
  () => '\u001b[2J\u001b]0;owned\u0007',
  () => '../../../../etc/passwd',
  () => [],
  () => ({}),
  () => DEEP,
  () => 'x'.repeat(100_000),
];

function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** Every object or array inside `value`, so one of them can be picked. */
function containers(
  value: unknown,
  found: (unknown[] | Record<string, unknown>)[] = [],
  depth = 0,
): (unknown[] | Record<string, unknown>)[] {
  if (value === null || typeof value !== 'object' || depth > 32) return found;
  found.push(value as unknown[] | Record<string, unknown>);
  for (const child of Object.values(value)) containers(child, found, depth + 1);
  return found;
}

/** Keeps the JSON parseable but replaces, drops or duplicates one member, so readers get past the parser. */
const jsonMember: ByteMutation = (random, bytes) => {
  const value = jsonOf(bytes);
  const targets = containers(value);
  if (targets.length === 0) return flipBits(random, bytes);
  const target = pick(random, targets);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? pick(random, keys) : '0';
  const action = below(random, 3);
  const record = target as Record<string, unknown>;
  if (action === 0) record[key] = pick(random, HOSTILE_VALUES)();
  else if (action === 1 && Array.isArray(target)) target.splice(Number(key), 1);
  else if (action === 1) Reflect.deleteProperty(record, key);
  else if (Array.isArray(target)) target.push(target[Number(key)]);
  else record[`${key}\u0000dup`] = record[key];
  let text: string;
  try {
    text = JSON.stringify(value).replaceAll(DEEP_JSON, '['.repeat(5000) + ']'.repeat(5000));
  } catch {
    // An earlier mutation nested it too deep for JSON.stringify.
    return flipBits(random, bytes);
  }
  return { bytes: new TextEncoder().encode(text), note: `${['replace', 'drop', 'duplicate'][action]} member ${key}` };
};

const BYTE_MUTATIONS: [string, ByteMutation][] = [
  ['flip', flipBits],
  ['truncate', truncate],
  ['length', setLength],
  ['duplicate', duplicate],
  ['reorder', reorder],
];

function mutateBytes(random: Random, bytes: Uint8Array): { bytes: Uint8Array; note: string } {
  const [name, mutation] =
    jsonOf(bytes) !== undefined && random() < 0.6 ? ['json', jsonMember] : pick(random, BYTE_MUTATIONS);
  if (bytes.length === 0) return { bytes: new Uint8Array([0]), note: 'fill empty' };
  const result = mutation(random, bytes);
  return { bytes: result.bytes, note: `${name}: ${result.note}` };
}

/** Folder-level damage: a lost file, a duplicate, a link loop, a link out of the snapshot. */
function mutateFolder(random: Random, entries: Map<string, FolderEntry>, path: string): string {
  const choice = below(random, 4);
  if (choice === 0) {
    entries.delete(path);
    return `delete ${path}`;
  }
  if (choice === 1) {
    entries.set(`${path}.copy`, entries.get(path) ?? 'dir');
    return `duplicate ${path}`;
  }
  const link = choice === 2 ? (path.split('/').pop() ?? path) : '../'.repeat(path.split('/').length + 2) + 'etc/passwd';
  entries.set(path, { link });
  return `replace ${path} by a link to ${link}`;
}

const SHAPES = [...ARCHIVE_SHAPES, ...NUMBER_SHAPES];
/** The share of mutations that build one of those shapes instead of damaging bytes. */
const SHAPE_SHARE = 0.3;

/** One of the issue-14 shapes (mutate-shapes.ts, mutate-numbers.ts) applied to a file it fits, if any fits. */
function mutateShape(random: Random, input: Input): { input: Input; note: string } | undefined {
  const files: [string, Uint8Array][] =
    input.kind === 'file'
      ? [['', input.bytes]]
      : [...input.entries].flatMap(([path, entry]): [string, Uint8Array][] =>
          entry instanceof Uint8Array ? [[path, entry]] : [],
        );
  const fitting = files.flatMap(([path, bytes]) =>
    SHAPES.filter((shape) => shape.fits(bytes)).map((shape) => ({ path, bytes, shape })),
  );
  if (fitting.length === 0) return undefined;
  const { path, bytes, shape } = pick(random, fitting);
  const result = shape.apply(random, bytes);
  const note = `${path ? `${path}: ` : ''}${shape.name}: ${result.note}`;
  if (input.kind === 'file') return { input: { kind: 'file', bytes: result.bytes }, note };
  return { input: { ...input, entries: new Map(input.entries).set(path, result.bytes) }, note };
}

/** One mutation of `input`, described in a line, never touching the original. */
export function mutate(random: Random, input: Input): { input: Input; note: string } {
  const shaped = random() < SHAPE_SHARE ? mutateShape(random, input) : undefined;
  if (shaped) return shaped;
  if (input.kind === 'file') {
    const { bytes, note } = mutateBytes(random, input.bytes);
    return { input: { kind: 'file', bytes }, note };
  }
  const entries = new Map(input.entries);
  const files = [...entries].filter(([, entry]) => entry instanceof Uint8Array).map(([path]) => path);
  const path = pick(random, files.length > 0 ? files : [...entries.keys()]);
  if (random() < 0.15) return { input: { ...input, entries }, note: mutateFolder(random, entries, path) };
  const { bytes, note } = mutateBytes(random, (entries.get(path) as Uint8Array | undefined) ?? new Uint8Array(0));
  entries.set(path, bytes);
  return { input: { ...input, entries }, note: `${path}: ${note}` };
}
