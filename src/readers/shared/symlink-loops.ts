import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { joinPath, parentPath, splitPath } from '../../model/paths.js';
import { walk, type TreeNode } from '../../model/tree.js';

/** Longer chains than this are not loops anyone made by accident; the kernel gives up at 40. */
const MAX_HOPS = 40;

/** Where a symlink at `path` points, inside the snapshot: absolute targets start at its root. */
function resolveTarget(path: string, target: string): string {
  const parent = parentPath(path);
  return joinPath(splitPath(target.startsWith('/') ? target : `${parent}/${target}`));
}

/**
 * Symlinks whose chain of targets comes back to where it started (`a -> b -> a`, `loop -> loop`).
 * snapinspect never follows links, so a loop is harmless here; it is reported because extracting
 * or running the snapshot would trip over it. Each loop is reported once.
 */
export function symlinkLoops(byPath: ReadonlyMap<string, TreeNode>, code = 'TAR_SYMLINK_LOOP'): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const tooLong: string[] = [];
  for (const [path, node] of byPath) {
    if (node.kind !== 'symlink' || reported.has(path)) continue;
    const chain = [path];
    for (let current = node; current.linkTarget !== undefined && chain.length <= MAX_HOPS;) {
      const next = resolveTarget(chain[chain.length - 1] ?? '', current.linkTarget);
      if (next === path) {
        chain.forEach((member) => reported.add(member));
        diagnostics.push(diagnostic('warning', code, `symlink loop: ${[...chain, path].join(' -> ')}`, path));
        break;
      }
      const nextNode = byPath.get(next);
      if (nextNode?.kind !== 'symlink' || chain.includes(next)) break;
      chain.push(next);
      current = nextNode;
    }
    if (chain.length > MAX_HOPS && !reported.has(path)) tooLong.push(path);
  }
  // A ring or chain of thousands is one finding, not one per link.
  const first = tooLong[0];
  if (first !== undefined) {
    const message = `${tooLong.length} symlink${tooLong.length === 1 ? ' starts a chain' : 's start chains'} longer than ${MAX_HOPS} links, where the kernel gives up (ELOOP), e.g. ${first}`;
    diagnostics.push(diagnostic('warning', code, message, first));
  }
  return diagnostics;
}

/** The same for a tree known only by its root (a merged image). */
export async function symlinkLoopsIn(root: TreeNode): Promise<Diagnostic[]> {
  const byPath = new Map<string, TreeNode>();
  for await (const { node, segments } of walk(root)) byPath.set(joinPath(segments), node);
  return symlinkLoops(byPath);
}
