/** `*` matches within one path segment, `**` across segments, `?` one character; a pattern without `/` matches any segment's name. */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const expressions = patterns.map(toRegExp);
  return (path) => expressions.some((expression) => expression.test(path));
}

function toRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*' && pattern[i + 2] === '/') {
      // `**/` is zero or more folders, as in git and rsync: `**/*.log` matches a top-level `a.log` too.
      source += '(?:.*/)?';
      i += 2;
    } else if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  const anchored = pattern.includes('/') ? `^${source.replace(/^\//, '')}(?:/.*)?$` : `(?:^|/)${source}(?:/.*)?$`;
  return new RegExp(anchored);
}
