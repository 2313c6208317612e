/** Every size limit that protects snapinspect from hostile input, in one place. */
export const limits = {
  /** metadata.json and similar descriptors are small; anything larger is not one. */
  metadataBytes: 16 * 1024 * 1024,
  /** Nesting of arrays and objects in JSON descriptors; real ones nest a few levels. */
  jsonDepth: 64,
  /** Decompressed wasm module; the IC caps modules at 100 MiB. */
  wasmBytes: 256 * 1024 * 1024,
  /** Entries listed per directory of a folder snapshot. */
  dirEntries: 100_000,
  /** Items (imports, exports, globals, functions, sections) read from one wasm section. */
  wasmItems: 1_000_000,
  /** Sections in one wasm module; real ones have a few dozen. */
  wasmSections: 10_000,
  /** Progress and leftover JSON files. */
  leftoverBytes: 1024 * 1024,
  /** Bytes of one file the terminal UI reads to show as text; larger files show their start (or hex, which pages). */
  viewTextBytes: 4 * 1024 * 1024,
};
