/**
 * Splits a path inside a snapshot into segments as extraction would: no leading `/` or `./`, empty and `.`
 * segments vanish and `..` climbs, but never above the root. `escaped` says whether the path tried to leave
 * it (absolute, or climbing past the root), so readers can report what the name claimed.
 */
export function normalisePath(path: string): { segments: string[]; escaped: boolean } {
  const segments: string[] = [];
  let escaped = path.startsWith('/');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (segments.length === 0) escaped = true;
      segments.pop();
    } else {
      segments.push(part);
    }
  }
  return { segments, escaped };
}

/** The segments of a path inside a snapshot; whatever a name says, the result stays inside it. */
export function splitPath(path: string): string[] {
  return normalisePath(path).segments;
}

export function joinPath(segments: readonly string[]): string {
  return segments.join('/');
}

/** The path of the folder holding `path`: everything before its last `/`, or `''` for a top-level name. */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * A copy of `items` ordered by name in byte order (UTF-8), the order tar listings, zips and folders on disk
 * use everywhere in the tree; each name is encoded once, not on every comparison.
 */
export function sortByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  const keyed = items.map((item) => ({ item, key: Buffer.from(item.name) }));
  return keyed.sort((a, b) => Buffer.compare(a.key, b.key)).map(({ item }) => item);
}
