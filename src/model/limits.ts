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
  /** Members listed from one zip central directory (or recovered from local headers). */
  zipEntries: 1_000_000,
  /** Output bytes per compressed byte of one zip member; deflate peaks near 1032:1, real snapshot files stay below 100:1. */
  zipRatio: 500,
  /** Archives opened inside archives (a blueprint zip inside a snapshot zip is depth 1). */
  archiveDepth: 4,
  /** One line of a pg_dump or NDJSON file; longer lines (huge pickled plans) are skipped with a diagnostic. */
  dumpLineBytes: 64 * 1024 * 1024,
  /** Nested archives are opened in memory (a deflate stream has no random access); larger ones are not browsed. */
  nestedArchiveBytes: 64 * 1024 * 1024,
  /** Secret-bearing files are redacted in memory; larger ones are withheld entirely unless --show-secrets. */
  redactBytes: 64 * 1024 * 1024,
  /** Entities kept per kind in the Cloudify Manager view. */
  managerRecords: 100_000,
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
