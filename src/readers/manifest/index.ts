import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import { Instant, type MetaRecord } from '../../model/metadata.js';
import { splitPath } from '../../model/paths.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { NodeKind, TreeNode } from '../../model/tree.js';
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Probe, Reader } from '../reader.js';
import { PathTreeBuilder } from '../shared/path-tree.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../shared/json.js';
import { checkManifest } from './checks.js';

const MARKER = 'snapinspectManifest';
/** A manifest lists the whole tree a reader made, where files (wasm modules) and memories have parts below them. */
const MANIFEST_TREE = {
  notADirectory: 'MANIFEST_NOT_A_DIRECTORY',
  duplicate: 'MANIFEST_DUPLICATE',
  holdsChildren: () => true,
};
const KINDS: NodeKind[] = [
  'dir',
  'file',
  'symlink',
  'hardlink',
  'device',
  'fifo',
  'socket',
  'memory',
  'record',
  'whiteout',
];

/** A page-hash manifest written by `snapinspect hash`: a snapshot known by digests only. */
export const manifestReader: Reader = {
  id: 'manifest',
  label: 'snapinspect page-hash manifest',
  async detect(probe: Probe): Promise<string | null> {
    if (probe.isDirectory || !new TextDecoder().decode(probe.head.subarray(0, 64)).includes(`"${MARKER}"`)) return null;
    return 'manifest';
  },
  async open(probe: Probe): Promise<Snapshot> {
    const parsed = parseJson((await probe.readSmallFile()) ?? '');
    if (!parsed.ok || !isJsonObject(parsed.value) || parsed.value[MARKER] !== 1n) {
      throw new SnapinspectError('UNREADABLE', `${probe.path} is not a snapinspect manifest (version 1)`);
    }
    const manifest = parsed.value;
    const memories = memoryHashes(manifest.memories);
    const diagnostics: Diagnostic[] = [];
    const builder = new PathTreeBuilder<TreeNode>(
      { name: '', kind: 'dir', size: 0, attrs: {} },
      MANIFEST_TREE,
      diagnostics,
    );
    for (const entry of Array.isArray(manifest.files) ? manifest.files : []) {
      if (!isJsonObject(entry) || typeof entry.path !== 'string') continue;
      const segments = splitPath(entry.path);
      if (segments.length > 0) builder.place(segments, nodeFor(entry, segments, memories));
    }
    const { root } = builder.build();
    const snapshot: Snapshot = {
      format: String(manifest.format ?? 'unknown'),
      variant: 'manifest',
      title: `${String(manifest.title ?? basename(probe.path))} (manifest ${basename(probe.path)})`,
      metadata: (isJsonObject(manifest.metadata) ? manifest.metadata : {}) as MetaRecord,
      root,
      children: [],
      diagnostics,
      verify: async () => checkManifest(manifest),
    };
    return snapshot;
  },
};

function memoryHashes(value: JsonValue | undefined): Map<string, { pageSize: number; tokens: BigUint64Array }> {
  const hashes = new Map<string, { pageSize: number; tokens: BigUint64Array }>();
  for (const memory of Array.isArray(value) ? value : []) {
    if (!isJsonObject(memory) || typeof memory.path !== 'string' || typeof memory.xxh64 !== 'string') continue;
    const text = memory.xxh64;
    const tokens = new BigUint64Array(Math.floor(text.length / 16));
    for (let i = 0; i < tokens.length; i++) tokens[i] = BigInt(`0x${text.slice(i * 16, i * 16 + 16)}`);
    hashes.set(memory.path, { pageSize: Number(memory.pageSize ?? 65536), tokens });
  }
  return hashes;
}

function nodeFor(
  entry: JsonObject,
  segments: readonly string[],
  memories: Map<string, { pageSize: number; tokens: BigUint64Array }>,
): TreeNode {
  const kind = KINDS.includes(entry.kind as NodeKind) ? (entry.kind as NodeKind) : 'file';
  const node: TreeNode = {
    name: segments[segments.length - 1] ?? '',
    kind,
    size: Number(entry.size ?? 0),
    attrs: {},
  };
  if (typeof entry.mode === 'string') node.mode = Number.parseInt(entry.mode, 8);
  if (typeof entry.uid === 'bigint') node.uid = Number(entry.uid);
  if (typeof entry.gid === 'bigint') node.gid = Number(entry.gid);
  if (typeof entry.mtime === 'string' && !Number.isNaN(Date.parse(entry.mtime)))
    node.mtime = instantFromIso(entry.mtime);
  if (typeof entry.linkTarget === 'string') node.linkTarget = entry.linkTarget;
  if (typeof entry.sha256 === 'string') node.sha256 = entry.sha256;
  if (isJsonObject(entry.attrs)) node.attrs = entry.attrs;
  const memory = memories.get(String(entry.path));
  if (memory) {
    node.pageSize = memory.pageSize;
    node.pageTokens = async () => ({ scope: 'xxh64', tokens: memory.tokens });
  }
  return node;
}

/** ISO 8601 with up to nine fraction digits back to nanoseconds. */
function instantFromIso(text: string): Instant {
  const match = /\.(\d{1,9})Z$/.exec(text);
  const fraction = match?.[1] ? BigInt(match[1].padEnd(9, '0')) : 0n;
  const seconds = BigInt(Math.floor(Date.parse(text) / 1000));
  return new Instant(seconds * 1_000_000_000n + fraction);
}
