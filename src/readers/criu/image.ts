import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import type { Source } from '../../model/source.js';
import { readFully } from '../shared/byte-cursor.js';
import { extraRule, IMG_COMMON, IMG_SERVICE, INVENTORY, type ExtraRule } from './magic.js';
import { u32be, u32le } from '../shared/bytes.js';
import { DecodeError } from '../shared/byte-cursor.js';
import { ProtoMessage } from './protobuf.js';

export type ByteOrder = 'little-endian' | 'big-endian';

export interface ImageHeader {
  /** The image's own magic (INVENTORY, CORE, …). */
  magic: number;
  /** The first u32 when it is IMG_COMMON or IMG_SERVICE; absent for inventory, which has only its own. */
  family?: 'common' | 'service';
  byteOrder: ByteOrder;
  /** Where the first entry starts: 4 or 8. */
  size: number;
}

export interface ImageEntry {
  index: number;
  /** File offset of the payload (after its u32 size). */
  offset: number;
  payload: Uint8Array;
}

export interface ImageScan {
  entries: number;
  /** Bytes after the last entry that belong to it ('rest' images: TCP queues, ghost file data). */
  trailing: number;
  diagnostics: Diagnostic[];
}

/** Limits against hostile images; real ones hold thousands of entries of a few KiB at most. */
const BLOCK = 1024 * 1024;

function u32(bytes: Uint8Array, offset: number, order: ByteOrder): number | undefined {
  if (bytes.length < offset + 4) return undefined;
  return order === 'little-endian' ? u32le(bytes, offset) : u32be(bytes, offset);
}

/**
 * The header of a CRIU image, in whichever byte order the dumping host used, or null when the
 * first u32 is none of IMG_COMMON, IMG_SERVICE or INVENTORY in either order. A common or service
 * header cut before its second u32 comes back with magic 0.
 */
export function readHeader(head: Uint8Array): ImageHeader | null {
  for (const byteOrder of ['little-endian', 'big-endian'] as const) {
    const first = u32(head, 0, byteOrder);
    if (first === INVENTORY) return { magic: INVENTORY, byteOrder, size: 4 };
    if (first === IMG_COMMON || first === IMG_SERVICE) {
      return {
        magic: u32(head, 4, byteOrder) ?? 0,
        family: first === IMG_COMMON ? 'common' : 'service',
        byteOrder,
        size: 8,
      };
    }
  }
  return null;
}

/** Reads forward in large blocks, so that a million small entries cost a few reads, not two million. */
class BlockReader {
  private block: Uint8Array = new Uint8Array(0);
  private blockStart = 0;

  constructor(private readonly source: Source) {}

  async bytes(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length;
    if (offset >= this.blockStart && end <= this.blockStart + this.block.length) {
      return this.block.subarray(offset - this.blockStart, end - this.blockStart);
    }
    if (length > BLOCK) return readFully(this.source, offset, length);
    this.block = await readFully(this.source, offset, BLOCK);
    this.blockStart = offset;
    return this.block.subarray(0, Math.min(length, this.block.length));
  }
}

/**
 * Walks the `{ u32 size, payload[size], extra }` entries after the header, handing each payload
 * to `visit`. Sizes are checked against the file before anything is read or allocated; problems
 * with the framing become diagnostics and end the walk.
 */
export async function walkImage(
  source: Source,
  header: ImageHeader,
  path: string,
  visit?: (entry: ImageEntry) => void,
): Promise<ImageScan> {
  const reader = new BlockReader(source);
  const rule = extraRule(header.magic);
  const scan: ImageScan = { entries: 0, trailing: 0, diagnostics: [] };
  let offset = header.size;
  while (offset < source.size) {
    if (scan.entries >= limits.criuEntries)
      return stop(
        scan,
        'CRIU_TOO_MANY_ENTRIES',
        `${path} has more than ${limits.criuEntries} entries (limit criuEntries); only those are read`,
        path,
        'warning',
      );
    const sizeBytes = await reader.bytes(offset, 4);
    const size = u32(sizeBytes, 0, header.byteOrder);
    if (size === undefined)
      return stop(
        scan,
        'CRIU_TRUNCATED',
        `${path} ends inside the size of entry ${scan.entries} at offset ${offset}`,
        path,
      );
    const payloadOffset = offset + 4;
    if (size > source.size - payloadOffset) {
      return stop(
        scan,
        'CRIU_TRUNCATED',
        `${path}: entry ${scan.entries} at offset ${offset} claims ${size} bytes, but only ${source.size - payloadOffset} remain`,
        path,
      );
    }
    if (size > limits.criuEntryBytes)
      return stop(
        scan,
        'CRIU_TOO_MANY_ENTRIES',
        `${path}: entry ${scan.entries} is ${size} bytes, over the ${limits.criuEntryBytes}-byte limit (criuEntryBytes)`,
        path,
        'warning',
      );
    const payload = await reader.bytes(payloadOffset, size);
    visit?.({ index: scan.entries, offset: payloadOffset, payload });
    scan.entries++;
    offset = payloadOffset + size;
    if (rule === undefined) continue;
    const extra = extraBytes(rule, payload);
    if (extra === 'rest' || extra === null) {
      scan.trailing = source.size - offset;
      if (extra === null)
        scan.diagnostics.push(
          diagnostic(
            'error',
            'CRIU_DECODE_ERROR',
            `${path}: entry ${scan.entries - 1} does not say how much data follows it`,
            path,
          ),
        );
      return scan;
    }
    if (extra > source.size - offset)
      return stop(
        scan,
        'CRIU_TRUNCATED',
        `${path}: entry ${scan.entries - 1} is followed by ${extra} bytes of data, past the end`,
        path,
      );
    offset += extra;
  }
  return scan;
}

function stop(
  scan: ImageScan,
  code: string,
  message: string,
  path: string,
  severity: 'error' | 'warning' = 'error',
): ImageScan {
  scan.diagnostics.push(diagnostic(severity, code, message, path));
  return scan;
}

/** Null when the payload that sizes the extra data cannot be decoded. */
function extraBytes(rule: ExtraRule, payload: Uint8Array): number | 'rest' | null {
  if (rule === 'rest') return 'rest';
  try {
    const count = ProtoMessage.decode(payload).uint64(rule.field) ?? 0n;
    const bytes =
      Number(count > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : count) * (rule.multiple ?? 1);
    const align = rule.align ?? 1;
    return Math.ceil(bytes / align) * align;
  } catch (error) {
    if (error instanceof DecodeError) return null;
    throw error;
  }
}
