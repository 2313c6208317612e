import { isInteger, parse } from 'lossless-json';
import { errorMessage } from '../../model/errors.js';
import { limits } from './limits.js';

/** JSON with integers kept exact: every integer literal is a bigint, other numbers are doubles. */
export type JsonValue = string | number | bigint | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type JsonParse = { ok: true; value: JsonValue } | { ok: false; error: string };

function parseNumber(text: string): number | bigint {
  return isInteger(text) ? BigInt(text) : Number(text);
}

/** Never throws: malformed, truncated or absurdly nested text comes back as an error message. */
export function parseJson(text: string): JsonParse {
  const depth = nestingDepth(text);
  if (depth > limits.jsonDepth)
    return { ok: false, error: `nested ${depth} levels deep; the limit is ${limits.jsonDepth}` };
  try {
    return { ok: true, value: parse(text, null, parseNumber) as JsonValue };
  } catch (error) {
    return { ok: false, error: errorMessage(error).replace(/\s+/g, ' ') };
  }
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasKeys(value: JsonValue, keys: readonly string[]): boolean {
  return isJsonObject(value) && keys.every((key) => key in value);
}

/** Deepest nesting of [ and { outside strings; checked before parsing so that nothing downstream recurses too deep. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      deepest = Math.max(deepest, ++depth);
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Compact JSON text of a decoded value. Its integers are bigints, which `JSON.stringify` alone refuses:
 * they are written as numbers when exact, and as text beyond 2^53.
 */
export function jsonText(value: unknown): string {
  const exact = (item: bigint): number | string =>
    Number.isSafeInteger(Number(item)) ? Number(item) : item.toString();
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? exact(item) : item)) ?? 'null';
}
