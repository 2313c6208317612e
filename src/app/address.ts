import { existsSync } from 'node:fs';

/** `PATH[#SELECTOR][:INNER]` split against what exists on disk (paths may contain `#` or `:`). */
export interface Address {
  path: string;
  /** Everything after `#`: a child selector, possibly followed by `:INNER` (selectors may contain `:`). */
  fragment?: string;
  /** The inner path when no `#` was given. */
  inner?: string;
}

export function parseAddress(text: string, exists: (path: string) => boolean = existsSync): Address {
  if (exists(text)) return { path: text };
  for (let i = text.length - 1; i > 0; i--) {
    const separator = text[i];
    if (separator !== '#' && separator !== ':') continue;
    const path = text.slice(0, i);
    if (!exists(path)) continue;
    const rest = text.slice(i + 1);
    return separator === '#' ? { path, fragment: rest } : { path, inner: rest };
  }
  return { path: text };
}
