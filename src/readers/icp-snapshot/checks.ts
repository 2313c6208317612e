import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import type { HashResult, Snapshot, VerifyContext } from '../../model/snapshot.js';
import { childrenOf, findNode, type TreeNode } from '../../model/tree.js';
import { IC } from './ic-limits.js';
import { CHUNK_NAME, CHUNK_STORE, ICP_BLOBS } from './layout.js';
import { pushAll } from '../../model/arrays.js';

const gib = (bytes: bigint): string => `${Number(bytes) / 1024 ** 3} GiB`;

/** The upload-readiness checks icp-cli and dfx do not make (docs/formats/icp.md#verify-checks). */
export async function verifyIcp(snapshot: Snapshot, context: VerifyContext): Promise<Diagnostic[]> {
  const meta = snapshot.metadata;
  const findings: Diagnostic[] = [];
  checkModuleSize(meta, findings);
  for (const blob of ICP_BLOBS) await checkBlob(snapshot.root, blob.file, meta[blob.sizeField], findings);
  checkMemoryLimits(meta, findings);
  checkGlobals(meta.globals, findings);
  const certified = meta.certified_data;
  if (certified instanceof Uint8Array && certified.length > IC.certifiedDataMax) {
    findings.push(
      diagnostic(
        'error',
        'ICP_CERTIFIED_DATA_TOO_LARGE',
        `certified_data is ${certified.length} bytes; the IC allows at most ${IC.certifiedDataMax}`,
        'metadata.json',
      ),
    );
  }
  pushAll(findings, await checkChunks(snapshot.root, meta.wasm_chunk_store, context));
  return findings;
}

function checkModuleSize(meta: MetaRecord, findings: Diagnostic[]): void {
  const size = meta.wasm_module_size;
  if (typeof size !== 'bigint') return;
  if (size === 0n)
    findings.push(
      diagnostic('error', 'ICP_MODULE_EMPTY', 'wasm_module_size is 0: the IC rejects an empty module', 'metadata.json'),
    );
  if (size > IC.moduleMax) {
    findings.push(
      diagnostic(
        'error',
        'ICP_MODULE_TOO_LARGE',
        `wasm module is ${size} bytes; the IC allows at most ${IC.moduleMax} (100 MiB)`,
        'wasm_module.bin',
      ),
    );
  }
}

async function checkBlob(
  root: TreeNode,
  file: string,
  declared: MetaValue | undefined,
  findings: Diagnostic[],
): Promise<void> {
  if (typeof declared !== 'bigint') return;
  const node = await findNode(root, [file]);
  if (!node) {
    if (declared > 0n)
      findings.push(
        diagnostic('error', 'ICP_BLOB_MISSING', `${file} is missing but metadata declares ${declared} bytes`, file),
      );
    return;
  }
  if (node.kind !== 'file' && node.kind !== 'memory') return;
  const actual = BigInt(node.size);
  if (actual < declared) {
    const message = `${file} is ${declared - actual} bytes shorter than metadata says (${actual} < ${declared}): a download stopped early (dfx leaves such a prefix), and an upload would silently fill the rest with zeros`;
    findings.push(diagnostic('error', 'ICP_BLOB_SHORT', message, file));
  } else if (actual > declared) {
    const message = `${file} is ${actual - declared} bytes longer than metadata says (${actual} > ${declared}): the IC rejects writes past the declared size`;
    findings.push(diagnostic('error', 'ICP_BLOB_LONG', message, file));
  }
}

function checkMemoryLimits(meta: MetaRecord, findings: Diagnostic[]): void {
  const module = meta.module;
  const wasm64 = isMetaRecord(module) && module.memory === 'wasm64';
  const memories = [
    {
      field: 'wasm_memory_size',
      file: 'wasm_memory.bin',
      max: wasm64 ? IC.wasm64MemoryMax : IC.wasm32MemoryMax,
      what: wasm64 ? 'wasm64 memory' : 'wasm32 memory',
    },
    { field: 'stable_memory_size', file: 'stable_memory.bin', max: IC.stableMemoryMax, what: 'stable memory' },
  ];
  for (const { field, file, max, what } of memories) {
    const size = meta[field];
    if (typeof size !== 'bigint') continue;
    if (size % IC.page !== 0n) {
      findings.push(
        diagnostic(
          'error',
          'ICP_MEMORY_NOT_PAGE_ALIGNED',
          `${field} ${size} is not a multiple of 65536 (${size % IC.page} bytes over a page boundary)`,
          file,
        ),
      );
    }
    if (size > max)
      findings.push(
        diagnostic(
          'error',
          'ICP_MEMORY_TOO_LARGE',
          `${field} ${size} exceeds the IC limit for ${what} (${gib(max)})`,
          file,
        ),
      );
  }
}

function checkGlobals(globals: MetaValue | undefined, findings: Diagnostic[]): void {
  if (!Array.isArray(globals)) return;
  if (globals.length > IC.globalsMax) {
    findings.push(
      diagnostic(
        'error',
        'ICP_TOO_MANY_GLOBALS',
        `${globals.length} globals; the IC allows at most ${IC.globalsMax}`,
        'metadata.json',
      ),
    );
  }
  const nulls = globals.flatMap((global, index) =>
    global === null || (isMetaRecord(global) && global.value === null) ? [index] : [],
  );
  if (nulls.length > 0) {
    const list = nulls
      .slice(0, 10)
      .map((index) => `globals[${index}]`)
      .join(', ');
    const message = `${list}${nulls.length > 10 ? ` and ${nulls.length - 10} more` : ''} null (unknown type or NaN/infinity): icp-cli and dfx refuse to upload this`;
    findings.push(diagnostic('error', 'ICP_NULL_GLOBAL', message, 'metadata.json'));
  }
}

async function checkChunks(
  root: TreeNode,
  listed: MetaValue | undefined,
  { sha256All, progress }: VerifyContext,
): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  // Without a readable list in metadata, only each chunk's own name can be checked.
  const known = Array.isArray(listed);
  const expected = new Set(
    Array.isArray(listed)
      ? listed.flatMap((hash) => (hash instanceof Uint8Array ? [Buffer.from(hash).toString('hex')] : []))
      : [],
  );
  const store = await findNode(root, [CHUNK_STORE]);
  const files = store ? await childrenOf(store) : [];
  const chunks = files.filter((file) => file.kind === 'file' && file.content && CHUNK_NAME.test(file.name));
  for (const file of files) {
    if (!chunks.includes(file))
      findings.push(
        diagnostic(
          'warning',
          'ICP_CHUNK_BAD_NAME',
          `${file.name} is not a chunk (expected 64 lowercase hex digits + .bin)`,
          `wasm_chunk_store/${file.name}`,
        ),
      );
  }
  const count = Math.max(expected.size, chunks.length);
  if (count > IC.chunksMax)
    findings.push(
      diagnostic(
        'error',
        'ICP_TOO_MANY_CHUNKS',
        `${count} chunks; the chunk store holds at most ${IC.chunksMax}`,
        'wasm_chunk_store',
      ),
    );
  const digests = await sha256All(
    chunks.flatMap((chunk) => (chunk.content ? [chunk.content] : [])),
    progress,
  );
  chunks.forEach((chunk, index) => pushAll(findings, checkChunk(chunk, digests[index], known ? expected : undefined)));
  const present = new Set(chunks.map((chunk) => chunk.name.slice(0, 64)));
  for (const hash of expected) {
    if (!present.has(hash))
      findings.push(
        diagnostic(
          'error',
          'ICP_CHUNK_MISSING',
          `chunk ${hash} is listed in metadata but has no file`,
          `wasm_chunk_store/${hash}.bin`,
        ),
      );
  }
  return findings;
}

function checkChunk(chunk: TreeNode, result: HashResult | undefined, expected: Set<string> | undefined): Diagnostic[] {
  const path = `wasm_chunk_store/${chunk.name}`;
  const named = chunk.name.slice(0, 64);
  const findings: Diagnostic[] = [];
  if (chunk.size > IC.chunkMax)
    findings.push(
      diagnostic(
        'error',
        'ICP_CHUNK_TOO_LARGE',
        `chunk is ${chunk.size} bytes; the IC allows at most ${IC.chunkMax}`,
        path,
      ),
    );
  if (!result || 'error' in result) {
    findings.push(
      diagnostic(
        'error',
        'ICP_CHUNK_UNREADABLE',
        `chunk cannot be read: ${result && 'error' in result ? result.error : 'unknown error'}`,
        path,
      ),
    );
  } else if (result.digest !== named) {
    findings.push(
      diagnostic(
        'error',
        'ICP_CHUNK_HASH_MISMATCH',
        `sha256 of the chunk is ${result.digest}, not the ${named} its name claims: it would upload under a different hash`,
        path,
      ),
    );
  }
  if (expected && !expected.has(named))
    findings.push(
      diagnostic('warning', 'ICP_CHUNK_EXTRA', `chunk file is not listed in metadata.json wasm_chunk_store`, path),
    );
  return findings;
}
