import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { Source } from '../../model/source.js';
import { DecompressionError, decompress, sniffCodec, type Codec } from './compression.js';
import { InflatedSource } from './inflated-source.js';
import { indexTar, looksLikeTar, TarStreamParser } from './tar/index.js';
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
  const head = await file.read(0, 512);
  const codec = sniffCodec(head);
  if (codec === null)
    return looksLikeTar(head) ? { codec, source: file, index: await indexTar(file), diagnostics: [] } : null;
  if (codec === 'xz' || codec === 'bzip2') return null;
  return openCompressed(file, codec);
}

async function openCompressed(file: Source, codec: 'gzip' | 'zstd'): Promise<TarArchive | null> {
  const diagnostics: Diagnostic[] = [];
  const parser = new TarStreamParser();
  let first: Uint8Array | undefined;
  let produced = 0;
  try {
    for await (const chunk of decompress(file, codec)) {
      if (!first) {
        first = chunk.subarray(0, 512);
        if (first.length >= 512 && !looksLikeTar(first)) return null;
      }
      produced += chunk.length;
      parser.push(chunk);
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    if (!first) return null;
    diagnostics.push(diagnostic('error', error.code, `${codec} stream: ${error.message}`));
  }
  if (!first || !looksLikeTar(first)) return null;
  const index = parser.end();
  return { codec, source: await InflatedSource.open(file, codec, undefined, produced), index, diagnostics };
}
