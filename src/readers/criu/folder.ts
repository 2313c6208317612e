import { basename } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from '../shared/limits.js';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import type { Snapshot } from '../../model/snapshot.js';
import { readAll, type Source } from '../../model/source.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import { listDir, readableNode } from '../shared/fs-tree.js';
import { jsonText, parseJson } from '../shared/json.js';
import { emptyCheckpoint, entrySink, pstreeLimitDiagnostics, type Checkpoint, type EntrySink } from './checkpoint.js';
import { readImage, withImage } from './image-node.js';
import { INVENTORY, rawImageKind } from './magic.js';
import { exact } from './names.js';
import { processTree } from './processes.js';
import { pushAll } from '../../model/arrays.js';

const PARENT_NOTE = 'previous checkpoint (pre-dump) holding the PARENT pages; shown, not followed';

/** A checkpoint folder (docs/formats/containers.md, CRIU): every file listed, the task tree decoded. */
export async function openCheckpoint(dir: string): Promise<Snapshot> {
  const diagnostics: Diagnostic[] = [];
  const checkpoint = emptyCheckpoint();
  const files: TreeNode[] = [];
  let descriptors: MetaValue[] | undefined;
  for (const entry of await listDir(dir, diagnostics, '')) {
    checkpoint.names.add(entry.name);
    const node = await readableNode(entry, diagnostics, entry.name);
    if (!node) continue;
    if (entry.name === 'descriptors.json' && node.content) {
      const read = await readDescriptors(node.content, diagnostics);
      descriptors = read.targets;
      files.push({ ...node, attrs: read.attrs, note: 'runc: what fds 0, 1 and 2 of the container were' });
    } else {
      files.push(await describeFile(node, checkpoint, diagnostics));
    }
  }
  for (const name of ['inventory.img', 'pstree.img']) {
    if (!checkpoint.names.has(name))
      diagnostics.push(diagnostic('error', 'CRIU_MISSING_IMAGE', `${name} is missing`, name));
  }
  pushAll(diagnostics, pstreeLimitDiagnostics(checkpoint));
  const processes = processTree(checkpoint, diagnostics);
  pushAll(diagnostics, crossCheckStats(checkpoint));
  const processDir = dirNode(checkpoint.names.has('processes') ? 'processes (decoded)' : 'processes', processes.nodes, {
    note: `${processes.nodes.length} tasks from pstree.img`,
  });
  return {
    format: 'criu',
    variant: 'checkpoint',
    title: basename(dir),
    metadata: metadataOf(checkpoint, processes.nodes.length, descriptors),
    root: dirNode('', [processDir, ...files]),
    children: processes.children,
    diagnostics,
  };
}

async function describeFile(node: TreeNode, checkpoint: Checkpoint, diagnostics: Diagnostic[]): Promise<TreeNode> {
  if (node.name === 'parent' && node.kind === 'symlink') return { ...node, note: PARENT_NOTE };
  if (node.kind !== 'file' || !node.content) return node;
  const source = node.content;
  const raw = rawImageKind(node.name);
  if (raw !== undefined) {
    const pages = /^pages-(\d+)\.img$/.exec(node.name);
    if (pages) checkpoint.pages.set(Number(pages[1]), { file: node.name, source });
    return { ...node, attrs: { ...node.attrs, image: 'raw' }, note: `raw CRIU image: ${raw}` };
  }
  const sinks: EntrySink[] = [];
  const view = await readImage(source, node.name, (magic) => {
    const sink = entrySink(checkpoint, node.name, magic);
    if (sink) sinks.push(sink);
    return sink?.visit;
  });
  pushAll(diagnostics, view.diagnostics);
  pushAll(
    diagnostics,
    sinks.flatMap((sink) => sink.finish()),
  );
  if (view.header?.magic === INVENTORY && node.name === 'inventory.img') checkpoint.byteOrder = view.header.byteOrder;
  return withImage(node, view);
}

/** runc's descriptors.json: a JSON array of what fds 0, 1 and 2 pointed to. */
async function readDescriptors(
  source: Source,
  diagnostics: Diagnostic[],
): Promise<{ attrs: MetaRecord; targets?: MetaValue[] }> {
  const bytes = await readAll(source, limits.metadataBytes);
  const parsed = bytes === null ? null : parseJson(new TextDecoder().decode(bytes));
  if (!parsed?.ok || !Array.isArray(parsed.value)) {
    diagnostics.push(
      diagnostic(
        'warning',
        'CRIU_DECODE_ERROR',
        'descriptors.json is not a JSON array of fd targets',
        'descriptors.json',
      ),
    );
    return { attrs: {} };
  }
  const targets = parsed.value.map((value): MetaValue => (typeof value === 'string' ? value : jsonText(value)));
  const attrs: MetaRecord = {};
  targets.forEach((target, fd) => (attrs[`fd ${fd}`] = target));
  return { attrs, targets };
}

function metadataOf(checkpoint: Checkpoint, processes: number, descriptors: MetaValue[] | undefined): MetaRecord {
  const metadata: MetaRecord = {};
  if (checkpoint.byteOrder) metadata.byte_order = checkpoint.byteOrder;
  Object.assign(metadata, checkpoint.inventory);
  metadata.processes = processes;
  metadata.present_pages = exact(checkpoint.presentTotal);
  if (checkpoint.stats?.dump !== undefined) metadata.dump_stats = checkpoint.stats.dump;
  if (checkpoint.stats?.restore !== undefined) metadata.restore_stats = checkpoint.stats.restore;
  if (descriptors) metadata.descriptors = descriptors;
  return metadata;
}

/** stats-dump counts the pages CRIU wrote; the pagemaps say which pages are in the pages files. */
function crossCheckStats(checkpoint: Checkpoint): Diagnostic[] {
  const dump = checkpoint.stats?.dump;
  const written = isMetaRecord(dump) ? dump.pages_written : undefined;
  if (typeof written !== 'number' && typeof written !== 'bigint') return [];
  if (BigInt(written) === checkpoint.presentTotal) return [];
  const message = `stats-dump says ${written} pages were written, but the pagemaps list ${checkpoint.presentTotal} present pages`;
  return [diagnostic('info', 'CRIU_PAGES_WRITTEN_MISMATCH', message, 'stats-dump')];
}
