import type { Snapshot } from '../model/snapshot.js';

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
  /** A small file inside a probed directory as text, or null when absent or too large. */
  readSmallFile(name: string): Promise<string | null>;
}

export interface Reader {
  /** Stable id used by `--format` and in JSON output. */
  id: string;
  /** What a user would call it, for messages listing the formats tried. */
  label: string;
  /** Returns the variant name when the input is this format, or null. Must stay cheap. */
  detect(probe: Probe): Promise<string | null>;
  open(probe: Probe, variant: string | null): Promise<Snapshot>;
}
