/**
 * Splits a path inside a snapshot into segments. `.` and empty segments vanish and `..` climbs,
 * but never above the root: whatever a name says, the result stays inside the snapshot.
 */
export function splitPath(path: string): string[] {
  const segments: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  return segments;
}

export function joinPath(segments: readonly string[]): string {
  return segments.join('/');
}

/** The path of the folder holding `path`: everything before its last `/`, or `''` for a top-level name. */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
