import type { Source } from '../../../model/source.js';
import { BLOCK } from './header.js';
import type { TarIndex } from './types.js';
import { TarWalker, type TarOptions } from './walker.js';

/**
 * A first read after a jump is one page: when members are larger than that, copying the bytes between
 * headers costs more than a read per header (a 4 KiB copy out of the page cache costs about a read call).
 */
const MIN_WINDOW = 4 * 1024;
/** Runs of small members are read in windows growing to this size, so 10k members are not 10k reads. */
const MAX_WINDOW = 1024 * 1024;

/**
 * Reads the header area of a tar through a window that grows while headers follow one another and
 * shrinks after a jump over skipped member data, so large members are never read.
 */
class WindowReader {
  private start = 0;
  private window: Uint8Array = new Uint8Array(0);
  /** Length of the last read; 0 before the first. */
  private request = 0;

  constructor(private readonly source: Source) {}

  /** `length` bytes at `offset`, fewer only at the end of the source. */
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    const end = this.start + this.window.length;
    if (offset >= this.start && offset + length <= end)
      return this.window.subarray(offset - this.start, offset - this.start + length);
    // Headers closer together than the window is long are read in growing windows; farther apart, one page each.
    const contiguous = this.request > 0 && offset >= this.start && offset <= end + this.request;
    this.request = contiguous ? Math.min(this.request * 2, MAX_WINDOW) : MIN_WINDOW;
    this.start = offset;
    this.window = await this.source.read(offset, Math.max(length, this.request));
    return this.window.subarray(0, length);
  }
}

/** Indexes an uncompressed tar by random access, reading headers only; never throws for bad bytes. */
export async function indexTar(source: Source, options: TarOptions = {}): Promise<TarIndex> {
  const walker = new TarWalker(options);
  const reader = new WindowReader(source);
  for (;;) {
    const need = walker.need;
    if (need.kind === 'done') return walker.finish(0);
    if (need.kind === 'trailer') {
      const bytes = await reader.bytes(walker.offset, MAX_WINDOW);
      if (bytes.length === 0) return walker.finish(0);
      walker.trailer(bytes);
    } else if (need.kind === 'data') {
      const available = Math.max(0, source.size - walker.offset);
      if (available < need.padded) return walker.finish(available);
      walker.skipped();
    } else {
      const length = need.kind === 'block' ? BLOCK : need.padded;
      const bytes = await reader.bytes(walker.offset, length);
      if (bytes.length < length) return walker.finish(bytes.length, bytes);
      if (need.kind === 'block') walker.block(bytes);
      else walker.payload(bytes);
    }
  }
}
