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
  /** Nesting of Candid types and values; real interfaces nest a few levels, hostile ones recurse forever. */
  candidDepth: 64,
  /** Entries in one DIDL type table. */
  candidTypes: 10_000,
  /** Values decoded from one DIDL message, so a vector of a million nulls stays cheap. */
  candidValues: 100_000,
  /** Characters of decoded Candid or hex shown for one stored value; the raw bytes stay readable with cat. */
  valueTextChars: 4096,
  /** Bytes of one stable-structure node, overflow pages included, or of one stored key or value. */
  stableNodeBytes: 16 * 1024 * 1024,
  /** Nodes visited while walking one BTreeMap, so a cycle of child addresses cannot loop forever. */
  btreeNodes: 10_000_000,
  /** Stable-structure entries (map entries, vec elements, log entries) shown per page folder. */
  entriesPerPage: 1000,
};
