/** Tokens of Candid's `.did` text: identifiers and keywords, quoted names, numbers, punctuation. */
export interface Token {
  kind: 'word' | 'text' | 'number' | 'symbol';
  value: string;
  offset: number;
}

export class DidSyntaxError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'DidSyntaxError';
  }
}

const SYMBOLS = ['->', '{', '}', '(', ')', ';', ':', ',', '='];
const WORD = /[A-Za-z0-9_]/;

/** Splits the text into tokens, dropping line comments and nested block comments. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] ?? '';
    if (/\s/.test(char)) at++;
    else if (text.startsWith('//', at)) at = lineEnd(text, at);
    else if (text.startsWith('/*', at)) at = blockCommentEnd(text, at);
    else if (char === '"') at = quoted(text, at, tokens);
    else if (WORD.test(char)) at = word(text, at, tokens);
    else {
      const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, at));
      if (symbol === undefined) throw new DidSyntaxError(`unexpected character ${JSON.stringify(char)}`, at);
      tokens.push({ kind: 'symbol', value: symbol, offset: at });
      at += symbol.length;
    }
  }
  return tokens;
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end === -1 ? text.length : end + 1;
}

function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let at = start;
  while (at < text.length) {
    if (text.startsWith('/*', at)) {
      depth++;
      at += 2;
    } else if (text.startsWith('*/', at)) {
      depth--;
      at += 2;
      if (depth === 0) return at;
    } else at++;
  }
  throw new DidSyntaxError('unterminated comment', start);
}

function quoted(text: string, start: number, tokens: Token[]): number {
  let at = start + 1;
  let value = '';
  while (at < text.length && text[at] !== '"') {
    if (text[at] === '\\') {
      const escaped = text[at + 1] ?? '';
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
      at += 2;
    } else value += text[at++];
  }
  if (at >= text.length) throw new DidSyntaxError('unterminated string', start);
  tokens.push({ kind: 'text', value, offset: start });
  return at + 1;
}

function word(text: string, start: number, tokens: Token[]): number {
  let at = start;
  while (at < text.length && WORD.test(text[at] ?? '')) at++;
  const value = text.slice(start, at);
  tokens.push({ kind: /^[0-9]/.test(value) ? 'number' : 'word', value, offset: start });
  return at;
}
