import type { Diagnostic } from './diagnostics.js';
import type { MetaRecord } from './metadata.js';
import type { Source } from './source.js';
import type { TreeNode } from './tree.js';

/** A snapshot inside another one (an LXD snapshot, an image layer, a qcow2 snapshot). */
export interface ChildSnapshot {
  selector: string;
  title: string;
  summary: MetaRecord;
  open(): Promise<Snapshot>;
}

export type Progress = (doneBytes: number, totalBytes: number) => void;

export type HashResult = { digest: string } | { error: string };

/**
 * What the verify runner lends a snapshot's checks: progress reporting and its hashing engine
 * (sha256 on every core), so a reader's checks need not know how hashing is scheduled.
 */
export interface VerifyContext {
  progress?: Progress;
  sha256All(sources: readonly Source[], progress?: Progress): Promise<HashResult[]>;
}

/** A format's deep checks, closed over whatever the reader knew when it opened the snapshot. */
export type SnapshotCheck = (context: VerifyContext) => Promise<Diagnostic[]>;

export interface Snapshot {
  /** Reader id, e.g. `icp-snapshot`. */
  format: string;
  /** Variant within the format, e.g. `icp-cli`, `dfx`, `juno`. */
  variant?: string;
  title: string;
  metadata: MetaRecord;
  root: TreeNode;
  children: ChildSnapshot[];
  /** What opening the snapshot noticed; folders loaded later carry their own (`TreeNode.raised`). */
  readonly diagnostics: readonly Diagnostic[];
  /** Checks `verify` runs beyond these diagnostics; absent when the format has none. */
  verify?: SnapshotCheck;
}
