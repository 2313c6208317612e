/** Help, overview and man page text fit an 80-column terminal. */
export const HELP_WIDTH = 80;

/**
 * `text` broken at spaces into lines of at most `width` columns: the first starts with `first`,
 * the others with `indent` spaces (a single word longer than the room left stays whole).
 */
export function wrap(text: string, first: string, indent: number, width = HELP_WIDTH): string[] {
  return wrapWords(text.split(/ +/).filter(Boolean), first, indent, width);
}

/** A usage line's words: `[--exclude GLOB]` stays one, so a line never breaks inside brackets. */
export function usageWords(usage: string): string[] {
  const words: string[] = [];
  let word = '';
  let depth = 0;
  for (const char of usage) {
    if (char === ' ' && depth === 0) {
      if (word) words.push(word);
      word = '';
      continue;
    }
    if (char === '[') depth++;
    if (char === ']') depth = Math.max(0, depth - 1);
    word += char;
  }
  if (word) words.push(word);
  return words;
}

/** `words` joined by spaces into lines as `wrap` makes them. */
export function wrapWords(words: readonly string[], first: string, indent: number, width = HELP_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
