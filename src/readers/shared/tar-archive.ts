import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { Source } from '../../model/source.js';
import { DecompressionError, decompress, sniffCodec, type Codec } from './compression.js';
import { InflatedSource } from './inflated-source.js';
import { indexTar, looksLikeTar, TAR_DETECT_BYTES, TarStreamParser } from './tar/index.js';
import type { TarIndex } from './tar/types.js';

/** A tar file, possibly compressed, indexed once: members are read through `source` by offset. */
export interface TarArchive {
  codec: Codec | null;
  /** The uncompressed tar stream (random access; compressed archives re-inflate on demand). */
  source: Source;
  index: TarIndex;
  /** Problems of the compression layer (the index carries the tar-level ones). */
  diagnostics: Diagnostic[];
}

/** Null when the bytes are not a tar, compressed or not; never throws for bad input. */
export async function openTarArchive(file: Source): Promise<TarArchive | null> {
  const head = await file.read(0, TAR_DETECT_BYTES);
  const codec = sniffCodec(head);
  if (codec === null)
    return looksLikeTar(head) ? { codec, source: file, index: await indexTar(file), diagnostics: [] } : null;
  if (codec === 'xz' || codec === 'bzip2') return null;
  return openCompressed(file, codec);
}

async function openCompressed(file: Source, codec: 'gzip' | 'zstd'): Promise<TarArchive | null> {
  const diagnostics: Diagnostic[] = [];
  const parser = new TarStreamParser();
  const head = new HeadCollector(TAR_DETECT_BYTES);
  let produced = 0;
  try {
    for await (const chunk of decompress(file, codec)) {
      if (head.add(chunk) && !looksLikeTar(head.bytes)) return null;
      produced += chunk.length;
      parser.push(chunk);
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    if (head.bytes.length === 0) return null;
    diagnostics.push(diagnostic('error', error.code, `${codec} stream: ${error.message}`));
  }
  if (!looksLikeTar(head.bytes)) return null;
  const index = parser.end();
  return { codec, source: await InflatedSource.open(file, codec, undefined, produced), index, diagnostics };
}

/** The first `limit` bytes of a stream that arrives in chunks; `add` says when they are complete. */
class HeadCollector {
  private parts: Uint8Array[] = [];
  private length = 0;
  private done = false;

  constructor(private readonly limit: number) {}

  /** True exactly once: when this chunk completes the head. */
  add(chunk: Uint8Array): boolean {
    if (this.done) return false;
    this.parts.push(chunk.subarray(0, this.limit - this.length));
    this.length += Math.min(chunk.length, this.limit - this.length);
    this.done = this.length >= this.limit;
    return this.done;
  }

  get bytes(): Uint8Array {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0] ?? new Uint8Array(0);
  }
}
