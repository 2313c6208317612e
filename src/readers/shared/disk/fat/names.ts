/**
 * The upper half of code page 437, the OEM code page Linux vfat mounts use by default for short names.
 * Each byte maps to a distinct character, so distinct short names stay distinct.
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

export function decodeShortBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : (CP437_HIGH[byte - 0x80] ?? '?');
  return text;
}

/** A backslash that would read as one of the escapes names use (`\x2e`, `\ud800`). */
const LOOKS_ESCAPED = /\\(?=x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g;

const NT_LOWER_BASE = 0x08;
const NT_LOWER_EXTENSION = 0x10;

/**
 * The 8.3 name of a directory entry as Windows NT shows it: the case bits at byte 12 lower the base
 * or the extension (mkfs tools and mtools store `lower.txt` so, without a long name). A first byte
 * 0x05 stands for 0xE5, which otherwise marks a deleted entry.
 */
export function shortName(entry: Uint8Array): string {
  // A copy, never a view: Buffer's slice shares memory and the 0x05 fix must not edit the entry.
  const raw = new Uint8Array(entry.subarray(0, 11));
  if (raw[0] === 0x05) raw[0] = 0xe5;
  const flags = entry[12] ?? 0;
  let base = decodeShortBytes(raw.subarray(0, 8)).trimEnd();
  let extension = decodeShortBytes(raw.subarray(8, 11)).trimEnd();
  if (flags & NT_LOWER_BASE) base = base.toLowerCase();
  if (flags & NT_LOWER_EXTENSION) extension = extension.toLowerCase();
  const name = extension ? `${base}.${extension}` : base;
  return name.replace(LOOKS_ESCAPED, '\\x5c');
}

/** The 8.3 name in its stored upper case, as `mdir` prints it in its first columns. */
export function storedShortName(entry: Uint8Array): string {
  const withoutCaseBits = new Uint8Array(entry.subarray(0, 13));
  withoutCaseBits[12] = 0;
  return shortName(withoutCaseBits);
}

/** The checksum each long-name entry carries of the 11 short-name bytes it belongs to. */
export function shortNameChecksum(entry: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + (entry[i] ?? 0)) & 0xff;
  return sum;
}

/**
 * UTF-16 code units of a long name, up to the first NUL. A lone surrogate cannot become a string
 * character faithfully, so it is written `\uD800`; then every backslash is written `\x5c` so two
 * different stored names never show as one (the name is also the address), as `decodeName` does.
 */
export function decodeUtf16Name(units: readonly number[]): string {
  let text = '';
  let broken = false;
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] ?? 0;
    if (unit === 0) break;
    const next = units[i + 1] ?? 0;
    if (unit >= 0xd800 && unit < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      text += String.fromCharCode(unit, next);
      i++;
    } else if (unit >= 0xd800 && unit < 0xe000) {
      text += `\u0000${unit.toString(16).padStart(4, '0')}`;
      broken = true;
    } else text += String.fromCharCode(unit);
  }
  if (!broken) return text.replace(LOOKS_ESCAPED, '\\x5c');
  return text.replaceAll('\\', '\\x5c').replace(/\u0000([0-9a-f]{4})/g, '\\u$1');
}
