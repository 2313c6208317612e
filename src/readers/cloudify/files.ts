import type { Diagnostic } from '../../model/diagnostics.js';
import { errorMessage } from '../../model/errors.js';
import { limits } from '../shared/limits.js';
import { FileSource, readAll } from '../../model/source.js';
import { walk, type TreeNode } from '../../model/tree.js';
import type { Probe } from '../reader.js';
import { diskChildren } from '../shared/fs-tree.js';
import { parseJson, type JsonValue } from '../shared/json.js';
import { indexZip } from '../shared/zip/central.js';
import { attachNestedArchives } from '../shared/zip/nested.js';
import { buildZipTree, readZipSymlinks } from '../shared/zip/tree.js';
import type { ZipIndex } from '../shared/zip/types.js';
import { pushAll } from '../../model/arrays.js';

/** A snapshot's files, zipped or already extracted: the tree, and every file by its path. */
export interface SnapshotFiles {
  root: TreeNode;
  files: Map<string, TreeNode>;
  zip?: { index: ZipIndex; source: FileSource };
}

export async function openFiles(probe: Probe, diagnostics: Diagnostic[]): Promise<SnapshotFiles> {
  if (probe.isDirectory) {
    const root: TreeNode = { name: '', kind: 'dir', size: 0, attrs: {} };
    const children = await diskChildren(probe.path, diagnostics, '');
    root.children = () => Promise.resolve(children);
    const files = await fileMap(root);
    await attachNestedArchives(root, diagnostics, 0);
    return { root, files };
  }
  const source = new FileSource(probe.path, probe.size);
  const index = await indexZip(source);
  pushAll(diagnostics, index.diagnostics);
  const tree = buildZipTree(index.entries, source, diagnostics);
  await readZipSymlinks(tree, source, diagnostics);
  await attachNestedArchives(tree.root, diagnostics, 0);
  const files = new Map<string, TreeNode>();
  for (const [path, node] of tree.byPath) if (node.kind === 'file') files.set(path, node);
  return { root: tree.root, files, zip: { index, source } };
}

/** Files of a folder tree; nested archives are not entered (they are opened only on demand). */
async function fileMap(root: TreeNode): Promise<Map<string, TreeNode>> {
  const files = new Map<string, TreeNode>();
  for await (const { node, segments } of walk(root)) if (node.kind === 'file') files.set(segments.join('/'), node);
  return files;
}

/** `metadata.json` parsed, or a reason it cannot be. Stray whitespace around it is normal (docs/formats/cloudify.md#metadata). */
export async function readMetadataJson(
  files: Map<string, TreeNode>,
): Promise<{ ok: true; value: JsonValue } | { ok: false; error: string }> {
  const node = files.get('metadata.json');
  if (!node?.content) return { ok: false, error: 'metadata.json is missing' };
  let bytes: Uint8Array | null;
  try {
    bytes = await readAll(node.content, limits.metadataBytes);
  } catch (error) {
    // A damaged member (bad CRC, corrupt deflate) costs the metadata, not the whole snapshot.
    return { ok: false, error: `metadata.json cannot be read: ${errorMessage(error)}` };
  }
  if (!bytes) return { ok: false, error: `metadata.json is larger than ${limits.metadataBytes} bytes` };
  const parsed = parseJson(Buffer.from(bytes).toString('utf8').trim());
  return parsed.ok ? parsed : { ok: false, error: `metadata.json is not JSON: ${parsed.error}` };
}
