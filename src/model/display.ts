const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/g;

/**
 * Makes a name, link target or metadata string safe to print on a terminal: control characters,
 * escape sequences, C1 codes and bidi overrides become visible escapes such as `\x1b`.
 */
export function escapeForDisplay(text: string): string {
  return text.replace(unsafe, (char) => {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\ufffd') return '\\ufffd';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A literal backslash that would read as a `\xNN` escape. */
const LOOKS_ESCAPED = /\\(?=x[0-9a-fA-F]{2})/g;

/**
 * Decodes raw name bytes; invalid UTF-8 keeps every byte visible as `\xNN` instead of guessing. Two
 * different byte strings never decode to one name (the name is also the address): a literal backslash
 * that would read as such an escape is written `\x5c`, and in an invalid name every backslash is.
 */
export function decodeName(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes).replace(LOOKS_ESCAPED, '\\x5c');
  } catch {
    return Array.from(bytes, (byte) =>
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`,
    ).join('');
  }
}
