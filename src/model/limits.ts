import { SnapinspectError } from './errors.js';

/**
 * Every limit that protects snapinspect from hostile input, in one place, with its default and
 * why that default is safe for real snapshots. `--limit NAME=VALUE` raises (or lowers) one.
 */
export const limitSpecs = {
  metadataBytes: { value: 16 * 1024 * 1024, help: 'size of one JSON/YAML descriptor (metadata.json, manifest.json, backup.yaml, CRIU descriptors)' },
  jsonDepth: { value: 64, help: 'nesting of arrays and objects in JSON and YAML descriptors' },
  leftoverBytes: { value: 1024 * 1024, help: 'progress and leftover JSON files, Multipass snapshot descriptions' },
  dirEntries: { value: 100_000, help: 'entries listed per directory of a folder snapshot' },
  archiveEntries: { value: 1_000_000, help: 'members indexed per tar archive (export, volume, image, layer, LXD backup)' },
  pathBytes: { value: 1024 * 1024, help: 'a tar extension record (PAX, GNU long name/link): the longest path or link target read' },
  indexDepth: { value: 5, help: 'levels of OCI image indexes in an image archive, index.json included' },
  imageLayers: { value: 1000, help: 'layers read from one image manifest' },
  decompressRatio: { value: 100_000, help: 'output bytes per compressed byte (gzip/zstd bombs); deflate tops out near 1032:1' },
  decompressedBytes: { value: 64 * 1024 ** 3, help: 'total decompressed size of one gzip/zstd stream' },
  memoryScanBytes: { value: 64 * 1024 ** 3, help: 'memory images info and diff read page by page when the reader has no page map (a qcow2 disk can claim any size)' },
  wasmBytes: { value: 256 * 1024 * 1024, help: 'a (decompressed) wasm module; the IC caps modules at 100 MiB' },
  wasmSections: { value: 10_000, help: 'sections in one wasm module' },
  wasmItems: { value: 1_000_000, help: 'items (imports, exports, globals, functions) in one wasm section' },
  qcow2Snapshots: { value: 65_536, help: "qcow2 snapshot table entries (QEMU's own limit)" },
  qcow2SnapshotTableBytes: { value: 64 * 1024 * 1024, help: 'bytes of the qcow2 snapshot table' },
  qcow2RefcountTableBytes: { value: 8 * 1024 * 1024, help: "bytes of the qcow2 refcount table (QEMU's QCOW_MAX_REFTABLE_SIZE)" },
  criuEntries: { value: 1_000_000, help: 'entries read from one CRIU image file' },
  criuEntryBytes: { value: 64 * 1024 * 1024, help: 'size of one CRIU image entry' },
  zipEntries: { value: 1_000_000, help: 'members listed from one zip central directory (or recovered from local headers)' },
  zipRatio: { value: 500, help: 'output bytes per compressed byte of one zip member; deflate peaks near 1032:1, real snapshot files stay below 100:1' },
  archiveDepth: { value: 4, help: 'archives opened inside archives (a blueprint zip inside a snapshot zip is depth 1)' },
  nestedArchiveBytes: { value: 64 * 1024 * 1024, help: 'a nested archive, opened in memory (a deflate stream has no random access); larger ones are not browsed' },
  dumpLineBytes: { value: 64 * 1024 * 1024, help: 'one line of a pg_dump or NDJSON file; longer lines (huge pickled plans) are skipped' },
  redactBytes: { value: 64 * 1024 * 1024, help: 'a secret-bearing file redacted in memory; larger ones are withheld whole unless --show-secrets' },
  managerRecords: { value: 100_000, help: 'entities kept per kind in the Cloudify Manager view' },
  candidDepth: { value: 64, help: 'nesting of Candid types and values; real interfaces nest a few levels' },
  candidTypes: { value: 10_000, help: 'entries in one DIDL type table' },
  candidValues: { value: 100_000, help: 'values decoded from one DIDL message, so a vector of a million nulls stays cheap' },
  valueTextChars: { value: 4096, help: 'characters of decoded Candid or hex shown for one stored value (cat still gives the raw bytes)' },
  stableNodeBytes: { value: 16 * 1024 * 1024, help: 'one stable-structure node with its overflow pages, or one stored key or value' },
  btreeNodes: { value: 10_000_000, help: 'nodes visited while walking one BTreeMap, so a cycle of child addresses cannot loop forever' },
  entriesPerPage: { value: 1000, help: 'stable-structure entries (map entries, vec elements, log entries) shown per page folder' },
} as const;

export type LimitName = keyof typeof limitSpecs;

const names = Object.keys(limitSpecs) as LimitName[];
const defaults = (): Record<LimitName, number> => Object.fromEntries(names.map((name) => [name, limitSpecs[name].value])) as Record<LimitName, number>;

/** The limits in force: the defaults, unless `--limit` changed them for this command. */
export const limits: Record<LimitName, number> = defaults();

const SUFFIXES: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Resets every limit to its default, then applies `NAME=VALUE` overrides (VALUE may end in K, M or G). */
export function applyLimitOverrides(overrides: readonly string[]): void {
  Object.assign(limits, defaults());
  for (const override of overrides) {
    const match = /^([A-Za-z0-9]+)=(\d+)([kKmMgG]?)$/.exec(override);
    const name = match?.[1] as LimitName | undefined;
    if (!match || name === undefined || !names.includes(name)) {
      throw new SnapinspectError('USAGE', `--limit takes NAME=VALUE with NAME one of ${names.join(', ')}; not ${override}`);
    }
    const value = Number(match[2]) * (SUFFIXES[(match[3] ?? '').toLowerCase()] ?? 1);
    if (!Number.isSafeInteger(value) || value < 1) throw new SnapinspectError('USAGE', `--limit ${name} needs a whole number from 1 up; not ${match[2]}${match[3] ?? ''}`);
    limits[name] = value;
  }
}
