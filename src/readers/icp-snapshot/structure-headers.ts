import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { Source } from '../../model/source.js';

/**
 * Little-endian fields of a header read from untrusted bytes. Reads past the end give 0 instead of
 * throwing; callers check `length` first wherever a missing field must not pass for a real zero.
 */
export class LittleEndian {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  u8(offset: number): number {
    return this.bytes[offset] ?? 0;
  }

  u16(offset: number): number {
    return this.fits(offset, 2) ? this.view.getUint16(offset, true) : 0;
  }

  u32(offset: number): number {
    return this.fits(offset, 4) ? this.view.getUint32(offset, true) : 0;
  }

  u64(offset: number): bigint {
    return this.fits(offset, 8) ? this.view.getBigUint64(offset, true) : 0n;
  }

  ascii(offset: number, length: number): string {
    return String.fromCharCode(...this.bytes.subarray(offset, offset + length));
  }

  private fits(offset: number, width: number): boolean {
    return offset >= 0 && offset + width <= this.bytes.length;
  }
}

export type StructureKind = 'BTreeMap' | 'Cell' | 'Vec' | 'MinHeap' | 'LogIndex' | 'LogData';

export interface StructureInfo {
  magic: string;
  kind: StructureKind;
  version: number;
  /** Decoded header fields with the crate's snake_case names; u64 fields are bigint. */
  header: MetaRecord;
  diagnostics: Diagnostic[];
}

interface Layout {
  kind: StructureKind;
  /** Bytes the decoded fields need; a shorter memory gets STRUCT_TRUNCATED and only its version. */
  size: number;
  versions: number[];
  decode(fields: LittleEndian, memorySize: number, diagnostics: Diagnostic[]): MetaRecord;
}

const BTREE_ALLOCATOR_OFFSET = 52;
const ALLOCATOR_SIZE = 48;
/** Bytes 8..11 of a BTreeMap header hold this instead of max_value_size when bytes 4..7 are a page size. */
const PAGE_SIZE_MARKER = 0xffffffff;
const CELL_VALUE_OFFSET = 8;

const baseVec = (kind: StructureKind): Layout => ({ kind, size: 17, versions: [1], decode: decodeBaseVec });

const layouts: Record<string, Layout> = {
  BTR: { kind: 'BTreeMap', size: 28, versions: [1, 2], decode: decodeBTreeMap },
  SCL: { kind: 'Cell', size: 8, versions: [1], decode: decodeCell },
  SVC: baseVec('Vec'),
  SMH: baseVec('MinHeap'),
  GLI: { kind: 'LogIndex', size: 40, versions: [1], decode: (fields) => ({ len: fields.u64(32) }) },
  GLD: { kind: 'LogData', size: 4, versions: [1], decode: () => ({}) },
};

/** The ic-stable-structures structure at offset 0 of a virtual memory, or null when no known magic is there. */
export async function detectStructure(memory: Source): Promise<StructureInfo | null> {
  const fields = new LittleEndian(await memory.read(0, BTREE_ALLOCATOR_OFFSET + ALLOCATOR_SIZE));
  const magic = fields.ascii(0, 3);
  const layout = Object.hasOwn(layouts, magic) ? layouts[magic] : undefined;
  if (layout === undefined) return null;
  const version = fields.u8(3);
  const info: StructureInfo = { magic, kind: layout.kind, version, header: { version }, diagnostics: [] };
  if (!layout.versions.includes(version)) {
    const known = layout.versions.join(' or ');
    info.diagnostics.push(
      diagnostic(
        'warning',
        'STRUCT_UNKNOWN_VERSION',
        `The ${layout.kind} header has layout version ${version}, not ${known}.`,
      ),
    );
  }
  if (fields.length < layout.size) {
    const message = `The ${layout.kind} header needs ${layout.size} bytes but the memory holds only ${fields.length}.`;
    info.diagnostics.push(diagnostic('error', 'STRUCT_TRUNCATED', message));
    return info;
  }
  Object.assign(info.header, layout.decode(fields, memory.size, info.diagnostics));
  return info;
}

function decodeBTreeMap(fields: LittleEndian, _memorySize: number, diagnostics: Diagnostic[]): MetaRecord {
  const header: MetaRecord =
    fields.u32(8) === PAGE_SIZE_MARKER
      ? { page_size: fields.u32(4) }
      : { max_key_size: fields.u32(4), max_value_size: fields.u32(8) };
  header.root_addr = fields.u64(12);
  header.length = fields.u64(20);
  const allocator = decodeAllocator(fields);
  if (allocator === null) {
    const message = `The BTreeMap has no allocator header ("BTA") at byte ${BTREE_ALLOCATOR_OFFSET}, so its nodes cannot be located.`;
    diagnostics.push(diagnostic('error', 'STRUCT_BAD_ALLOCATOR', message));
  } else {
    header.allocator = allocator;
  }
  return header;
}

function decodeAllocator(fields: LittleEndian): MetaRecord | null {
  const at = BTREE_ALLOCATOR_OFFSET;
  if (fields.length < at + ALLOCATOR_SIZE || fields.ascii(at, 3) !== 'BTA') return null;
  return {
    version: fields.u8(at + 3),
    allocation_size: fields.u64(at + 8),
    num_allocated_chunks: fields.u64(at + 16),
    free_list_head: fields.u64(at + 24),
  };
}

function decodeCell(fields: LittleEndian, memorySize: number, diagnostics: Diagnostic[]): MetaRecord {
  const valueLength = fields.u32(4);
  const available = Math.max(0, memorySize - CELL_VALUE_OFFSET);
  if (valueLength > available) {
    const message = `The Cell value is ${valueLength} bytes long but only ${available} bytes follow its header.`;
    diagnostics.push(diagnostic('error', 'STRUCT_CELL_OVERRUN', message));
  }
  return { value_len: valueLength };
}

function decodeBaseVec(fields: LittleEndian): MetaRecord {
  return { len: fields.u64(4), max_size: fields.u32(12), is_fixed_size: fields.u8(16) !== 0 };
}
