import { escapeForDisplay } from '../model/display.js';
import { Instant, isMetaRecord, type MetaValue } from '../model/metadata.js';

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** One value on one line, safe for a terminal. Records and lists are rendered inline. */
export function formatValue(value: MetaValue): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return value.length === 0 ? '(empty)' : hex(value);
  if (value instanceof Instant) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (isMetaRecord(value)) {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${escapeForDisplay(key)}: ${formatValue(inner)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string') return escapeForDisplay(value);
  return String(value);
}

/** The JSON form of a metadata value: bigints stay exact (bare integer literals), bytes become hex. */
export function toJsonValue(value: MetaValue): unknown {
  if (value instanceof Uint8Array) return hex(value);
  if (value instanceof Instant) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isMetaRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonValue(inner)]));
  return value;
}

/**
 * JSON text (2-space indent) with bigints written as bare integer literals, so a u64 such as a
 * timestamp in nanoseconds survives exactly; JSON.stringify cannot write bigints at all.
 */
export function stringifyJson(value: unknown, indent = ''): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return jsonString(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((element) => inner + stringifyJson(element === undefined ? null : element, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, element]) => element !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, element]) => `${inner}${jsonString(key)}: ${stringifyJson(element, inner)}`).join(',\n')}\n${indent}}`;
}

/** DEL, C1 controls and bidi marks, overrides and isolates: valid in JSON text, but a terminal acts on them. */
const TERMINAL_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A JSON string that is also safe to print: what JSON leaves raw and a terminal would act on becomes `\uXXXX`. */
function jsonString(text: string): string {
  return JSON.stringify(text).replace(
    TERMINAL_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
