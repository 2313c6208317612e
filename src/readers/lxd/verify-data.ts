/** Snapshot names one file lists, e.g. index.yaml's `snapshots` or the records of a backup.yaml. */
export interface SnapshotListing {
  file: string;
  names: string[];
}

/** What the LXD checks cross-check: which names the config lists against which snapshot folders exist. */
export interface LxdVerifyData {
  listings: SnapshotListing[];
  /** Snapshot folders (or optimized streams) found, and where; null when the layout gives nowhere to look. */
  folders: { where: string; names: string[] } | null;
  /** The child that is this snapshot itself, which need not be opened again. */
  selfSelector: string;
}
