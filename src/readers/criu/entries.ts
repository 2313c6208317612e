import { decodeName } from '../../model/display.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import { SliceSource, type Source } from '../../model/source.js';
import type { TreeNode } from '../../model/tree.js';
import {
  decodeCore,
  decodeFdinfo,
  decodeFileEntry,
  decodeIds,
  decodeInventory,
  decodeMm,
  decodePagemapEntry,
  decodePstree,
  decodeRegFile,
  decodeStats,
  decodeVma,
  pagemapAttrs,
} from './decode.js';
import { walkImage, type ImageHeader } from './image.js';
import { limits } from './limits.js';
import { CORE, FDINFO, FILES, IDS, INVENTORY, MM, PAGEMAP, PSTREE, REG_FILES, STATS, VMAS } from './magic.js';
import { enumName, exact, FD_TYPES, hex } from './names.js';
import { DecodeError } from '../shared/byte-cursor.js';
import { ProtoMessage, type Field } from './protobuf.js';

/** Length-delimited fields longer than this are shown by size only. */
const SHOWN_BYTES = 256;

type Describe = (message: ProtoMessage, index: number) => MetaRecord;

const DESCRIBERS = new Map<number, Describe>([
  [INVENTORY, decodeInventory],
  [STATS, decodeStats],
  [PSTREE, (message) => ({ ...decodePstree(message) })],
  [CORE, (message) => decodeCore(message).attrs],
  [IDS, (message) => ({ vm_id: decodeIds(message).vm ?? null, files_id: decodeIds(message).files ?? null })],
  [MM, (message) => decodeMm(message).attrs],
  [VMAS, (message) => decodeVma(message).attrs],
  [
    PAGEMAP,
    (message, index) =>
      index === 0 ? { pages_id: message.uint32(1) ?? null } : pagemapAttrs(decodePagemapEntry(message)),
  ],
  [FILES, (message) => decodeFileEntry(message).attrs],
  [REG_FILES, (message) => decodeRegFile(message).attrs],
  [
    FDINFO,
    (message) => {
      const info = decodeFdinfo(message);
      return { fd: info.fd, id: info.id, type: enumName(FD_TYPES, info.type), flags: hex(BigInt(info.flags)) };
    },
  ],
]);

/** One entry as a record: decoded by its known message type, otherwise field by field. */
function entryAttrs(magic: number, index: number, payload: Uint8Array): MetaRecord {
  try {
    const message = ProtoMessage.decode(payload);
    return (DESCRIBERS.get(magic) ?? genericFields)(message, index);
  } catch (error) {
    if (error instanceof DecodeError) return { decode_error: error.message };
    throw error;
  }
}

/** Without a schema: `field_<n>` per field number, repeated fields as lists, in first-seen order. */
function genericFields(message: ProtoMessage): MetaRecord {
  const byNumber = new Map<number, MetaValue[]>();
  for (const field of message.fields) {
    const values = byNumber.get(field.number) ?? [];
    values.push(fieldValue(field));
    byNumber.set(field.number, values);
  }
  const attrs: MetaRecord = {};
  for (const [number, values] of byNumber)
    attrs[`field_${number}`] = values.length === 1 ? (values[0] ?? null) : values;
  return attrs;
}

function fieldValue(field: Field): MetaValue {
  if (field.wire !== 2) return typeof field.value === 'bigint' ? exact(field.value) : field.value;
  if (field.bytes.length > SHOWN_BYTES) return `<${field.bytes.length} bytes>`;
  const text = decodeName(field.bytes);
  // Printable UTF-8 reads best as text; anything else (nested messages, binary) as hex bytes.
  return /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) && !text.includes('\\x') ? text : field.bytes.slice();
}

/** Records of the first criuRecords entries of an image (readImage says when there are more), each with its payload as content. */
export async function entryNodes(source: Source, header: ImageHeader, path: string): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  await walkImage(source, header, path, ({ index, offset, payload }) => {
    if (nodes.length >= limits.criuRecords) return;
    nodes.push({
      name: String(index),
      kind: 'record',
      size: payload.length,
      attrs: entryAttrs(header.magic, index, payload),
      content: new SliceSource(source, offset, payload.length),
    });
  });
  return nodes;
}
