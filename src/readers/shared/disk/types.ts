import type { Diagnostic } from '../../../model/diagnostics.js';
import type { MetaRecord } from '../../../model/metadata.js';
import type { Source } from '../../../model/source.js';
import type { TreeNode } from '../../../model/tree.js';

/**
 * A filesystem opened read-only from the bytes of one volume (a partition or a bare image).
 * Everything is read on demand through the volume Source: opening reads the superblock and the
 * few structures needed to find the root; folders load their entries when first listed.
 */
export interface OpenedFilesystem {
  /** `ext2`, `ext3`, `ext4`, `fat12`, `fat16` or `fat32`. */
  type: string;
  /** Shown on the partition folder: type, label, uuid, block size, features, state, times. */
  attrs: MetaRecord;
  /** The root directory's entries, in the tree model, loaded lazily (`lazyFolder`). */
  root: TreeNode;
  /** What opening noticed (needs_recovery, unknown features, damaged superblock fields). */
  diagnostics: Diagnostic[];
  /** `verify`'s deeper checks (metadata checksums, FAT copies agreeing); never throws on bad bytes. */
  verify(): Promise<Diagnostic[]>;
}

/** One filesystem format: a cheap signature test and an opener. */
export interface FilesystemDriver {
  id: string;
  /** Whether `head` (the first 4 KiB of the volume, or fewer when it is smaller) holds this filesystem. */
  detect(head: Uint8Array): boolean;
  /** `where` names the volume in diagnostics (e.g. `p1`). Damage becomes diagnostics, not exceptions. */
  open(volume: Source, where: string): Promise<OpenedFilesystem>;
}

/** One entry of a partition table, in bytes from the start of the disk. */
export interface Partition {
  /** 1-based as Linux numbers them (`p1`, `p15`; logical MBR partitions from 5). */
  number: number;
  start: number;
  size: number;
  /** Shown on the partition folder: number, name, type (named), type code/GUID, GUID, attributes. */
  attrs: MetaRecord;
}

export interface PartitionTable {
  scheme: 'gpt' | 'mbr' | 'none';
  sectorSize: number;
  /** Disk-level facts: disk GUID or MBR id, entry count, usable range, backup header location. */
  attrs: MetaRecord;
  partitions: Partition[];
  diagnostics: Diagnostic[];
  /** GPT CRCs and primary/backup agreement, overlaps and partitions past the disk end. */
  verify(): Promise<Diagnostic[]>;
}
