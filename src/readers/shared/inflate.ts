import { createGunzip, createInflateRaw, type Gunzip, type InflateRaw } from 'node:zlib';
import { blocks, SCAN_BLOCK, type Source } from '../../model/source.js';
import { DecompressionError, MiB, OutputGuard, type DecompressLimits } from './decompress-guard.js';

const PUMP_CHUNK = 128 * 1024;
/** Output chunks of the second pass over corrupt data: at most this much inflated output is lost before the damage. */
const RECOVERY_CHUNK = 512;

function zlibPump(codec: 'gzip' | 'deflate-raw', chunkSize: number): ZlibPump {
  return codec === 'gzip'
    ? new ZlibPump(createGunzip({ chunkSize }), 'gzip')
    : new ZlibPump(createInflateRaw({ chunkSize }), 'deflate');
}

/**
 * zlib drops the output chunk it was filling when it meets corrupt data, which can be a whole small
 * archive. After a corrupt stream, a second pass in small chunks gives back what the first withheld,
 * all but the last few hundred bytes before the damage, as `gzip -d` writes them; then the error stands.
 */
export async function* inflate(
  source: Source,
  bounds: DecompressLimits,
  codec: 'gzip' | 'deflate-raw',
): AsyncGenerator<Uint8Array> {
  let emitted = 0;
  try {
    for await (const chunk of pumpAll(source, new OutputGuard(bounds), zlibPump(codec, PUMP_CHUNK))) {
      emitted += chunk.length;
      yield chunk;
    }
  } catch (error) {
    if (!(error instanceof DecompressionError) || error.code !== 'DECOMPRESS_CORRUPT') throw error;
    yield* withheld(pumpAll(source, new OutputGuard(bounds), zlibPump(codec, RECOVERY_CHUNK)), emitted);
    throw error;
  }
}

/** What `pass` yields past its first `skip` bytes, until it fails the way the first pass did. */
async function* withheld(pass: AsyncGenerator<Uint8Array>, skip: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  try {
    for await (const chunk of pass) {
      const start = Math.max(0, skip - seen);
      seen += chunk.length;
      if (start < chunk.length) yield chunk.subarray(start);
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
  }
}

async function* pumpAll(source: Source, guard: OutputGuard, pump: ZlibPump): AsyncGenerator<Uint8Array> {
  try {
    for await (const block of blocks(source, SCAN_BLOCK)) {
      for await (const chunk of pump.run((done) => pump.stream.write(block, done))) {
        guard.count(chunk.length, pump.stream.bytesWritten);
        yield chunk;
      }
    }
    for await (const chunk of pump.run(() => pump.stream.end())) {
      guard.count(chunk.length, pump.stream.bytesWritten);
      yield chunk;
    }
  } finally {
    pump.stream.destroy();
  }
}

/**
 * Drives zlib in flowing mode rather than through its async iterator: that iterator drops output still buffered when
 * the stream fails, so a second pass over corrupt data could stop earlier than the first. Pausing above a small
 * backlog bounds memory; zlib only inflates further once the backlog is taken.
 */
class ZlibPump {
  private readonly ready: Uint8Array[] = [];
  private readyBytes = 0;
  private failure: DecompressionError | undefined;
  private closed = false;
  private wake = (): void => {};

  // zlib's gunzip continues into the next member by itself, so multi-member files come out concatenated.
  constructor(
    readonly stream: Gunzip | InflateRaw,
    private readonly label: string,
  ) {
    this.stream.on('data', (chunk: Buffer) => {
      this.ready.push(chunk);
      this.readyBytes += chunk.length;
      if (this.readyBytes >= MiB) this.stream.pause();
      this.wake();
    });
    this.stream.on('error', (error: Error & { code?: string }) => {
      const at = `near byte ${this.stream.bytesWritten}`;
      this.failure ??=
        error.code === 'Z_BUF_ERROR'
          ? new DecompressionError('DECOMPRESS_TRUNCATED', `${this.label} stream ends early ${at}`)
          : new DecompressionError('DECOMPRESS_CORRUPT', `${this.label} data is corrupt ${at}: ${error.message}`);
    });
    this.stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Starts a write (or the end) and yields the output until it completes; the end completes when the stream closes. */
  async *run(start: (done: () => void) => void): AsyncGenerator<Uint8Array> {
    let finished = false;
    start(() => {
      finished = true;
      this.wake();
    });
    for (;;) {
      if (this.ready.length === 0) {
        if (finished || this.closed) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const chunks = this.ready.splice(0);
      this.readyBytes = 0;
      yield* chunks;
      this.stream.resume();
    }
    if (this.failure) throw this.failure;
  }
}
