/** Limits the IC enforces on snapshot upload (docs/formats/icp.md#upload-limits). */
export const IC = {
  page: 65536n,
  moduleMax: 100n * 1024n * 1024n,
  wasm32MemoryMax: 4n * 1024n ** 3n,
  wasm64MemoryMax: 6n * 1024n ** 3n,
  stableMemoryMax: 500n * 1024n ** 3n,
  globalsMax: 1000,
  certifiedDataMax: 32,
  chunkMax: 1024 * 1024,
  chunksMax: 100,
};
