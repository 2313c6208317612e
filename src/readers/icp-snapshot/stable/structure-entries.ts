import { diagnostic } from '../../../model/diagnostics.js';
import { limits } from '../limits.js';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../../../model/metadata.js';
import type { Source } from '../../../model/source.js';
import type { FolderLoader } from '../../../model/tree.js';
import { DecodeError, readFully } from '../../shared/byte-cursor.js';
import { decodeDidl, startsWithDidl } from '../candid/didl-decoder.js';
import { LittleEndian, type StructureInfo } from '../structure-headers.js';
import { BlockCache } from './block-cache.js';
import { BTreeWalker } from './btree-walker.js';
import { pagedEntries, type EntryContext, type StoredEntry } from './entry-pages.js';

const CELL_VALUE = 8;
const VEC_ELEMENTS = 64;
const LOG_OFFSETS = 40;
const LOG_ENTRIES = 32;

/**
 * The decoded contents of a structure as lazily loaded children, or undefined when the structure
 * has none to show (a Log's data memory is listed under its index memory). `logData` is the memory
 * paired with a Log index.
 */
export function structureEntries(
  structure: StructureInfo,
  memory: Source,
  context: EntryContext,
  logData?: Source,
): FolderLoader | undefined {
  const header = structure.header;
  switch (structure.kind) {
    case 'BTreeMap':
      return isMetaRecord(header.allocator) ? btreeEntries(header, header.allocator, memory, context) : undefined;
    case 'Cell':
      return pagedEntries(
        1,
        async () => [{ index: 0, name: 'value', value: await readValue(memory, CELL_VALUE, count(header.value_len)) }],
        context,
      );
    case 'Vec':
    case 'MinHeap':
      return vecEntries(header, memory, context);
    case 'LogIndex':
      return logData ? logEntries(header, memory, logData, context) : undefined;
    case 'LogData':
      return undefined;
  }
}

function btreeEntries(header: MetaRecord, allocator: MetaRecord, memory: Source, context: EntryContext): FolderLoader {
  const layout = {
    pageSize: count(allocator.allocation_size),
    ...(header.max_key_size !== undefined
      ? { maxKeySize: count(header.max_key_size), maxValueSize: count(header.max_value_size) }
      : {}),
  };
  const walker = new BTreeWalker(new BlockCache(memory), layout, count(header.root_addr), limits.entriesPerPage);
  const load = async (page: number): Promise<StoredEntry[]> =>
    (await walker.page(page)).map((entry, i) => ({ index: page * limits.entriesPerPage + i, ...entry }));
  return pagedEntries(count(header.length), load, context);
}

function vecEntries(header: MetaRecord, memory: Source, context: EntryContext): FolderLoader {
  const maxSize = count(header.max_size);
  const prefix = header.is_fixed_size === true ? 0 : maxSize <= 0xff ? 1 : maxSize <= 0xffff ? 2 : 4;
  const slot = prefix + maxSize;
  const fits = slot === 0 ? 0 : Math.floor(Math.max(0, memory.size - VEC_ELEMENTS) / slot);
  const total = Math.min(count(header.len), fits);
  const load = (page: number): Promise<StoredEntry[]> =>
    entriesOfPage(page, total, async (index) => {
      const at = VEC_ELEMENTS + index * slot;
      const length =
        prefix === 0
          ? maxSize
          : new LittleEndian(await readFully(memory, at, prefix)).bytes.reduceRight((sum, byte) => sum * 256 + byte, 0);
      if (length > maxSize)
        throw new DecodeError(`element ${index} is ${length} bytes long, more than the maximum ${maxSize}`);
      return { index, value: await readValue(memory, at + prefix, length) };
    });
  return pagedEntries(total, load, context);
}

function logEntries(header: MetaRecord, index: Source, data: Source, context: EntryContext): FolderLoader {
  const total = Math.min(count(header.len), Math.floor(Math.max(0, index.size - LOG_OFFSETS) / 8));
  const load = (page: number): Promise<StoredEntry[]> => {
    const first = page * limits.entriesPerPage;
    const offsets = readFully(index, LOG_OFFSETS + 8 * (first - 1), 8 * (limits.entriesPerPage + 1));
    return entriesOfPage(page, total, async (entry) => {
      const ends = new LittleEndian(await offsets);
      const end = (i: number): number => (i < 0 ? 0 : Number(ends.u64(8 * (i - first + 1))));
      const [start, stop] = [end(entry - 1), end(entry)];
      if (stop < start) throw new DecodeError(`log entry ${entry} ends at ${stop}, before it starts at ${start}`);
      return { index: entry, value: await readValue(data, LOG_ENTRIES + start, stop - start) };
    });
  };
  return pagedEntries(total, load, context);
}

/**
 * A memory without a known structure that starts with a Candid message (a value written raw, as
 * `ic_cdk::storage::stable_save` does) shows that message as its one entry, `candid`. Only the
 * first four bytes are read unless they are `DIDL`.
 */
export async function candidBlobEntries(memory: Source, context: EntryContext): Promise<FolderLoader | undefined> {
  if (!startsWithDidl(await readFully(memory, 0, 4))) return undefined;
  const bytes = await readFully(memory, 0, Math.min(memory.size, limits.stableNodeBytes));
  const decoded = decodeDidl(bytes, context.names);
  if (!decoded.ok) {
    // A value longer than the limit fails as if truncated; say which it was.
    const cut =
      bytes.length < memory.size ? ` (only the first ${bytes.length} bytes were read: the stableNodeBytes limit)` : '';
    const message = `the memory starts with DIDL but is not valid Candid: ${decoded.error}${cut}`;
    context.diagnostics.push(diagnostic('warning', 'STABLE_CANDID_UNDECODABLE', message, context.path));
    return undefined;
  }
  const value = bytes.slice(0, decoded.length);
  return pagedEntries(1, async () => [{ index: 0, name: 'candid', value }], context);
}

async function entriesOfPage(
  page: number,
  total: number,
  read: (index: number) => Promise<StoredEntry>,
): Promise<StoredEntry[]> {
  const first = page * limits.entriesPerPage;
  const last = Math.min(total, first + limits.entriesPerPage);
  const entries: StoredEntry[] = [];
  for (let index = first; index < last; index++) entries.push(await read(index));
  return entries;
}

async function readValue(memory: Source, offset: number, length: number): Promise<Uint8Array> {
  if (length > limits.stableNodeBytes)
    throw new DecodeError(`a value of ${length} bytes is larger than ${limits.stableNodeBytes}`);
  const bytes = await readFully(memory, offset, length);
  if (bytes.length < length)
    throw new DecodeError(`a value of ${length} bytes at offset ${offset} runs past the end of the memory`);
  return bytes;
}

/** A header count as a plain number; hostile u64 values saturate and are then caught by the size checks. */
function count(value: MetaValue | undefined): number {
  const number = typeof value === 'bigint' || typeof value === 'number' ? Number(value) : 0;
  return Number.isFinite(number) ? Math.min(number, Number.MAX_SAFE_INTEGER) : 0;
}
