import { diffLines } from 'diff';
import { escapeForDisplay } from '../model/display.js';

export const HEX_BYTES_PER_LINE = 16;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text as numbered lines, or undefined when the bytes are binary (a NUL or invalid UTF-8). */
export function numberedLines(bytes: Uint8Array): string[] | undefined {
  if (bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  const lines = text.replace(/\n$/, '').split('\n');
  const width = String(lines.length).length;
  return lines.map(
    (line, index) => `${String(index + 1).padStart(width)} │ ${escapeForDisplay(line.replace(/\t/g, '    '))}`,
  );
}

/** `hexdump -C` style lines for bytes that start at `offset`. */
export function hexLines(bytes: Uint8Array, offset: number): string[] {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += HEX_BYTES_PER_LINE) {
    const chunk = bytes.subarray(start, start + HEX_BYTES_PER_LINE);
    const hex = Array.from(chunk, (byte) => byte.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = Array.from(chunk, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push(
      `${(offset + start).toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`,
    );
  }
  return lines;
}

/** Two texts side by side, `<`/`>` marking removed and added lines, `|` lines changed in place. */
export function sideBySide(before: string, after: string, width: number): string[] {
  const half = Math.max(8, Math.floor((width - 3) / 2));
  const cell = (text: string | undefined): string =>
    escapeForDisplay((text ?? '').replace(/\t/g, '    '))
      .slice(0, half)
      .padEnd(half);
  const rows: string[] = [];
  const parts = diffLines(before, after, { timeout: 2000 }) ?? [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (!part) continue;
    const lines = part.value.replace(/\n$/, '').split('\n');
    const next = parts[index + 1];
    if (part.removed && next?.added) {
      const added = next.value.replace(/\n$/, '').split('\n');
      for (let line = 0; line < Math.max(lines.length, added.length); line++) {
        const mark = lines[line] === undefined ? '>' : added[line] === undefined ? '<' : '|';
        rows.push(`${cell(lines[line])} ${mark} ${cell(added[line])}`.trimEnd());
      }
      index++;
      continue;
    }
    for (const line of lines)
      rows.push(
        (part.removed
          ? `${cell(line)} <`
          : part.added
            ? `${cell('')} > ${cell(line)}`
            : `${cell(line)}   ${cell(line)}`
        ).trimEnd(),
      );
  }
  return rows;
}
