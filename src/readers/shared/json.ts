import { isInteger, parse } from 'lossless-json';
import { errorMessage } from '../../model/errors.js';

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
