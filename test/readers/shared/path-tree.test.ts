import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { walk, type TreeNode } from '../../../src/model/tree.js';
import { PathTreeBuilder } from '../../../src/readers/shared/path-tree.js';

const RULES = { notADirectory: 'T_NOT_A_DIRECTORY', duplicate: 'T_DUPLICATE' };
const folder = (name: string, mode?: number): TreeNode => ({ name, kind: 'dir', size: 0, attrs: {}, mode });
const file = (name: string, size = 1): TreeNode => ({ name, kind: 'file', size, attrs: {} });

async function listing(root: TreeNode): Promise<string[]> {
  const lines: string[] = ['dir '];
  for await (const { segments, node } of walk(root))
    lines.push(`${node.kind} ${segments.join('/')}${node.mode ? ` ${node.mode}` : ''}`);
  return lines;
}

function build(members: [string, TreeNode][], rules: Partial<typeof RULES> & { where?: string } = {}) {
  const diagnostics: Diagnostic[] = [];
  const builder = new PathTreeBuilder(folder(''), { ...RULES, ...rules }, diagnostics);
  for (const [path, node] of members) builder.place(path.split('/'), node);
  return { ...builder.build(), codes: diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`) };
}

describe('a tree assembled from paths', () => {
  it('makes missing parents folders and lists siblings in byte order', async () => {
    const tree = build([
      ['b/z', file('z')],
      ['b/é', file('é')],
      ['b/Z', file('Z')],
      ['a', file('a')],
    ]);
    expect(await listing(tree.root)).toEqual(['dir ', 'file a', 'dir b', 'file b/Z', 'file b/z', 'file b/é']);
    expect([...tree.byPath.keys()]).toEqual(['', 'a', 'b', 'b/Z', 'b/z', 'b/é']);
    expect(tree.codes).toEqual([]);
  });

  it('keeps the children of a folder listed twice and takes its later attributes', async () => {
    const tree = build([
      ['d', folder('d', 0o700)],
      ['d/x', file('x')],
      ['d', folder('d', 0o755)],
    ]);
    expect(await listing(tree.root)).toEqual(['dir ', `dir d ${0o755}`, 'file d/x']);
    expect(tree.codes).toEqual([]);
  });

  it('lets a later file replace a folder and its whole subtree, as extraction does', async () => {
    const tree = build(
      [
        ['d/x', file('x')],
        ['d/y/z', file('z')],
        ['d', file('d', 5)],
        ['d/w', file('w')],
      ],
      { where: 'outer.zip/' },
    );
    expect(await listing(tree.root)).toEqual(['dir ', 'dir d', 'file d/w']);
    expect(tree.codes).toEqual([
      'T_DUPLICATE outer.zip/d: outer.zip/d appears more than once; the later member wins, as on extraction',
      'T_NOT_A_DIRECTORY outer.zip/d: outer.zip/d is a file but later members sit below it; it is shown as a directory',
    ]);
  });

  it('lets any node hold parts when the format says so', async () => {
    const diagnostics: Diagnostic[] = [];
    const builder = new PathTreeBuilder(folder(''), { ...RULES, holdsChildren: () => true }, diagnostics);
    builder.place(['m.wasm'], file('m.wasm'));
    builder.place(['m.wasm', 'exports'], file('exports'));
    const { root } = builder.build();
    expect(await listing(root)).toEqual(['dir ', 'file m.wasm', 'file m.wasm/exports']);
    expect(diagnostics).toEqual([]);
  });
});
