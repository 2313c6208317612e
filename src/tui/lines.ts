/** A piece of a screen line with its style; colours are dropped under NO_COLOR. */
export interface Segment {
  text: string;
  color?: string;
  inverse?: boolean;
  bold?: boolean;
}

export type Line = Segment[];

export const plain = (text: string): Line => [{ text }];

/**
 * Cuts or pads a line to exactly `width` cells, so panes line up and never wrap; the padding takes
 * `padStyle`, so an inverse selection bar runs on unbroken.
 */
export function fit(line: Line, width: number, padStyle: Omit<Segment, 'text'> = {}): Line {
  const out: Line = [];
  let used = 0;
  for (const segment of line) {
    if (used >= width) break;
    const text = segment.text.slice(0, width - used);
    out.push({ ...segment, text });
    used += text.length;
  }
  if (used < width) out.push({ text: ' '.repeat(width - used), ...padStyle });
  return out;
}

export function lineText(line: Line): string {
  return line.map((segment) => segment.text).join('');
}

/**
 * Splits `text` so that each case-insensitive occurrence of `needle` is its own highlighted segment,
 * between `«` and `»` so that a match shows without colour too (NO_COLOR, monochrome terminals).
 */
export function highlight(text: string, needle: string | undefined, style: Omit<Segment, 'text'>): Line {
  if (!needle) return [{ text, ...style }];
  const lower = text.toLowerCase();
  const out: Line = [];
  let at = 0;
  for (let found = lower.indexOf(needle); found >= 0; found = lower.indexOf(needle, found + needle.length)) {
    out.push({ text: `${text.slice(at, found)}«`, ...style });
    out.push({ text: text.slice(found, found + needle.length), ...style, color: 'magenta', inverse: true });
    out.push({ text: '»', ...style });
    at = found + needle.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), ...style });
  return out;
}

/** Joins neighbouring segments of one style, so a row is a few Text nodes rather than one per piece. */
export function merged(line: Line): Line {
  const out: Line = [];
  for (const segment of line) {
    const last = out[out.length - 1];
    if (last && last.color === segment.color && last.inverse === segment.inverse && last.bold === segment.bold)
      out[out.length - 1] = { ...last, text: last.text + segment.text };
    else out.push(segment);
  }
  return out;
}

/**
 * Wraps lines longer than `width`, at a space when there is one in the second half of the line.
 * Continuation lines start under the value of a `label: value` line, otherwise two cells past the
 * line's own indent, so nesting stays readable.
 */
export function wrapLines(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length <= width || width < 8) {
      out.push(line);
      continue;
    }
    const label = /^ *[^ ]+: +/.exec(line)?.[0].length;
    const indent = ' '.repeat(Math.min(label ?? (/^ */.exec(line)?.[0].length ?? 0) + 2, Math.floor(width / 2)));
    let rest = line;
    let first = true;
    while (rest.length > 0) {
      const room = first ? width : width - indent.length;
      const piece = rest.length <= room ? rest : cut(rest, room);
      out.push(first ? piece : indent + piece);
      rest = rest.slice(piece.length).replace(/^ +/, '');
      first = false;
    }
  }
  return out;
}

function cut(text: string, room: number): string {
  const space = text.lastIndexOf(' ', room);
  return space > room / 2 ? text.slice(0, space) : text.slice(0, room);
}
