// Shapes snapinspect reads differently from the reference tools on purpose. Each names the test in
// test/readers/conformance-shapes.test.ts that fixes the behaviour and says why.
export const intended = new Map([
  [
    'archive/tar/testdata/pax-bad-hdr-large.tar.bz2',
    'a PAX record over the pathBytes limit is skipped with TAR_EXTENSION_TOO_LARGE (Go refuses it too)',
  ],
  [
    'archive/tar/testdata/pax-global-records.tar',
    'an empty path in a later PAX global header removes the global path, as POSIX says and Go reads it',
  ],
  [
    'archive/tar/testdata/pax-nul-path.tar',
    'a PAX path holding a NUL is ignored with TAR_BAD_PAX_RECORD (Go rejects the header; GNU tar cuts the name)',
  ],
  [
    'test/fixtures/excessively-deep.tar',
    'a member deeper than the pathDepth limit (4096) is not listed and is said with PATH_TOO_DEEP',
  ],
]);
