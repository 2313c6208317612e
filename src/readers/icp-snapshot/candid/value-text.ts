import type { FieldNames } from './types.js';
import { labelText } from './types.js';

/** A field label as Candid text shows it: its name when known (quoted if not an identifier), else its numeric id. */
export function labelFor(id: number, names: FieldNames): string {
  return labelText({ id, name: names.get(id) });
}

/** `blob "ab\00\ff"`: printable ASCII as is, every other byte as a two-digit escape. */
export function blobText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    text += printable ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return `blob "${text}"`;
}
