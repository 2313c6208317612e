import { countPages } from '../model/memory.js';
import type { Snapshot } from '../model/snapshot.js';
import { walkMemories, type TreeNode } from '../model/tree.js';
import { detectRenames, TreeDiffer } from './files.js';
import { globMatcher } from './glob.js';
import { compareMemory } from './memory.js';
import { diffMetadata } from './metadata.js';
import type { DiffOptions, DiffResult, DiffSummary, FileChange, MemoryChange, MetadataChange } from './types.js';

export { TreeDiffer, type EntryDiff } from './files.js';
export type * from './types.js';

/** Compares two snapshots of any formats. Pure: reads both, changes neither, prints nothing. */
export async function diffSnapshots(before: Snapshot, after: Snapshot, options: DiffOptions): Promise<DiffResult> {
  const files = options.only.has('files') ? await fileChanges(before, after, options) : [];
  const memory = options.only.has('memory') ? await memoryChanges(before, after, options) : [];
  const metadata = options.only.has('metadata') ? diffMetadata(before.metadata, after.metadata) : [];
  const summary = summarise(files, memory, metadata);
  return {
    same: files.length === 0 && memory.every(isUnchanged) && metadata.length === 0,
    files,
    memory,
    metadata,
    summary,
  };
}

async function fileChanges(before: Snapshot, after: Snapshot, options: DiffOptions): Promise<FileChange[]> {
  const differ = new TreeDiffer(before.root, after.root, options);
  const changes: FileChange[] = [];
  for await (const change of differ.changes()) changes.push(change);
  await detectRenames(changes, differ.seen);
  return changes;
}

/** Memory images at the same path on both sides, top level and nested (virtual memories). */
async function memoryChanges(before: Snapshot, after: Snapshot, options: DiffOptions): Promise<MemoryChange[]> {
  const excluded = globMatcher(options.exclude);
  const [left, right] = await Promise.all([memoriesByPath(before.root), memoriesByPath(after.root)]);
  const changes: MemoryChange[] = [];
  for (const [path, node] of left) {
    const other = right.get(path);
    if (other && !excluded(path)) changes.push(await compareMemory(path, node, other, options.progress));
  }
  return changes;
}

async function memoriesByPath(root: TreeNode): Promise<Map<string, TreeNode>> {
  const found = new Map<string, TreeNode>();
  for await (const { node, segments } of walkMemories(root)) found.set(segments.join('/'), node);
  return found;
}

function isUnchanged(change: MemoryChange): boolean {
  return change.changedPages.length === 0 && change.addedPages.length === 0 && change.removedPages.length === 0;
}

function summarise(files: FileChange[], memory: MemoryChange[], metadata: MetadataChange[]): DiffSummary {
  const count = (kind: FileChange['change']): number => files.filter((file) => file.change === kind).length;
  const sizeOf = (side: FileChange['before']): number => (side && side.kind !== 'dir' ? side.size : 0);
  return {
    added: count('added'),
    removed: count('removed'),
    modified: count('modified'),
    metadata: count('metadata'),
    renamed: files.filter((file) => file.renamedFrom !== undefined).length,
    bytesDelta: files.reduce((sum, file) => sum + sizeOf(file.after) - sizeOf(file.before), 0),
    memoryPagesChanged: memory.reduce((sum, change) => sum + countPages(change.changedPages), 0),
    memoryPagesAdded: memory.reduce((sum, change) => sum + countPages(change.addedPages), 0),
    memoryPagesRemoved: memory.reduce((sum, change) => sum + countPages(change.removedPages), 0),
    metadataFields: metadata.length,
  };
}
