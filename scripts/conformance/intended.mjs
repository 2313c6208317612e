// Shapes snapinspect reads differently from the reference tools on purpose, by artifact path. Each
// names what test/readers/conformance-shapes.test.ts (or the zip tests) fixes and why.
const shapes = [
  [
    /pax-bad-hdr-large\.tar\.bz2$/,
    'a PAX record over the pathBytes limit is skipped with TAR_EXTENSION_TOO_LARGE (Go refuses it too)',
  ],
  [
    /pax-global-records\.tar$/,
    'an empty path in a later PAX global header removes the global path, as POSIX says and Go reads it',
  ],
  [
    /pax-nul-path\.tar$/,
    'a PAX path holding a NUL is ignored with TAR_BAD_PAX_RECORD (Go rejects the header; GNU tar cuts the name)',
  ],
  [
    /excessively-deep\.tar$/,
    'a member deeper than the pathDepth limit (4096) is not listed and is said with PATH_TOO_DEEP',
  ],
  [
    /test_read_format_zip_(bzip2|lzma|xz|zstd|ppmd8|7z_lzma)\w*\.zipx?$|symlink_unsupported_compression/,
    'only stored and deflate members are read: others are listed and said (ZIP_UNSUPPORTED_METHOD), cat exits 2',
  ],
  [
    /size_exceeds_declared_(stored|deflate)\.zip$|test_read_format_zip\.zip$/,
    'a member whose bytes fail their CRC32 is not written by cat (exit 2, both CRCs named), as Python refuses it',
  ],
];

/** Why snapinspect reads the artifact at `path` differently on purpose, or undefined. */
export function intendedReason(path) {
  return shapes.find(([pattern]) => pattern.test(path))?.[1];
}
