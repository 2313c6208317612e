// Lint step for the seams eslint's import patterns cannot express: no import cycles in src/, and a
// reader uses another reader only through its index.ts. Prints each violation; exits 1 on any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file, files) {
  const found = [];
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    const target = resolve(dirname(file), specifier).replace(/\.js$/, '');
    const resolved = [`${target}.ts`, `${target}.tsx`].find((candidate) => files.has(candidate));
    if (resolved) found.push(resolved);
  }
  return found;
}

/** `readers/<name>/...` of a file, or null for files outside a reader folder (readers/shared is shared). */
function readerOf(file) {
  const parts = relative(root, file).split('/');
  return parts[0] === 'readers' && parts.length > 2 && parts[1] !== 'shared' ? parts[1] : null;
}

const files = new Set(sourceFiles(root));
const graph = new Map([...files].map((file) => [file, importsOf(file, files)]));
const problems = [];

for (const [file, targets] of graph) {
  for (const target of targets) {
    const owner = readerOf(target);
    if (owner === null || owner === readerOf(file) || relative(root, target) === `readers/${owner}/index.ts`) continue;
    problems.push(`${relative(root, file)} imports ${relative(root, target)}: use readers/${owner}/index.ts`);
  }
}

// Iterative depth-first search; a back edge to a file still on the path closes a cycle.
const state = new Map();
for (const start of graph.keys()) {
  if (state.has(start)) continue;
  const path = [];
  const stack = [{ file: start, next: 0 }];
  state.set(start, 'open');
  path.push(start);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const targets = graph.get(top.file) ?? [];
    if (top.next >= targets.length) {
      state.set(top.file, 'done');
      stack.pop();
      path.pop();
      continue;
    }
    const target = targets[top.next++];
    if (state.get(target) === 'open') {
      const cycle = path
        .slice(path.indexOf(target))
        .concat(target)
        .map((file) => relative(root, file));
      problems.push(`import cycle: ${cycle.join(' -> ')}`);
    } else if (!state.has(target)) {
      state.set(target, 'open');
      path.push(target);
      stack.push({ file: target, next: 0 });
    }
  }
}

for (const problem of problems) console.error(problem);
process.exit(problems.length > 0 ? 1 : 0);
