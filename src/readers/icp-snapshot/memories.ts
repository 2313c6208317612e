import type { Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import { pageCount } from '../../model/memory.js';
import type { Source } from '../../model/source.js';
import { fixedChildren, lazyFolder, type TreeNode } from '../../model/tree.js';
import type { FieldNames } from './candid/didl-decoder.js';
import { eopRoots, regionNodes } from './motoko.js';
import type { EntryContext } from './stable/entry-pages.js';
import { candidBlobEntries, structureEntries } from './stable/structure-entries.js';
import {
  detectMotokoEop,
  detectMotokoRegions,
  detectStructure,
  readMemoryManager,
  WASM_PAGE,
  type StructureInfo,
  type VirtualMemory,
} from './stable-structures.js';
import { pushAll } from '../../model/arrays.js';

/** Turns a blob file node into a memory node and decodes what the memory is known to hold. */
export async function wasmMemoryNode(file: TreeNode): Promise<TreeNode> {
  const node = asMemory(file);
  const eop = file.content ? await detectMotokoEop(file.content) : null;
  if (eop) {
    node.attrs.persistence = `Motoko enhanced orthogonal persistence, version ${eop.version}`;
    if (file.content) Object.assign(node.attrs, await eopRoots(file.content));
    node.note = 'Motoko heap with stable variables (enhanced orthogonal persistence)';
  }
  return node;
}

/**
 * Stable memory with what it holds: the MemoryManager's virtual memories and the structures in them,
 * each listing its entries lazily, or Motoko regions. `names` label stored Candid fields.
 */
export async function stableMemoryNode(
  file: TreeNode,
  diagnostics: Diagnostic[],
  names: FieldNames = new Map(),
): Promise<TreeNode> {
  const node = asMemory(file);
  const source = file.content;
  if (!source) return node;
  const manager = await readMemoryManager(source);
  if (manager) {
    pushAll(
      diagnostics,
      manager.diagnostics.map((d) => ({ ...d, path: d.path ?? file.name })),
    );
    Object.assign(node.attrs, {
      layout: 'ic-stable-structures MemoryManager',
      layout_version: manager.version,
      allocated_buckets: manager.allocatedBuckets,
      bucket_size_pages: manager.bucketSizePages,
      virtual_memories: manager.memories.length,
    });
    node.note = `MemoryManager with ${manager.memories.length} virtual memories`;
    const found = await Promise.all(
      manager.memories.map(async (memory) => ({ memory, structure: await detectStructure(memory.source) })),
    );
    const logs = pairLogs(found);
    const children = await Promise.all(
      found.map(({ memory, structure }) => {
        const path = `${file.name}/memory ${memory.id}`;
        return virtualMemoryNode(memory, structure, { names, diagnostics, path }, logs.get(memory.id));
      }),
    );
    node.children = fixedChildren(children);
    return node;
  }
  const structure = await detectStructure(source);
  const context = { names, diagnostics, path: file.name };
  if (structure) describeStructure(node, structure, source, context);
  else await describeCandidBlob(node, source, context);
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
    node.children = fixedChildren(await regionNodes(source, regions));
  }
  return node;
}

function asMemory(file: TreeNode): TreeNode {
  return {
    ...file,
    kind: 'memory',
    pageSize: WASM_PAGE,
    attrs: { ...file.attrs, pages: pageCount(file.size, WASM_PAGE) },
  };
}

interface FoundStructure {
  memory: VirtualMemory;
  structure: StructureInfo | null;
}

/**
 * A Log keeps its index and its data in two memories and neither names the other; each index is
 * paired with the next unpaired data memory by id (`Log::new(index, data)` usually takes neighbours).
 */
function pairLogs(found: FoundStructure[]): Map<number, { id: number; source: Source }> {
  const pairs = new Map<number, { id: number; source: Source }>();
  const data = found.filter(({ structure }) => structure?.kind === 'LogData').map(({ memory }) => memory);
  for (const { memory } of found.filter(({ structure }) => structure?.kind === 'LogIndex')) {
    const partner = data.find((candidate) => candidate.id > memory.id) ?? data[0];
    if (!partner) continue;
    data.splice(data.indexOf(partner), 1);
    pairs.set(memory.id, { id: partner.id, source: partner.source });
  }
  return pairs;
}

async function virtualMemoryNode(
  memory: VirtualMemory,
  structure: StructureInfo | null,
  context: EntryContext,
  logData?: { id: number; source: Source },
): Promise<TreeNode> {
  const node: TreeNode = {
    name: `memory ${memory.id}`,
    kind: 'memory',
    size: memory.source.size,
    pageSize: WASM_PAGE,
    content: memory.source,
    attrs: { id: memory.id, size_pages: memory.sizePages, buckets: compactList(memory.buckets) },
    note: 'virtual memory (empty or unrecognised content)',
  };
  if (structure) describeStructure(node, structure, memory.source, context, logData);
  else await describeCandidBlob(node, memory.source, context);
  return node;
}

async function describeCandidBlob(node: TreeNode, source: Source, context: EntryContext): Promise<void> {
  const entries = await candidBlobEntries(source, context);
  if (!entries) return;
  node.note = 'Candid value written without a structure';
  lazyFolder(node, entries);
}

function describeStructure(
  node: TreeNode,
  structure: StructureInfo,
  source: Source,
  context: EntryContext,
  logData?: { id: number; source: Source },
): void {
  pushAll(
    context.diagnostics,
    structure.diagnostics.map((d) => ({ ...d, path: d.path ?? context.path })),
  );
  node.note = `${structure.kind} (magic ${structure.magic}, version ${structure.version})`;
  const header: MetaRecord = { structure: structure.kind, ...structure.header };
  if (logData) header.log_data_memory = logData.id;
  Object.assign(node.attrs, header);
  const entries = structureEntries(structure, source, context, logData?.source);
  if (entries) lazyFolder(node, entries);
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
    if (start !== undefined && previous !== undefined)
      parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = value;
    previous = value;
  }
  return parts.join(', ');
}
