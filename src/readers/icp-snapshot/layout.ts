/** File layout of an icp-cli / dfx snapshot folder, shared by the reader and by verify. */
export const ICP_BLOBS = [
  { key: 'wasm_module', file: 'wasm_module.bin', sizeField: 'wasm_module_size' },
  { key: 'wasm_memory', file: 'wasm_memory.bin', sizeField: 'wasm_memory_size' },
  { key: 'stable_memory', file: 'stable_memory.bin', sizeField: 'stable_memory_size' },
] as const;

export const CHUNK_STORE = 'wasm_chunk_store';

/** A chunk file is named by the lowercase hex sha256 of its bytes. */
export const CHUNK_NAME = /^[0-9a-f]{64}\.bin$/;

/** Both CLIs move blobs in slices of this many bytes; partial downloads stop at multiples of it. */
export const SLICE_BYTES = 2_000_000;
