/**
 * What a terminal must never receive from snapinspect, whatever the input: raw control characters
 * (C0 other than newline and tab, a carriage return anywhere, DEL, C1 as UTF-8), bidi overrides and
 * isolates, bytes that are not UTF-8 (a raw C1 byte such as 0x9b is CSI on 8-bit terminals), and
 * planted secret values.
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const RAW_CONTROLS: [RegExp, string][] = [
  [/[\u0000-\u0008\u000b-\u001f]/u, 'C0 control'],
  [/\u007f/u, 'DEL'],
  [/[\u0080-\u009f]/u, 'C1 control'],
  [/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u, 'bidi or isolate character'],
];

/** The first few raw characters of one kind, as code points, with what surrounds the first. */
function describe(text: string, pattern: RegExp, what: string): string | undefined {
  const found = pattern.exec(text);
  if (!found) return undefined;
  const code = found[0].codePointAt(0) ?? 0;
  const around = JSON.stringify(text.slice(Math.max(0, found.index - 30), found.index + 30));
  return `raw ${what} U+${code.toString(16).padStart(4, '0')} near ${around}`;
}

/** Problems with one stream's bytes as a terminal would receive them. */
export function rawByteProblems(bytes: Uint8Array): string[] {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return ['bytes that are not UTF-8'];
  }
  return RAW_CONTROLS.flatMap(([pattern, what]) => describe(text, pattern, what) ?? []);
}

/** The planted values that appear in `text`. */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}
