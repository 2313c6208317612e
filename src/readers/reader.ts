import type { LimitGroup } from '../model/limits.js';
import type { Snapshot } from '../model/snapshot.js';
import type { TarArchive } from './shared/tar-archive.js';

/**
 * What detection may look at: cheap facts gathered once per input, so that trying every reader
 * costs one stat, one directory listing and one small read.
 */
export interface Probe {
  path: string;
  isDirectory: boolean;
  /** File size in bytes (0 for directories). */
  size: number;
  /** The first bytes of a file (empty for directories). */
  head: Uint8Array;
  /** Names in a directory (empty for files). */
  entries: string[];
  /** A small file inside a probed directory (or, without a name, the probed file itself) as text; null when absent or too large. */
  readSmallFile(name?: string): Promise<string | null>;
  /** The file as an indexed tar (decompressed if needed), or null; computed once and shared by all readers. */
  tar(): Promise<TarArchive | null>;
}

export interface OpenOptions {
  /** Show values flagged as secrets instead of redacting them. */
  showSecrets: boolean;
}

export interface Reader {
  /** Stable id used by `--format` and in JSON output. */
  id: string;
  /** What a user would call it, for messages listing the formats tried. */
  label: string;
  /** Returns the variant name when the input is this format, or null. Must stay cheap. */
  detect(probe: Probe): Promise<string | null>;
  /** The safety limits this format declares (`--limit`, the README table); shared ones come from readers/shared. */
  limits?: LimitGroup;
  /** The snapshot carries its own checks (`Snapshot.verify`), closed over what opening it learnt. */
  open(probe: Probe, variant: string | null, options: OpenOptions): Promise<Snapshot>;
}
