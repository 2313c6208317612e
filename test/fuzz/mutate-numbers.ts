/**
 * Huge numbers where readers take a count or a size on trust (issue 14): a protobuf varint in a
 * CRIU image (a repeated field's length or a count) set to 2^32, 2^53 or 2^63 with the entry's
 * framing kept valid, a qcow2 header's virtual size set to 2^62, and the numbers of a JSON
 * descriptor set to 1e308 and friends while it stays parseable.
 */
import { concat } from '../helpers/tar-builder.js';
import { pickOne, type Shape } from './mutate-shapes.js';
import type { Random } from './mutate.js';

const HUGE_VARINTS = [2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

function varint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return Uint8Array.from(bytes);
}

/** A varint at `at`: its value and length in bytes, or undefined past the end or over 10 bytes. */
function readVarint(bytes: Uint8Array, at: number): { value: bigint; length: number } | undefined {
  let value = 0n;
  for (let i = 0; i < 10 && at + i < bytes.length; i++) {
    const byte = bytes[at + i] ?? 0;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  return undefined;
}

interface Field {
  /** Where the varint to replace starts (a varint value, or a length-delimited field's length). */
  at: number;
  length: number;
  wire: 0 | 2;
}

/** The top-level varint and length-delimited fields of one protobuf message. */
function fieldsOf(message: Uint8Array): Field[] {
  const fields: Field[] = [];
  for (let at = 0; at < message.length;) {
    const tag = readVarint(message, at);
    if (!tag) break;
    const wire = Number(tag.value & 7n);
    at += tag.length;
    const value = wire === 0 || wire === 2 ? readVarint(message, at) : undefined;
    if (wire === 1 || wire === 5) at += wire === 1 ? 8 : 4;
    else if (!value) break;
    else {
      fields.push({ at, length: value.length, wire: wire === 0 ? 0 : 2 });
      at += value.length + (wire === 2 ? Number(value.value) : 0);
    }
  }
  return fields;
}

const MAGICS = { common: 0x54564319, service: 0x55105940 };
const u32le = (bytes: Uint8Array, at: number): number =>
  ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;

/** The `[u32 length][message]` entries of a CRIU image after its magic words. */
function criuEntries(bytes: Uint8Array): { at: number; size: number }[] {
  const first = u32le(bytes, 0);
  let at = first === MAGICS.common || first === MAGICS.service ? 8 : 4;
  const entries: { at: number; size: number }[] = [];
  while (at + 4 <= bytes.length && entries.length < 10_000) {
    const size = u32le(bytes, at);
    if (at + 4 + size > bytes.length) break;
    entries.push({ at, size });
    at += 4 + size;
  }
  return entries;
}

const isCriuImage = (bytes: Uint8Array): boolean =>
  [MAGICS.common, MAGICS.service].includes(u32le(bytes, 0)) && criuEntries(bytes).some((entry) => entry.size > 0);

const criuHugeVarint: Shape = {
  name: 'criu huge varint',
  fits: isCriuImage,
  apply: (random: Random, bytes: Uint8Array) => {
    const entry = pickOne(
      random,
      criuEntries(bytes).filter((candidate) => candidate.size > 0),
    );
    const message = bytes.subarray(entry.at + 4, entry.at + 4 + entry.size);
    const fields = fieldsOf(message);
    if (fields.length === 0) return { bytes, note: 'no varint field' };
    const field = pickOne(random, fields);
    const value = pickOne(random, HUGE_VARINTS);
    const changed = concat([message.subarray(0, field.at), varint(value), message.subarray(field.at + field.length)]);
    const framed = new Uint8Array(4);
    new DataView(framed.buffer).setUint32(0, changed.length, true);
    const what = field.wire === 2 ? 'length' : 'value';
    return {
      bytes: concat([bytes.subarray(0, entry.at), framed, changed, bytes.subarray(entry.at + 4 + entry.size)]),
      note: `entry at ${entry.at}: field ${what} at ${field.at} = ${value}`,
    };
  },
};

const isQcow2 = (bytes: Uint8Array): boolean =>
  bytes.length >= 72 && Buffer.from(bytes.subarray(0, 4)).equals(Buffer.from([0x51, 0x46, 0x49, 0xfb]));

const qcow2HugeSize: Shape = {
  name: 'qcow2 huge size',
  fits: isQcow2,
  apply: (random, bytes) => {
    const size = pickOne(random, [2n ** 62n, 2n ** 53n, 2n ** 63n - 1n]);
    const out = Buffer.from(bytes);
    out.writeBigUInt64BE(size, 24);
    return { bytes: out, note: `virtual size ${size}` };
  },
};

const HUGE_JSON_NUMBERS = ['1e308', '-1e308', '9223372036854775808', '18446744073709551616', '1e400'];
/** A JSON string (kept) or a number (replaced), so numbers inside strings stay as they are. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function isJson(bytes: Uint8Array): boolean {
  if (bytes.length > 8 << 20) return false;
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return /\d/.test(Buffer.from(bytes).toString('utf8'));
  } catch {
    return false;
  }
}

const jsonHugeNumbers: Shape = {
  name: 'json huge numbers',
  fits: isJson,
  apply: (random, bytes) => {
    const value = pickOne(random, HUGE_JSON_NUMBERS);
    const text = Buffer.from(bytes).toString('utf8');
    const numbers = [...text.matchAll(JSON_TOKEN)].filter((match) => !match[0].startsWith('"'));
    const every = random() < 0.5;
    const only = numbers.length > 0 ? pickOne(random, numbers).index : -1;
    const changed = text.replace(JSON_TOKEN, (token, offset: number) =>
      token.startsWith('"') || (!every && offset !== only) ? token : value,
    );
    return { bytes: Buffer.from(changed), note: `${every ? 'every number' : `the number at ${only}`} -> ${value}` };
  },
};

export const NUMBER_SHAPES: Shape[] = [criuHugeVarint, qcow2HugeSize, jsonHugeNumbers];
