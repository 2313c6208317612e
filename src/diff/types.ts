import type { PageRanges } from '../model/memory.js';
import type { MetaValue } from '../model/metadata.js';
import type { NodeKind } from '../model/tree.js';

export type DiffSection = 'files' | 'memory' | 'metadata';

export interface DiffOptions {
  /** mtime differences alone do not make a change. */
  ignoreMtime: boolean;
  /** Report directories whose only change is their mtime. */
  dirMtimes: boolean;
  /** Globs of paths to leave out (`*` within a name, `**` across folders). */
  exclude: string[];
  only: ReadonlySet<DiffSection>;
  /** Called while memories are compared, with bytes done and total. */
  progress?: (done: number, total: number) => void;
}

export type FileChangeKind = 'added' | 'removed' | 'modified' | 'metadata';

/** What one side of a change looked like, for reports. */
export interface EntrySide {
  kind: NodeKind;
  size: number;
  mode?: number;
  linkTarget?: string;
}

export interface FileChange {
  path: string;
  change: FileChangeKind;
  /** For `modified`: `content`, `kind` or `size`; for `metadata`: `mode`, `uid`, `gid`, `owner`, `linkTarget`, `mtime`, `xattrs`, `device`. */
  fields?: string[];
  before?: EntrySide;
  after?: EntrySide;
  /** Docker's runtime stubs, present and empty in every export. */
  stub?: boolean;
  /** For an added file whose content equals a removed one. */
  renamedFrom?: string;
  /** First differing byte of a modified file, when both sides were read. */
  firstDifference?: number;
}

export interface MemoryChange {
  path: string;
  pageSize: number;
  changedPages: PageRanges;
  addedPages: PageRanges;
  removedPages: PageRanges;
  /** Added pages that are all zero (a memory grown but not yet written). */
  addedZeroPages: PageRanges;
  /** Bytes that differ inside changed pages; null when compared by page identities only. */
  bytesChanged: number | null;
  /** How the pages were compared: `bytes` (both read), `mapping` (qcow2 cluster mappings), `xxh64` (page hashes). */
  method: 'bytes' | 'mapping' | 'xxh64';
}

export interface MetadataChange {
  key: string;
  before: MetaValue | undefined;
  after: MetaValue | undefined;
}

export interface DiffSummary {
  added: number;
  removed: number;
  modified: number;
  metadata: number;
  renamed: number;
  /** Sum of file sizes after minus before, over changed files. */
  bytesDelta: number;
  memoryPagesChanged: number;
  memoryPagesAdded: number;
  memoryPagesRemoved: number;
  metadataFields: number;
}

export interface DiffResult {
  same: boolean;
  files: FileChange[];
  memory: MemoryChange[];
  metadata: MetadataChange[];
  summary: DiffSummary;
}
