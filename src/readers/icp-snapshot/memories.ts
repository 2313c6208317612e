import type { Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import { pageCount } from '../../model/memory.js';
import type { Source } from '../../model/source.js';
import { fixedChildren, type TreeNode } from '../../model/tree.js';
import { detectMotokoEop, detectMotokoRegions, detectStructure, readMemoryManager, type StructureInfo } from './stable-structures.js';

/** The IC's memory page; wasm memory and stable memory are compared and shown in these units. */
export const WASM_PAGE = 65536;

/** Turns a blob file node into a memory node and decodes what the memory is known to hold. */
export async function wasmMemoryNode(file: TreeNode): Promise<TreeNode> {
  const node = asMemory(file);
  const eop = file.content ? await detectMotokoEop(file.content) : null;
  if (eop) {
    node.attrs.persistence = `Motoko enhanced orthogonal persistence, version ${eop.version}`;
    node.note = 'Motoko heap with stable variables (enhanced orthogonal persistence)';
  }
  return node;
}

export async function stableMemoryNode(file: TreeNode, diagnostics: Diagnostic[]): Promise<TreeNode> {
  const node = asMemory(file);
  const source = file.content;
  if (!source) return node;
  const manager = await readMemoryManager(source);
  if (manager) {
    diagnostics.push(...manager.diagnostics.map((d) => ({ ...d, path: d.path ?? 'stable_memory.bin' })));
    Object.assign(node.attrs, {
      layout: 'ic-stable-structures MemoryManager',
      layout_version: manager.version,
      allocated_buckets: manager.allocatedBuckets,
      bucket_size_pages: manager.bucketSizePages,
      virtual_memories: manager.memories.length,
    });
    node.note = `MemoryManager with ${manager.memories.length} virtual memories`;
    const children = await Promise.all(
      manager.memories.map((memory) => virtualMemoryNode(memory.id, memory.sizePages, memory.buckets, memory.source, diagnostics)),
    );
    node.children = fixedChildren(children);
    return node;
  }
  const structure = await detectStructure(source);
  if (structure) describeStructure(node, structure, 'stable_memory.bin', diagnostics);
  const regions = await detectMotokoRegions(source);
  if (regions) {
    Object.assign(node.attrs, {
      layout: 'Motoko regions',
      regions_version: regions.version,
      block_pages: regions.blockPages,
      block_base: regions.blockBase,
      allocated_blocks: regions.totalAllocatedBlocks,
      allocated_regions: regions.totalAllocatedRegions,
    });
    node.note = 'Motoko stable regions';
  }
  return node;
}

function asMemory(file: TreeNode): TreeNode {
  return { ...file, kind: 'memory', pageSize: WASM_PAGE, attrs: { ...file.attrs, pages: pageCount(file.size, WASM_PAGE) } };
}

async function virtualMemoryNode(id: number, sizePages: bigint, buckets: number[], source: Source, diagnostics: Diagnostic[]): Promise<TreeNode> {
  const node: TreeNode = {
    name: `memory ${id}`,
    kind: 'memory',
    size: source.size,
    pageSize: WASM_PAGE,
    content: source,
    attrs: { id, size_pages: sizePages, buckets: compactList(buckets) },
    note: 'virtual memory (empty or unrecognised content)',
  };
  const structure = await detectStructure(source);
  if (structure) describeStructure(node, structure, `stable_memory.bin/${node.name}`, diagnostics);
  return node;
}

function describeStructure(node: TreeNode, structure: StructureInfo, path: string, diagnostics: Diagnostic[]): void {
  diagnostics.push(...structure.diagnostics.map((d) => ({ ...d, path: d.path ?? path })));
  node.note = `${structure.kind} (magic ${structure.magic}, version ${structure.version})`;
  const header: MetaRecord = { structure: structure.kind, ...structure.header };
  Object.assign(node.attrs, header);
}

/** `[6, 7, 8, 9, 14]` → `"6-9, 14"`: bucket lists can run to thousands of entries. */
export function compactList(values: readonly number[]): string {
  const parts: string[] = [];
  let start = values[0];
  let previous = start;
  for (const value of [...values.slice(1), undefined]) {
    if (value !== undefined && previous !== undefined && value === previous + 1) {
      previous = value;
      continue;
    }
    if (start !== undefined && previous !== undefined) parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = value;
    previous = value;
  }
  return parts.join(', ');
}
