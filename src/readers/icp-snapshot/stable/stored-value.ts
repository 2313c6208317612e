import { Principal } from '@icp-sdk/core/principal';
import { limits } from '../limits.js';
import { decodeDidl, startsWithDidl, type FieldNames } from '../candid/didl-decoder.js';

export type StoredEncoding = 'candid' | 'text' | 'integer' | 'principal' | 'hex' | 'empty';

export interface StoredValue {
  encoding: StoredEncoding;
  /** Readable form, cut to `limits.valueTextChars` characters. */
  text: string;
  /** Why bytes that look like Candid are shown as hex. */
  problem?: string;
}

/** Big-endian widths of the crate's integer Storables (u16…u128), which sort as their keys. */
const INTEGER_WIDTHS = new Set([2, 4, 8, 16]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Guesses how a Storable was encoded, since the memory does not say: Candid (`DIDL`), printable
 * UTF-8, a big-endian integer, a principal (10-byte canister id or 29-byte self-authenticating),
 * else hex.
 */
export function storedValue(bytes: Uint8Array, names: FieldNames): StoredValue {
  if (bytes.length === 0) return { encoding: 'empty', text: '' };
  if (startsWithDidl(bytes)) {
    const decoded = decodeDidl(bytes, names);
    if (decoded.ok) return { encoding: 'candid', text: cut(decoded.text) };
    return { encoding: 'hex', text: hexText(bytes), problem: `not valid Candid: ${decoded.error}` };
  }
  const text = printableText(bytes);
  if (text !== undefined) return { encoding: 'text', text: cut(text) };
  if (INTEGER_WIDTHS.has(bytes.length)) return { encoding: 'integer', text: bigEndian(bytes).toString() };
  if (looksLikePrincipal(bytes)) return { encoding: 'principal', text: Principal.fromUint8Array(bytes).toText() };
  return { encoding: 'hex', text: hexText(bytes) };
}

/**
 * The bytes as text when they are UTF-8 without control characters (tabs and line breaks allowed).
 * Plain ASCII, the common case for keys, is checked byte by byte without a decoder.
 */
function printableText(bytes: Uint8Array): string | undefined {
  let ascii = true;
  for (const byte of bytes) {
    if (byte === 0x7f || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)) return undefined;
    if (byte >= 0x80) ascii = false;
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    const text = utf8.decode(bytes);
    return /[\u0080-\u009f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

function bigEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function looksLikePrincipal(bytes: Uint8Array): boolean {
  return (bytes.length === 10 && bytes[9] === 0x01) || (bytes.length === 29 && bytes[28] === 0x02);
}

function hexText(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, limits.valueTextChars / 2);
  return Buffer.from(shown).toString('hex') + (shown.length < bytes.length ? '…' : '');
}

function cut(text: string): string {
  return text.length > limits.valueTextChars ? `${text.slice(0, limits.valueTextChars)}…` : text;
}
