import type { Snapshot } from '../../model/snapshot.js';

/** Snapshot names one file lists, e.g. index.yaml's `snapshots` or the records of a backup.yaml. */
export interface SnapshotListing {
  file: string;
  names: string[];
}

/**
 * What the LXD verifier cross-checks and a Snapshot cannot carry: which names the config lists
 * against which snapshot folders exist. The readers fill it; `src/verify/lxd.ts` reads it.
 */
export interface LxdVerifyData {
  listings: SnapshotListing[];
  /** Snapshot folders (or optimized streams) found, and where; null when the layout gives nowhere to look. */
  folders: { where: string; names: string[] } | null;
  /** The child that is this snapshot itself, which need not be opened again. */
  selfSelector: string;
}

const data = new WeakMap<Snapshot, LxdVerifyData>();

export function setLxdVerifyData(snapshot: Snapshot, value: LxdVerifyData): void {
  data.set(snapshot, value);
}

export function lxdVerifyData(snapshot: Snapshot): LxdVerifyData | undefined {
  return data.get(snapshot);
}
