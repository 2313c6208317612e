import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { Source } from '../../model/source.js';
import { DecompressionError, decompress, sniffCodec, type Codec } from '../shared/compression.js';
import { openTarArchive, type TarArchive } from '../shared/tar-archive.js';
import type { TarEntry } from '../shared/tar/types.js';
import type { MemberTable } from './members.js';

/** One layer blob of the archive, indexed once whichever view asks first. */
export interface OpenedLayer {
  /** Member path after links inside the save are followed. */
  path: string;
  blob: Source;
  /** `none`, `gzip`, `zstd`, … as sniffed from the blob, never from the media type. */
  compression: string;
  /** Null when the blob is not a tar even after decompression. */
  archive: TarArchive | null;
}

/** Opens layer blobs on demand and keeps them, so the merged view and each layer view index a layer once. */
export class LayerStore {
  private readonly opened = new Map<string, Promise<OpenedLayer>>();

  constructor(private readonly members: MemberTable) {}

  /** Null when the archive has no such member. Names that link to one member (a repeated legacy layer) share it. */
  async open(path: string): Promise<OpenedLayer | null> {
    const found = this.members.resolve(path);
    if (!found) return null;
    let pending = this.opened.get(found.path);
    if (!pending) this.opened.set(found.path, (pending = this.load(found.path, found.entry)));
    return pending;
  }

  private async load(path: string, entry: TarEntry): Promise<OpenedLayer> {
    const blob = this.members.source(entry);
    const codec = sniffCodec(await blob.read(0, 512));
    let archive = await openTarArchive(blob);
    if (!archive && (await isEmptyTar(blob, codec)))
      archive = {
        codec,
        source: blob,
        index: { entries: [], diagnostics: [], size: blob.size, ended: true },
        diagnostics: [],
      };
    return { path, blob, compression: codec ?? 'none', archive };
  }
}

/**
 * A layer that changes nothing is just the two zero blocks that end a tar (Docker's well-known
 * empty layer `sha256:5f70bf18…`), which no tar sniffer accepts as a header.
 */
async function isEmptyTar(blob: Source, codec: Codec | null): Promise<boolean> {
  let head: Uint8Array = new Uint8Array(0);
  if (codec === null) head = await blob.read(0, 1024);
  else if (codec === 'gzip' || codec === 'zstd') head = await firstChunk(blob, codec);
  return head.length >= 512 && head.every((byte) => byte === 0);
}

async function firstChunk(blob: Source, codec: 'gzip' | 'zstd'): Promise<Uint8Array> {
  try {
    for await (const chunk of decompress(blob, codec)) return chunk.subarray(0, 1024);
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
  }
  return new Uint8Array(0);
}

/** Why layer `number` (1-based) contributes nothing, addressed by its member path in the save. */
export function layerProblems(number: number, path: string, layer: OpenedLayer | null): Diagnostic[] {
  if (!layer)
    return [
      diagnostic(
        'error',
        'IMAGE_LAYER_MISSING',
        `layer ${number} (${path}) is named by the manifest but is not in the archive`,
        path,
      ),
    ];
  if (layer.archive) return [];
  const what = ['xz', 'bzip2'].includes(layer.compression)
    ? `is ${layer.compression}-compressed, which snapinspect cannot decompress`
    : `is not a tar${layer.compression === 'none' ? '' : ` after ${layer.compression} decompression`}`;
  return [
    diagnostic(
      'error',
      'IMAGE_LAYER_UNREADABLE',
      `layer ${number} (${path}) ${what}; its files are missing from the merged view`,
      path,
    ),
  ];
}

/** Problems inside the layer's own tar (truncation, bad headers, corrupt compression), with paths inside the layer. */
export function layerArchiveProblems(layer: OpenedLayer | null): Diagnostic[] {
  return layer?.archive ? [...layer.archive.diagnostics, ...layer.archive.index.diagnostics] : [];
}

/** A layer's own diagnostic as the whole image reports it: addressed `layer:N:PATH`, like the CLI selector. */
export function inLayer(number: number, found: Diagnostic): Diagnostic {
  return {
    ...found,
    path: `layer:${number}${found.path ? `:${found.path}` : ''}`,
    message: `layer ${number}: ${found.message}`,
  };
}
