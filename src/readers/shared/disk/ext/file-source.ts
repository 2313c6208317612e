import type { Source } from '../../../../model/source.js';
import type { BlockMapping, Run } from './mapping.js';
import type { ExtVolume } from './volume.js';

/** A range of bytes of one run, both in the file and on the volume. */
interface Piece {
  fileOffset: number;
  length: number;
  /** Byte offset on the volume, or null for zeros. */
  volumeOffset: number | null;
}

/**
 * A file's bytes read through its block mapping: holes and uninitialised extents are zeros. Its
 * identity is built from the volume's identity of the blocks behind it, so two files (or two
 * snapshots of one file) stored in the same unchanged clusters compare equal without being read.
 */
export class ExtFileSource implements Source {
  constructor(
    private readonly volume: ExtVolume,
    private readonly mapping: BlockMapping,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const wanted = this.clamp(offset, length);
    const out = new Uint8Array(wanted);
    if (wanted === 0) return out;
    for (const piece of await this.pieces(offset, wanted)) {
      if (piece.volumeOffset === null) continue;
      const bytes = await this.volume.source.read(piece.volumeOffset, piece.length);
      out.set(bytes.subarray(0, piece.length), piece.fileOffset - offset);
    }
    return out;
  }

  async identity(offset: number, length: number): Promise<string | null> {
    const wanted = this.clamp(offset, length);
    const volumeIdentity = this.volume.source.identity?.bind(this.volume.source);
    if (!volumeIdentity) return null;
    const parts: string[] = [];
    for (const piece of await this.pieces(offset, wanted)) {
      if (piece.volumeOffset === null) {
        parts.push(`zero:${piece.length}`);
        continue;
      }
      const part = await volumeIdentity(piece.volumeOffset, piece.length);
      if (part === null) return null;
      parts.push(part);
    }
    return parts.join('|');
  }

  private clamp(offset: number, length: number): number {
    if (offset < 0 || offset >= this.size || length <= 0) return 0;
    return Math.min(length, this.size - offset);
  }

  private async pieces(offset: number, length: number): Promise<Piece[]> {
    if (length === 0) return [];
    const blockSize = this.volume.blockSize;
    const first = Math.floor(offset / blockSize);
    const last = Math.floor((offset + length - 1) / blockSize);
    const runs = await this.mapping.runs(first, last - first + 1);
    return runs.map((run) => pieceOf(run, blockSize, offset, offset + length));
  }
}

function pieceOf(run: Run, blockSize: number, start: number, end: number): Piece {
  const fileOffset = Math.max(start, run.logical * blockSize);
  const stop = Math.min(end, (run.logical + run.count) * blockSize);
  const volumeOffset = run.physical === null ? null : run.physical * blockSize + (fileOffset - run.logical * blockSize);
  return { fileOffset, length: stop - fileOffset, volumeOffset };
}
