import { basename, join } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../shared/limits.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { Snapshot } from '../../model/snapshot.js';
import { dirNode, fixedChildren, type TreeNode } from '../../model/tree.js';
import type { Probe, Reader } from '../reader.js';
import { diskChildren, listDir, readableNode } from '../shared/fs-tree.js';
import { CHUNK_NAME, CHUNK_STORE, ICP_BLOBS } from './layout.js';
import { parseJson } from '../shared/json.js';
import { readTextFile } from '../shared/text-file.js';
import { describeLeftover, isLeftoverName } from './leftovers.js';
import { stableMemoryNode, wasmMemoryNode } from './memories.js';
import { parseIcpMetadata, type MetadataShape } from './metadata.js';
import { readModule } from './module-tree.js';
import { verifyIcp } from './checks.js';
import { icpLimits } from './limits.js';
import { detectJuno, openJuno } from './juno.js';
import { pushAll } from '../../model/arrays.js';

export { wasmModuleReader } from './wasm-module-reader.js';

const BLOB_FILES: string[] = [...ICP_BLOBS.map((blob) => blob.file), CHUNK_STORE];

export const icpSnapshotReader: Reader = {
  id: 'icp-snapshot',
  limits: icpLimits,
  label: 'ICP canister snapshot folder (icp-cli, dfx, Juno)',
  async detect(probe: Probe): Promise<string | null> {
    if (!probe.isDirectory || !probe.entries.includes('metadata.json')) return null;
    const text = await probe.readSmallFile('metadata.json');
    if (text !== null && text.includes('"wasm_module_size"') && text.includes('"wasm_chunk_store"')) return 'standard';
    if (detectJuno(probe, text)) return 'juno';
    // Damaged metadata must still open as ICP so that verify can say what is wrong with it.
    return BLOB_FILES.some((name) => probe.entries.includes(name)) ? 'standard' : null;
  },
  open(probe: Probe, variant: string | null): Promise<Snapshot> {
    return variant === 'juno' ? openJuno(probe.path) : openStandard(probe.path);
  },
};

async function openStandard(dir: string): Promise<Snapshot> {
  const diagnostics: Diagnostic[] = [];
  const { record, shape } = await readMetadata(dir, diagnostics);
  const entries = await listDir(dir, diagnostics, '');
  const names = entries.map((entry) => entry.name);
  const readable: { entry: (typeof entries)[number]; node: TreeNode }[] = [];
  for (const entry of entries) {
    const node = await readableNode(entry, diagnostics, entry.name);
    if (node) readable.push({ entry, node });
  }
  // The module goes first: its Candid interface names the fields of values stored in stable memory.
  const moduleFile = readable.find(({ entry, node }) => entry.name === 'wasm_module.bin' && node.kind === 'file')?.node
    .content;
  const view = moduleFile ? await readModule(moduleFile) : undefined;
  if (view) pushAll(diagnostics, view.diagnostics);
  const children: TreeNode[] = [];
  for (const { entry, node } of readable) {
    const name = entry.name;
    if (name === 'wasm_module.bin' && view) {
      node.note = 'canister wasm module';
      // Methods and the Candid text have their own child nodes; the rest describes the file.
      const {
        methods: _methods,
        candid_service: _service,
        candid: _candid,
        motoko_stable_types: _stable,
        ...fileFacts
      } = view.summary;
      node.attrs = fileFacts;
      node.children = fixedChildren(view.children);
      children.push(node);
    } else if (name === 'wasm_memory.bin' && node.kind === 'file') {
      children.push(await wasmMemoryNode(node));
    } else if (name === 'stable_memory.bin' && node.kind === 'file') {
      children.push(await stableMemoryNode(node, diagnostics, view?.fieldNames ?? new Map()));
    } else if (name === CHUNK_STORE && node.kind === 'dir') {
      children.push(await chunkStoreNode(entry.path, node, diagnostics));
    } else if (isLeftoverName(name) && node.kind === 'file') {
      const leftover = await describeLeftover(name, () => readTextFile(entry.path, limits.leftoverBytes), record);
      pushAll(diagnostics, leftover.diagnostics);
      children.push({ ...node, note: leftover.note, flags: leftover.flags, attrs: leftover.attrs });
    } else {
      if (name !== 'metadata.json') diagnostics.push(unexpectedEntry(name, node));
      children.push(
        name === 'metadata.json' ? { ...node, note: 'snapshot metadata (management canister reply)' } : node,
      );
    }
  }
  reportAbsentBlobs(names, record, diagnostics);
  const metadata: MetaRecord = { producer: guessProducer(names, shape, record), ...record };
  if (view) metadata.module = view.summary;
  const snapshot: Snapshot = {
    format: 'icp-snapshot',
    variant: shape === 'old-dfx' ? 'dfx-0.29' : 'standard',
    title: basename(dir),
    metadata,
    root: dirNode('', children),
    children: [],
    diagnostics,
    verify: (context) => verifyIcp(snapshot, context),
  };
  return snapshot;
}

async function readMetadata(
  dir: string,
  diagnostics: Diagnostic[],
): Promise<{ record: MetaRecord; shape: MetadataShape }> {
  const text = await readTextFile(join(dir, 'metadata.json'), limits.metadataBytes);
  if (text === null) {
    diagnostics.push(
      diagnostic(
        'error',
        'ICP_METADATA_MALFORMED',
        `metadata.json is missing, unreadable or larger than ${limits.metadataBytes} bytes`,
        'metadata.json',
      ),
    );
    return { record: {}, shape: 'current' };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    diagnostics.push(
      diagnostic(
        'error',
        'ICP_METADATA_MALFORMED',
        `metadata.json is not valid JSON (truncated?): ${parsed.error}`,
        'metadata.json',
      ),
    );
    return { record: {}, shape: 'current' };
  }
  const metadata = parseIcpMetadata(parsed.value);
  pushAll(diagnostics, metadata.diagnostics);
  return metadata;
}

async function chunkStoreNode(path: Buffer, node: TreeNode, diagnostics: Diagnostic[]): Promise<TreeNode> {
  const chunks = await diskChildren(path, diagnostics, CHUNK_STORE);
  for (const chunk of chunks) {
    chunk.note = CHUNK_NAME.test(chunk.name) ? 'wasm chunk (named by its sha256)' : 'not a chunk file name';
  }
  return { ...node, note: `wasm chunk store, ${chunks.length} files`, children: fixedChildren(chunks) };
}

function unexpectedEntry(name: string, node: TreeNode): Diagnostic {
  const what = BLOB_FILES.includes(name)
    ? `${name} is a ${node.kind}, not a ${name === CHUNK_STORE ? 'folder' : 'file'}`
    : `unexpected entry ${name}: not written by icp-cli or dfx`;
  return diagnostic(
    BLOB_FILES.includes(name) ? 'error' : 'info',
    BLOB_FILES.includes(name) ? 'ICP_BLOB_NOT_FILE' : 'ICP_UNEXPECTED_ENTRY',
    what,
    name,
  );
}

function reportAbsentBlobs(names: string[], record: MetaRecord, diagnostics: Diagnostic[]): void {
  for (const blob of ICP_BLOBS) {
    if (names.includes(blob.file) || record[blob.sizeField] !== 0n) continue;
    diagnostics.push(diagnostic('info', 'ICP_BLOB_ABSENT_EMPTY', `${blob.file} absent, size 0: normal`, blob.file));
  }
}

/** The CLIs write identical metadata; only their leftovers and empty-blob habits tell them apart. */
function guessProducer(names: string[], shape: MetadataShape, record: MetaRecord): string {
  if (shape === 'old-dfx') return 'dfx 0.29';
  if (names.some((name) => name.startsWith('.lock') || name.includes('_progress.json'))) return 'icp-cli';
  if (names.includes('.snapshot_write_test') || names.some((name) => /^[0-9a-f]+\.json$/.test(name))) return 'dfx';
  if (!names.includes('stable_memory.bin') && record.stable_memory_size === 0n) return 'dfx';
  if (!names.includes('wasm_memory.bin') && record.wasm_memory_size === 0n) return 'icp-cli';
  return 'icp-cli or dfx';
}
