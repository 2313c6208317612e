import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { BytesSource } from '../../../src/model/source.js';
import { childrenOf, lazyFolder, raisedBelow, type TreeNode } from '../../../src/model/tree.js';
import { structureEntries } from '../../../src/readers/icp-snapshot/stable/structure-entries.js';
import { detectStructure } from '../../../src/readers/icp-snapshot/stable-structures.js';
import { btreeMapImage } from '../../helpers/btree-builder.js';
import { vecImage } from '../../helpers/stable-builder.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const entries = (count: number): [Uint8Array, Uint8Array][] =>
  Array.from({ length: count }, (_, i) => [text(`k${String(i).padStart(4, '0')}`), text(`v${i}`)]);

/** Every entry node of a structure image, page folders opened, with the diagnostics the walk reported. */
async function listAll(image: Uint8Array): Promise<{ names: string[]; diagnostics: Diagnostic[] }> {
  const memory = new BytesSource(image);
  const structure = await detectStructure(memory);
  const diagnostics: Diagnostic[] = [];
  const load = structure
    ? structureEntries(structure, memory, { names: new Map(), diagnostics, path: 'm' })
    : undefined;
  const names: string[] = [];
  const visit = async (nodes: TreeNode[]): Promise<void> => {
    for (const node of nodes) {
      if (node.kind === 'dir') await visit(await childrenOf(node));
      else names.push(node.name);
    }
  };
  if (!load) return { names, diagnostics };
  const root = lazyFolder<TreeNode>({ name: 'm', kind: 'memory', size: 0, attrs: {} }, load);
  await visit(await childrenOf(root));
  return { names, diagnostics: [...diagnostics, ...(await raisedBelow(root, () => true))] };
}

function patched(image: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = image.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

describe('hostile stable structures', () => {
  const map = btreeMapImage({ v1: { maxKeySize: 8, maxValueSize: 8 }, entries: entries(30) });
  const root = Number(new DataView(map.buffer).getBigUint64(12, true));

  it('reports a root that is not a node, keeping the listing', async () => {
    const broken = patched(map, (view) => view.setUint8(root, 0x58));
    expect(await listAll(broken)).toEqual({
      names: ['(unreadable)'],
      diagnostics: [
        {
          severity: 'error',
          code: 'STABLE_UNREADABLE',
          path: 'm',
          message: `entries cannot be read: no B-tree node ("BTN") at address ${root}`,
        },
      ],
    });
  });

  it('stops a cycle of child addresses', async () => {
    const nodeSize = 7 + 11 * (8 + 8 + 8) + 12 * 8;
    expect(nodeSize).toBe(367);
    const keys = new DataView(map.buffer).getUint16(root + 5, true);
    const looped = patched(map, (view) => view.setBigUint64(root + 7 + keys * 24, BigInt(root), true));
    const { diagnostics } = await listAll(looped);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'entries cannot be read: the tree is deeper than 64 levels (a cycle of child addresses?)',
    ]);
  });

  it('survives a header that claims billions of entries and a Vec whose slots run past the memory', async () => {
    const claims = patched(map, (view) => view.setBigUint64(20, 1n << 60n, true));
    const { names, diagnostics } = await listAll(claims);
    expect(names.slice(0, 30)).toEqual(entries(30).map(([key]) => new TextDecoder().decode(key)));
    expect(diagnostics.map((d) => d.code)).toEqual(['STABLE_TOO_MANY_ENTRIES']);
    const vec = patched(vecImage('SVC', [text('a'), text('b')], 10, false), (view) =>
      view.setBigUint64(4, 1n << 40n, true),
    );
    expect((await listAll(vec)).names).toEqual(['0', '1']);
  });

  it('never throws on random bytes in the node area', async () => {
    const v2 = btreeMapImage({ v2: { pageSize: 128 }, entries: entries(60) });
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const image of [map, v2]) {
      for (let round = 0; round < 150; round++) {
        const garbled = image.slice();
        for (let i = 0; i < 8; i++) garbled[100 + (next() % (garbled.length - 100))] = next() & 0xff;
        await expect(listAll(garbled)).resolves.toBeDefined();
      }
    }
  });
});

describe('hostile V2 overflow chains', () => {
  it('refuses a page size the header inflates past the node limit, instead of allocating it', async () => {
    const image = btreeMapImage({ v2: { pageSize: 128 }, entries: entries(3) });
    const huge = patched(image, (view) => view.setBigUint64(60, 1n << 40n, true));
    expect(await listAll(huge)).toEqual({
      names: ['(unreadable)'],
      diagnostics: [
        {
          severity: 'error',
          code: 'STABLE_UNREADABLE',
          path: 'm',
          message: 'entries cannot be read: V2 page size 1099511627776 is over the stableNodeBytes limit of 16777216',
        },
      ],
    });
  });

  it('stops an overflow page that links back to itself', async () => {
    const value = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const image = btreeMapImage({ v2: { pageSize: 128 }, entries: [[text('k'), value]] });
    const root = Number(new DataView(image.buffer).getBigUint64(12, true));
    const overflow = Number(new DataView(image.buffer).getBigUint64(root + 7, true));
    const looped = patched(image, (view) => view.setBigUint64(overflow + 3, BigInt(overflow), true));
    const { names, diagnostics } = await listAll(looped);
    expect(names).toEqual(['(unreadable)']);
    expect(diagnostics.map((d) => d.message)).toEqual([
      `entries cannot be read: the overflow pages of node ${root} loop back to address ${overflow}`,
    ]);
  });
});
