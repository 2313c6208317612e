import { crc32 } from 'node:zlib';
import { diagnostic, type Diagnostic } from '../../../model/diagnostics.js';
import { SnapinspectError } from '../../../model/errors.js';
import { limits } from '../limits.js';
import { blocks, SliceSource, type Source } from '../../../model/source.js';
import { DecompressionError, decompress } from '../compression.js';
import { InflatedSource } from '../inflated-source.js';
import { readLocalHeader } from './local-scan.js';
import type { ZipEntry } from './types.js';

const METHOD_NAMES: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  99: 'AES',
};

/** Why a member's bytes cannot be read, or undefined when they can. */
export function unreadableReason(entry: ZipEntry): string | undefined {
  if (entry.overlaps) return 'overlapping another member (zip bombs reuse one stream this way)';
  if (entry.encrypted || entry.method === 99) return 'encrypted';
  if (entry.method !== 0 && entry.method !== 8)
    return `compressed with ${METHOD_NAMES[entry.method] ?? `method ${entry.method}`}, which is not supported`;
  return undefined;
}

/**
 * A member's bytes: stored members are a slice of the archive, deflated ones inflate on demand
 * under the ratio limit. A front-to-back read checks the CRC32 when it reaches the end, so `cat`
 * fails loudly rather than print damaged data as good.
 */
export class ZipMemberSource implements Source {
  readonly size: number;
  private data: Promise<Source> | undefined;
  private checkedUpTo = 0;
  private crc = 0;
  /** Set once the CRC32 failed: every later read that reaches the end fails too, not only the first. */
  private damage: string | undefined;

  constructor(
    private readonly archive: Source,
    readonly entry: ZipEntry,
  ) {
    this.size = entry.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    if (offset < 0 || wanted === 0) return new Uint8Array(0);
    const bytes = await this.readData(offset, wanted);
    if (bytes.length < wanted)
      throw this.failure(`holds ${offset + bytes.length} bytes where the directory says ${this.size}`);
    if (offset === this.checkedUpTo) {
      this.crc = crc32(bytes, this.crc);
      this.checkedUpTo += bytes.length;
      if (this.checkedUpTo === this.size && this.crc >>> 0 !== this.entry.crc32)
        this.damage = crcMessage(this.crc, this.entry.crc32);
    }
    if (this.damage !== undefined && offset + bytes.length === this.size) throw this.failure(this.damage);
    return bytes;
  }

  private async readData(offset: number, length: number): Promise<Uint8Array> {
    try {
      return await (await (this.data ??= this.open())).read(offset, length);
    } catch (error) {
      if (error instanceof DecompressionError) throw this.failure(error.message);
      throw error;
    }
  }

  private async open(): Promise<Source> {
    const compressed = await compressedData(this.archive, this.entry);
    if (this.entry.method === 0) return compressed;
    return InflatedSource.open(compressed, 'deflate-raw', memberLimits(this.entry), this.entry.size);
  }

  private failure(reason: string): SnapinspectError {
    return new SnapinspectError('UNREADABLE', `zip member ${this.entry.name} ${reason}`);
  }
}

function memberLimits(entry: ZipEntry): { maxOutputBytes: number; maxRatio: number } {
  return { maxOutputBytes: entry.size, maxRatio: limits.zipRatio };
}

async function compressedData(archive: Source, entry: ZipEntry): Promise<Source> {
  const header = await readLocalHeader(archive, entry.localOffset, []);
  if (!header) throw new DecompressionError('DECOMPRESS_TRUNCATED', `has no local header at byte ${entry.localOffset}`);
  if (header.dataOffset + entry.compressedSize > archive.size)
    throw new DecompressionError('DECOMPRESS_TRUNCATED', `is cut off at byte ${archive.size}`);
  return new SliceSource(archive, header.dataOffset, entry.compressedSize);
}

function crcMessage(actual: number, expected: number): string {
  const hex = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');
  return `fails its CRC32 check (data ${hex(actual)}, directory ${hex(expected)})`;
}

/**
 * Inflates one member to the end without keeping it: CRC32, size, local header name and the ratio
 * limit. Returns the problems found; an empty list means the member is intact.
 */
export async function checkMember(archive: Source, entry: ZipEntry): Promise<Diagnostic[]> {
  const reason = unreadableReason(entry);
  if (entry.overlaps) return [];
  if (reason)
    return [
      diagnostic(
        'warning',
        reason === 'encrypted' ? 'ZIP_ENCRYPTED' : 'ZIP_UNSUPPORTED_METHOD',
        `${entry.name} is ${reason}; its bytes cannot be checked`,
        entry.name,
      ),
    ];
  const header = await readLocalHeader(archive, entry.localOffset, []);
  if (!header)
    return [
      diagnostic(
        'error',
        'ZIP_LOCAL_HEADER',
        `${entry.name} has no local header at byte ${entry.localOffset}`,
        entry.name,
      ),
    ];
  const problems: Diagnostic[] = [];
  if (header.entry.name !== entry.name)
    problems.push(
      diagnostic(
        'error',
        'ZIP_LOCAL_HEADER',
        `the local header of ${entry.name} names ${header.entry.name}`,
        entry.name,
      ),
    );
  // A zero-length deflate member (the 5.1 sample's directories) is empty, not corrupt: there is nothing to inflate.
  if (entry.compressedSize === 0 && entry.size === 0)
    return entry.crc32 === 0
      ? problems
      : [...problems, diagnostic('error', 'ZIP_CRC', `${entry.name} ${crcMessage(0, entry.crc32)}`, entry.name)];
  const data = new SliceSource(archive, header.dataOffset, entry.compressedSize);
  if (header.dataOffset + entry.compressedSize > archive.size)
    return [
      ...problems,
      diagnostic('error', 'ZIP_TRUNCATED', `${entry.name} is cut off at byte ${archive.size}`, entry.name),
    ];
  let crc = 0;
  let produced = 0;
  try {
    const chunks = entry.method === 0 ? blocks(data) : decompress(data, 'deflate-raw', memberLimits(entry));
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      produced += chunk.length;
    }
  } catch (error) {
    if (!(error instanceof DecompressionError)) throw error;
    const code = error.code === 'DECOMPRESS_LIMIT' ? 'ZIP_LIMIT' : 'ZIP_CORRUPT';
    return [...problems, diagnostic('error', code, `${entry.name} ${error.message}`, entry.name)];
  }
  if (produced !== entry.size)
    problems.push(
      diagnostic(
        'error',
        'ZIP_SIZE_MISMATCH',
        `${entry.name} inflates to ${produced} bytes; the directory says ${entry.size}`,
        entry.name,
      ),
    );
  else if (crc >>> 0 !== entry.crc32)
    problems.push(diagnostic('error', 'ZIP_CRC', `${entry.name} ${crcMessage(crc, entry.crc32)}`, entry.name));
  return problems;
}

/** Every member inflated and checked in order, with progress by compressed bytes. */
export async function checkMembers(
  archive: Source,
  entries: readonly ZipEntry[],
  progress?: (done: number, total: number) => void,
): Promise<Diagnostic[]> {
  const findings: Diagnostic[] = [];
  const total = entries.reduce((sum, entry) => sum + entry.compressedSize, 0);
  let done = 0;
  for (const entry of entries) {
    for (const found of await checkMember(archive, entry)) findings.push(found);
    done += entry.compressedSize;
    progress?.(done, total);
  }
  return findings;
}
