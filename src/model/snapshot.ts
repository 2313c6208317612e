import type { Diagnostic } from './diagnostics.js';
import type { MetaRecord } from './metadata.js';
import type { TreeNode } from './tree.js';

/** A snapshot inside another one (an LXD snapshot, an image layer, a qcow2 snapshot). */
export interface ChildSnapshot {
  selector: string;
  title: string;
  summary: MetaRecord;
  open(): Promise<Snapshot>;
}

export interface Snapshot {
  /** Reader id, e.g. `icp-snapshot`. */
  format: string;
  /** Variant within the format, e.g. `icp-cli`, `dfx`, `juno`. */
  variant?: string;
  title: string;
  metadata: MetaRecord;
  root: TreeNode;
  children: ChildSnapshot[];
  diagnostics: Diagnostic[];
}
