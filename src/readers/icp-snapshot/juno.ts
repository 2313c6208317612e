import { basename, join } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../shared/limits.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import type { Snapshot } from '../../model/snapshot.js';
import { dirNode, fixedChildren, type TreeNode } from '../../model/tree.js';
import type { Probe } from '../reader.js';
import { listDir, readableNode } from '../shared/fs-tree.js';
import { isJsonObject, parseJson, type JsonValue } from '../shared/json.js';
import { readTextFile } from '../shared/text-file.js';
import { stableMemoryNode, wasmMemoryNode } from './memories.js';
import { verifyJuno } from './juno-checks.js';
import { readModule } from './module-tree.js';
import { pushAll } from '../../model/arrays.js';

/** Juno names its blobs differently and keys `data` by camelCase blob name. */
export const JUNO_BLOBS = [
  { key: 'wasmModule', file: 'wasm-code.bin' },
  { key: 'wasmMemory', file: 'heap.bin' },
  { key: 'stableMemory', file: 'stable.bin' },
  { key: 'wasmChunkStore', file: 'chunks-store.bin' },
] as const;

export function detectJuno(probe: Probe, metadataText: string | null): boolean {
  if (metadataText?.includes('"snapshotId"') && metadataText.includes('"data"')) return true;
  return JUNO_BLOBS.some((blob) => probe.entries.includes(blob.file));
}

export async function openJuno(dir: string): Promise<Snapshot> {
  const diagnostics: Diagnostic[] = [];
  const metadata = await readJunoMetadata(dir, diagnostics);
  const children: TreeNode[] = [];
  for (const entry of await listDir(dir, diagnostics, '')) {
    const node = await readableNode(entry, diagnostics, entry.name);
    if (node) children.push(await junoChild(entry.name, node, metadata, diagnostics));
  }
  const snapshot: Snapshot = {
    format: 'icp-snapshot',
    variant: 'juno',
    title: basename(dir),
    metadata,
    root: dirNode('', children),
    children: [],
    diagnostics,
  };
  snapshot.verify = (context) => verifyJuno(snapshot, context);
  return snapshot;
}

async function junoChild(
  name: string,
  node: TreeNode,
  metadata: MetaRecord,
  diagnostics: Diagnostic[],
): Promise<TreeNode> {
  if (node.kind !== 'file' || !node.content) return node;
  if (name === 'wasm-code.bin') {
    const view = await readModule(node.content);
    pushAll(
      diagnostics,
      view.diagnostics.map((d) => ({ ...d, path: name })),
    );
    metadata.module = view.summary;
    return { ...node, note: 'canister wasm module', children: fixedChildren(view.children) };
  }
  if (name === 'heap.bin') return wasmMemoryNode(node);
  if (name === 'stable.bin') return stableMemoryNode(node, diagnostics);
  if (name === 'chunks-store.bin') return { ...node, note: 'all wasm chunks concatenated in metadata order' };
  return name === 'metadata.json' ? { ...node, note: 'Juno snapshot metadata' } : node;
}

async function readJunoMetadata(dir: string, diagnostics: Diagnostic[]): Promise<MetaRecord> {
  const text = await readTextFile(join(dir, 'metadata.json'), limits.metadataBytes);
  const parsed = text === null ? { ok: false as const, error: 'missing or too large' } : parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    const why = parsed.ok ? 'not a JSON object' : parsed.error;
    diagnostics.push(
      diagnostic('error', 'ICP_METADATA_MALFORMED', `Juno metadata.json is unreadable: ${why}`, 'metadata.json'),
    );
    return {};
  }
  const json = parsed.value;
  const record: MetaRecord = { snapshot_id: untag(json.snapshotId ?? null) };
  const inner = untag(json.metadata ?? null);
  if (isJsonObject(json.metadata)) Object.assign(record, inner);
  record.data = untag(json.data ?? null);
  return record;
}

/** Undoes the `@dfinity/utils` JSON replacer tags for bigint, Uint8Array and Principal. */
function untag(value: JsonValue): MetaValue {
  if (Array.isArray(value)) return value.map(untag);
  if (!isJsonObject(value)) return value;
  const big = value.__bigint__;
  if (typeof big === 'string' && /^-?\d+$/.test(big)) return BigInt(big);
  const bytes = value.__uint8array__;
  if (Array.isArray(bytes)) return Uint8Array.from(bytes, (byte) => Number(byte) & 0xff);
  const principal = value.__principal__;
  if (typeof principal === 'string') return principal;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, untag(inner)]));
}
