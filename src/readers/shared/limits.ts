import { limitGroup } from '../../model/limits.js';

/** Limits of the building blocks every reader uses: descriptors, folders, tar, zip, gzip/zstd, wasm, line-based dumps. */
export const sharedLimits = limitGroup({
  metadataBytes: {
    value: 16 * 1024 * 1024,
    help: 'size of one JSON/YAML descriptor (metadata.json, manifest.json, backup.yaml, CRIU descriptors)',
  },
  jsonDepth: { value: 64, help: 'nesting of arrays and objects in JSON and YAML descriptors' },
  leftoverBytes: { value: 1024 * 1024, help: 'progress and leftover JSON files, Multipass snapshot descriptions' },
  dirEntries: { value: 100_000, help: 'entries listed per directory of a folder snapshot' },
  archiveEntries: {
    value: 1_000_000,
    help: 'members indexed per tar archive (export, volume, image, layer, LXD backup)',
  },
  pathBytes: {
    value: 1024 * 1024,
    help: 'a tar extension record (PAX, GNU long name/link): the longest path or link target read',
  },
  pathDepth: {
    value: 4096,
    help: 'folders in one member path of an archive or manifest (Linux paths stop near 2048); deeper members are left out',
  },
  decompressRatio: {
    value: 100_000,
    help: 'output bytes per compressed byte (gzip/zstd bombs); deflate tops out near 1032:1',
  },
  decompressedBytes: { value: 64 * 1024 ** 3, help: 'total decompressed size of one gzip/zstd stream' },
  wasmBytes: { value: 256 * 1024 * 1024, help: 'a (decompressed) wasm module; the IC caps modules at 100 MiB' },
  wasmSections: { value: 10_000, help: 'sections in one wasm module' },
  wasmItems: { value: 1_000_000, help: 'items (imports, exports, globals, functions) in one wasm section' },
  zipEntries: {
    value: 1_000_000,
    help: 'members listed from one zip central directory (or recovered from local headers)',
  },
  zipRatio: {
    value: 500,
    help: 'output bytes per compressed byte of one zip member; deflate peaks near 1032:1, real snapshot files stay below 100:1',
  },
  archiveDepth: {
    value: 4,
    help: 'archives opened inside archives (a blueprint zip inside a snapshot zip is depth 1)',
  },
  nestedArchives: {
    value: 1000,
    help: 'archives opened inside one snapshot (each is held in memory; 42.zip-style nests fan out to 65,536)',
  },
  nestedArchiveBytes: {
    value: 64 * 1024 * 1024,
    help: 'a nested archive, opened in memory (a deflate stream has no random access); larger ones are not browsed',
  },
  redactBytes: {
    value: 64 * 1024 * 1024,
    help: 'a secret-bearing file redacted in memory; larger ones are withheld whole unless --show-secrets',
  },
  dumpLineBytes: {
    value: 64 * 1024 * 1024,
    help: 'one line of a pg_dump or NDJSON file; longer lines (huge pickled plans) are skipped',
  },
});

/** The values in force, read where each limit applies. */
export const limits = sharedLimits.values;
