import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BytesSource, type Source } from '../../../src/model/source.js';
import {
  decompress,
  DecompressionError,
  sniffCodec,
  type Codec,
  type DecompressLimits,
} from '../../../src/readers/shared/compression.js';
import { InflatedSource } from '../../../src/readers/shared/inflated-source.js';
import { offsetSample, truncationSample } from '../../helpers/samples.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const hasZstdCli = spawnSync('zstd', ['--version']).status === 0;
if (!hasZstdCli)
  console.warn(
    'SKIPPED zstd tool cases: the zstd binary is missing (apt-get install zstd); frames it writes are not round-tripped, damaged or served by InflatedSource',
  );

function zstdCli(data: Uint8Array, ...args: string[]): Uint8Array {
  return execFileSync('zstd', ['-q', '-c', ...args], { input: data, maxBuffer: 256 * MiB });
}

const concat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** Bytes that compress about 2:1 without being trivial: random nibbles. */
function nibbles(length: number): Uint8Array {
  const bytes = randomBytes(length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (bytes[i] ?? 0) & 0x0f;
  return bytes;
}

const text = (length: number): Uint8Array => Buffer.alloc(length, 'snapshot archive line of text\n');
/** Compressible text that still stays under the default ratio limit with zstd (a constant line would not). */
function lines(count: number): Uint8Array {
  return Buffer.from(Array.from({ length: count }, (_, i) => `member ${i} of the archive, mode 0644\n`).join(''));
}

async function inflate(compressed: Uint8Array, codec: Codec): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of decompress(new BytesSource(compressed), codec)) chunks.push(chunk);
  return concat(...chunks);
}

/** Runs the stream to its failure, calling `each` per chunk; returns the error and the bytes produced before it. */
async function runToFailure(
  compressed: Uint8Array,
  limits?: DecompressLimits,
  each?: () => unknown,
): Promise<[DecompressionError, number]> {
  let produced = 0;
  const chunks = decompress(new BytesSource(compressed), 'gzip', limits);
  const error = await failure(
    (async () => {
      for await (const chunk of chunks) {
        produced += chunk.length;
        await each?.();
      }
    })(),
  );
  return [error, produced];
}

function flip(bytes: Uint8Array, at: number, mask: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ mask;
  return copy;
}

/** The DecompressionError the promise fails with; any other outcome fails the test. */
async function failure(pending: Promise<unknown>): Promise<DecompressionError> {
  const error: unknown = await pending.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DecompressionError)) throw new Error(`expected a DecompressionError, got ${String(error)}`);
  return error;
}

/** Succeeds, or fails only with a DecompressionError of one of `codes`. */
async function settles(compressed: Uint8Array, codec: Codec, codes: string[]): Promise<void> {
  const outcome = await inflate(compressed, codec).then(
    () => 'ok',
    (error: unknown) => (error instanceof DecompressionError ? error.code : String(error)),
  );
  expect(['ok', ...codes]).toContain(outcome);
}

function le(value: number, length: number): number[] {
  return Array.from({ length }, (_, i) => Math.floor(value / 256 ** i) % 256);
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
type Block = { type: 'raw' | 'rle'; bytes: Uint8Array };

/** A zstd frame of raw and RLE blocks (the two kinds that need no entropy coder), with a 128 KiB window. */
function zstdFrame(blocks: Block[], header: number[] = [0x00, 0x38]): Uint8Array {
  const parts = blocks.map((block, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const typeBits = block.type === 'raw' ? 0 : 2;
    const body = block.type === 'raw' ? block.bytes : block.bytes.subarray(0, 1);
    return concat(Uint8Array.from(le((block.bytes.length << 3) | typeBits | last, 3)), body);
  });
  return concat(Uint8Array.from([...ZSTD_MAGIC, ...header]), ...parts);
}

/** The simplest frame: single segment, one-byte content size, one raw block. */
function rawFrame(content: Uint8Array): Uint8Array {
  return zstdFrame([{ type: 'raw', bytes: content }], [0x20, content.length]);
}

function skippableFrame(payload: Uint8Array, nibble = 0): Uint8Array {
  return concat(Uint8Array.from([0x50 + nibble, 0x2a, 0x4d, 0x18, ...le(payload.length, 4)]), payload);
}

/** Counts how often the compressed input is read from its start: once per pass. */
function passCounting(compressed: Uint8Array): Source & { passes: number } {
  const base = new BytesSource(compressed);
  const read = (offset: number, length: number): Promise<Uint8Array> => {
    if (offset === 0) source.passes++;
    return base.read(offset, length);
  };
  const source = { size: base.size, passes: 0, read };
  return source;
}

describe('sniffCodec', () => {
  it('recognises each magic', () => {
    expect(sniffCodec(gzipSync(text(10)))).toBe('gzip');
    expect(sniffCodec(rawFrame(text(5)))).toBe('zstd');
    expect(sniffCodec(skippableFrame(text(3), 0x0f))).toBe('zstd');
    expect(sniffCodec(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]))).toBe('xz');
    expect(sniffCodec(Buffer.from('BZh91AY&SY'))).toBe('bzip2');
  });

  it('rejects near misses', () => {
    const misses = [
      [],
      [0x1f, 0x8b],
      [0x1f, 0x8b, 0x07],
      [0x28, 0xb5, 0x2f, 0xfc],
      [0x60, 0x2a, 0x4d, 0x18],
      [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01],
    ];
    for (const bytes of misses) expect(sniffCodec(Uint8Array.from(bytes))).toBeNull();
    for (const head of ['BZh', 'BZhx', 'BZh0', 'ustar\0', '{"a":1}']) expect(sniffCodec(Buffer.from(head))).toBeNull();
  });
});

describe('gzip', () => {
  it('round-trips random and compressible data in bounded chunks', async () => {
    for (const data of [randomBytes(300 * KiB), lines(150_000), new Uint8Array(0)]) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of decompress(new BytesSource(gzipSync(data)), 'gzip')) chunks.push(chunk);
      expect(same(concat(...chunks), data)).toBe(true);
      expect(Math.max(0, ...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(128 * KiB);
    }
  });

  it('concatenates members and accepts trailing zero padding', async () => {
    const [a, b] = [text(100 * KiB), randomBytes(50 * KiB)];
    expect(same(await inflate(concat(gzipSync(a), gzipSync(b), gzipSync(a)), 'gzip'), concat(a, b, a))).toBe(true);
    expect(same(await inflate(concat(gzipSync(a), new Uint8Array(512)), 'gzip'), a)).toBe(true);
  });

  it('reports truncation at any length, never another error', async () => {
    const gz = gzipSync(concat(text(200 * KiB), randomBytes(20 * KiB)));
    expect((await failure(inflate(new Uint8Array(0), 'gzip'))).code).toBe('DECOMPRESS_TRUNCATED');
    expect((await failure(inflate(gz.subarray(0, gz.length - 1), 'gzip'))).code).toBe('DECOMPRESS_TRUNCATED');
    for (let length = 0; length < gz.length; length += 397)
      await settles(gz.subarray(0, length), 'gzip', ['DECOMPRESS_TRUNCATED', 'DECOMPRESS_CORRUPT']);
  });

  it('reports corruption with its position', async () => {
    const gz = gzipSync(text(64 * KiB));
    const error = await failure(inflate(flip(gz, gz.length - 8, 0xff), 'gzip'));
    expect(error.code).toBe('DECOMPRESS_CORRUPT');
    expect(error.message).toMatch(/^gzip data is corrupt near byte \d+: .+$/);
    expect((await failure(inflate(concat(gz, Buffer.from('garbage after the member')), 'gzip'))).code).toBe(
      'DECOMPRESS_CORRUPT',
    );
    for (let at = 10; at < gz.length; at += 7)
      await settles(flip(gz, at, 0x55), 'gzip', ['DECOMPRESS_CORRUPT', 'DECOMPRESS_TRUNCATED']);
  });
});

describe('zstd', () => {
  it('decodes frames built byte by byte: raw, RLE, several blocks and frames', async () => {
    expect(Buffer.from(await inflate(rawFrame(Buffer.from('hello')), 'zstd')).toString()).toBe('hello');
    const raw = randomBytes(128 * KiB);
    const frame = zstdFrame([
      { type: 'raw', bytes: raw },
      { type: 'rle', bytes: new Uint8Array(100 * KiB).fill(7) },
      { type: 'raw', bytes: raw.subarray(0, 10) },
    ]);
    const expected = concat(raw, new Uint8Array(100 * KiB).fill(7), raw.subarray(0, 10));
    expect(same(await inflate(frame, 'zstd'), expected)).toBe(true);
    expect(same(await inflate(concat(frame, rawFrame(text(9))), 'zstd'), concat(expected, text(9)))).toBe(true);
  });

  it('skips skippable frames before, between and after data', async () => {
    const input = concat(
      skippableFrame(text(40)),
      rawFrame(text(5)),
      skippableFrame(new Uint8Array(0), 15),
      rawFrame(text(7)),
      skippableFrame(text(3)),
    );
    expect(same(await inflate(input, 'zstd'), concat(text(5), text(7)))).toBe(true);
  });

  it.skipIf(!hasZstdCli)('round-trips what the zstd tool writes, with and without checksums', async () => {
    // Over a MiB, so every level writes several blocks; the window of --long=27 is 128 MiB.
    const data = concat(lines(20_000), nibbles(256 * KiB), randomBytes(64 * KiB));
    for (const args of [[], ['--no-check', '-19'], ['--long=27']])
      expect(same(await inflate(zstdCli(data, ...args), 'zstd'), data)).toBe(true);
    const two = concat(zstdCli(text(1000)), skippableFrame(text(8)), zstdCli(data));
    expect(same(await inflate(two, 'zstd'), concat(text(1000), data))).toBe(true);
  });

  it('tells truncated, corrupt and unsupported input apart', async () => {
    const frame = rawFrame(text(200));
    const code = async (bytes: Uint8Array): Promise<string> => (await failure(inflate(bytes, 'zstd'))).code;
    expect(await code(new Uint8Array(0))).toBe('DECOMPRESS_TRUNCATED');
    for (const length of [1, 4, 6, 8, frame.length - 1])
      expect(await code(frame.subarray(0, length))).toBe('DECOMPRESS_TRUNCATED');
    expect(await code(skippableFrame(text(100)).subarray(0, 50))).toBe('DECOMPRESS_TRUNCATED');
    expect(await code(concat(frame, Buffer.from('trailing')))).toBe('DECOMPRESS_CORRUPT');
    expect(await code(zstdFrame([{ type: 'raw', bytes: text(10) }], [0x20, 11]))).toBe('DECOMPRESS_CORRUPT');
    expect(await code(concat(Uint8Array.from([...ZSTD_MAGIC, 0x00, 0x38, 0x07, 0x00, 0x00]), text(10)))).toBe(
      'DECOMPRESS_CORRUPT',
    );
    expect(await code(zstdFrame([{ type: 'raw', bytes: text(10) }], [0x01, 0x38, 0x05]))).toBe(
      'DECOMPRESS_UNSUPPORTED',
    );
    const hugeWindow = await failure(inflate(zstdFrame([{ type: 'raw', bytes: text(10) }], [0x00, 0xa8]), 'zstd'));
    expect(hugeWindow.code).toBe('DECOMPRESS_UNSUPPORTED');
    expect(hugeWindow.message).toContain('2048 MiB window');
  });

  // Every length and every flipped byte is `npm run fuzz`'s job (the tar reader's zstd seeds: a raw
  // block frame and one the zstd tool wrote); here 0, 1, the header and block boundaries, the last
  // byte and a fixed-seed sample.
  const truncated = ['DECOMPRESS_TRUNCATED', 'DECOMPRESS_CORRUPT'];
  const anyCode = ['DECOMPRESS_TRUNCATED', 'DECOMPRESS_CORRUPT', 'DECOMPRESS_UNSUPPORTED', 'DECOMPRESS_LIMIT'];
  async function survives(sample: Uint8Array): Promise<void> {
    for (const length of truncationSample(sample.length, {
      seed: sample.length,
      random: 24,
      boundaries: [4, 6, 9, 12],
    }))
      await settles(sample.subarray(0, length), 'zstd', truncated);
    for (const at of offsetSample(sample.length, 48, sample.length))
      await settles(flip(sample, at, at % 2 ? 0xff : 0x10), 'zstd', anyCode);
  }

  it('survives truncation and flipped bytes at sampled offsets of a raw and RLE frame', async () => {
    await survives(
      zstdFrame([
        { type: 'raw', bytes: text(300) },
        { type: 'rle', bytes: new Uint8Array(999) },
      ]),
    );
  });

  it.skipIf(!hasZstdCli)(
    'survives truncation and flipped bytes at sampled offsets of a frame the zstd tool wrote',
    async () => {
      await survives(zstdCli(concat(text(20 * KiB), nibbles(20 * KiB))));
    },
  );
});

describe('limits', () => {
  it('refuses xz and bzip2 with a hint', async () => {
    const error = await failure(inflate(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz'));
    expect(error.code).toBe('DECOMPRESS_UNSUPPORTED');
    expect(error.message).toBe('xz compression is not supported; decompress it first: xz -dk FILE');
    expect((await failure(inflate(Buffer.from('BZh9'), 'bzip2'))).message).toContain('bzip2 -dk FILE');
  });

  it('stops a gzip bomb early by ratio, or later by size, in bounded memory', async () => {
    const bomb = await gzipOfZeros(200 * MiB);
    expect(bomb.length).toBeLessThan(300 * KiB);
    const before = process.memoryUsage().rss;
    let peak = 0;
    const sample = (): void => void (peak = Math.max(peak, process.memoryUsage().rss - before));
    const [byRatio, early] = await runToFailure(bomb, { maxOutputBytes: 2 ** 40, maxRatio: 1000 }, sample);
    expect([byRatio.code, early < 8 * MiB]).toEqual(['DECOMPRESS_LIMIT', true]);
    const [bySize, late] = await runToFailure(bomb, { maxOutputBytes: 150 * MiB, maxRatio: 10_000 }, sample);
    expect([bySize.code, late <= 150 * MiB, late > 149 * MiB]).toEqual(['DECOMPRESS_LIMIT', true, true]);
    expect(peak).toBeLessThan(100 * MiB);
  });

  it('stops a zstd bomb of RLE blocks at the ratio limit, early', async () => {
    const bomb = zstdFrame(Array.from({ length: 4096 }, () => ({ type: 'rle', bytes: new Uint8Array(128 * KiB) })));
    let produced = 0;
    const drain = async (): Promise<void> => {
      for await (const chunk of decompress(new BytesSource(bomb), 'zstd', {
        maxOutputBytes: 64 * 1024 ** 3,
        maxRatio: 10_000,
      }))
        produced += chunk.length;
    };
    expect((await failure(drain())).code).toBe('DECOMPRESS_LIMIT');
    expect(produced).toBeLessThan(256 * 1024 * 1024);
  });
});

describe('InflatedSource', () => {
  const data = concat(lines(40_000), randomBytes(300 * KiB), nibbles(200 * KiB));
  const inputs: [Codec & ('gzip' | 'zstd'), Uint8Array][] = [
    ['gzip', concat(gzipSync(data.subarray(0, 99_999)), gzipSync(data.subarray(99_999)))],
  ];
  if (hasZstdCli) inputs.push(['zstd', zstdCli(data)]);

  it.each(inputs)(
    '%s: knows its exact size and serves random reads, also concurrent ones',
    async (codec, compressed) => {
      const source = await InflatedSource.open(new BytesSource(compressed), codec);
      expect(source.size).toBe(data.length);
      const ranges = Array.from(
        { length: 40 },
        () => [Math.floor(Math.random() * data.length), Math.floor(Math.random() * 300 * KiB)] as const,
      );
      for (const [offset, length] of ranges)
        expect(same(await source.read(offset, length), data.subarray(offset, offset + length))).toBe(true);
      const together = await Promise.all(ranges.map(([offset, length]) => source.read(offset, length)));
      ranges.forEach(([offset, length], i) =>
        expect(same(together[i] ?? new Uint8Array(1), data.subarray(offset, offset + length))).toBe(true),
      );
    },
  );

  it('returns short or empty reads at and past the end', async () => {
    const source = await InflatedSource.open(new BytesSource(gzipSync(data)), 'gzip');
    expect(same(await source.read(data.length - 10, 100), data.subarray(data.length - 10))).toBe(true);
    for (const [offset, length] of [
      [data.length, 10],
      [data.length + 5, 10],
      [-1, 10],
      [0, 0],
    ] as const)
      expect((await source.read(offset, length)).length).toBe(0);
  });

  it('reads a 50 MB gzip forward in one pass and restarts only to go back', async () => {
    const big = nibbles(50 * MiB);
    const counting = passCounting(gzipSync(big, { level: 1 }));
    const source = await InflatedSource.open(counting, 'gzip');
    expect([source.size, counting.passes]).toEqual([big.length, 1]);
    for (let offset = 0, step = 512; offset < big.length; offset += step, step = step === 512 ? 70_001 : 512) {
      expect(same(await source.read(offset, step), big.subarray(offset, offset + step))).toBe(true);
    }
    expect(counting.passes).toBe(2);
    expect(same(await source.read(1000, 10), big.subarray(1000, 1010))).toBe(true);
    expect(counting.passes).toBe(3);
  });

  it('takes a size counted by the caller, and serves a failing stream up to where it fails', async () => {
    const gz = gzipSync(data);
    for (const broken of [gz.subarray(0, gz.length - 50_000), flip(gz, Math.floor(gz.length * 0.6), 0x55)]) {
      const [, produced] = await runToFailure(broken);
      // A consumer slow enough to make the decoder pause must get exactly as far.
      expect((await runToFailure(broken, undefined, () => new Promise((resolve) => setTimeout(resolve, 2))))[1]).toBe(
        produced,
      );
      const counting = passCounting(broken);
      const source = await InflatedSource.open(counting, 'gzip', undefined, produced);
      expect(counting.passes).toBe(0);
      expect((await source.read(0, produced + 100)).length).toBe(produced);
      const overstated = await InflatedSource.open(new BytesSource(broken), 'gzip', undefined, produced + 1);
      expect(['DECOMPRESS_TRUNCATED', 'DECOMPRESS_CORRUPT']).toContain(
        (await failure(overstated.read(produced - 1, 2))).code,
      );
    }
  });
});

/** A gzip of `length` zero bytes, deflated in 1 MiB writes so the test never holds the plain data. */
async function gzipOfZeros(length: number): Promise<Uint8Array> {
  const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const parts: Buffer[] = [];
  gzip.on('data', (part: Buffer) => parts.push(part));
  const zeros = Buffer.alloc(MiB);
  for (let written = 0; written < length; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  await new Promise((resolve) => gzip.end(resolve));
  return concat(...parts);
}
