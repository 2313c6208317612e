import { diagnostic, type Diagnostic } from '../../../../model/diagnostics.js';
import type { MetaRecord } from '../../../../model/metadata.js';
import { u64le } from '../../bytes.js';
import type { GptHeader } from './gpt-header.js';
import { gptType } from './gpt-types.js';
import { guidAt, ZERO_GUID } from './guid.js';
import type { Extent } from './layout.js';

const NAME_OFFSET = 56;
const NAME_BYTES = 72;
const utf16 = new TextDecoder('utf-16le', { fatal: true });

/** The used entries of the array (a zero type GUID marks an unused one), numbered from 1 by slot. */
export function gptExtents(
  header: GptHeader,
  entries: Uint8Array,
  diagnostics: Diagnostic[],
  where?: string,
): Extent[] {
  const extents: Extent[] = [];
  const count = Math.floor(entries.length / header.entrySize);
  for (let index = 0; index < count; index++) {
    const entry = entries.subarray(index * header.entrySize, (index + 1) * header.entrySize);
    const typeGuid = guidAt(entry, 0);
    if (typeGuid === ZERO_GUID) continue;
    const number = index + 1;
    const firstLba = u64le(entry, 32);
    const lastLba = u64le(entry, 40);
    if (lastLba < firstLba) {
      const message = `p${number} ends at sector ${lastLba}, before it starts (${firstLba}); it is listed empty`;
      diagnostics.push(diagnostic('warning', 'GPT_BAD_ENTRY', message, where));
    } else if (firstLba < header.firstUsableLba || lastLba > header.lastUsableLba) {
      const message = `p${number} (sectors ${firstLba}..${lastLba}) lies outside the usable sectors ${header.firstUsableLba}..${header.lastUsableLba}`;
      diagnostics.push(diagnostic('warning', 'GPT_OUTSIDE_USABLE', message, where));
    }
    const sectors = lastLba < firstLba ? 0n : lastLba - firstLba + 1n;
    extents.push({ number, firstLba, sectors, attrs: entryAttrs(entry, number, typeGuid) });
  }
  return extents;
}

function entryAttrs(entry: Uint8Array, number: number, typeGuid: string): MetaRecord {
  const type = gptType(typeGuid);
  const attrs: MetaRecord = {
    number,
    name: partitionName(entry.subarray(NAME_OFFSET, NAME_OFFSET + NAME_BYTES)),
    type: type?.name ?? typeGuid,
    type_guid: typeGuid,
  };
  if (type) attrs.type_code = type.code;
  attrs.guid = guidAt(entry, 16);
  attrs.attributes = attributeFlags(u64le(entry, 48));
  return attrs;
}

/** Bits 0–2 are defined for every type; 48–63 belong to the partition type (ChromeOS priorities, Microsoft read-only). */
function attributeFlags(bits: bigint): MetaRecord {
  return {
    required: (bits & 1n) !== 0n,
    no_block_io: (bits & 2n) !== 0n,
    legacy_bios_bootable: (bits & 4n) !== 0n,
    type_specific: Number(bits >> 48n),
    value: `0x${bits.toString(16).padStart(16, '0')}`,
  };
}

/** UTF-16LE up to the first NUL; code units that are not valid UTF-16 stay visible as `\uXXXX`. */
function partitionName(bytes: Uint8Array): string {
  let units = 0;
  while (units * 2 + 1 < bytes.length && (bytes[units * 2] !== 0 || bytes[units * 2 + 1] !== 0)) units++;
  const used = bytes.subarray(0, units * 2);
  try {
    return utf16.decode(used);
  } catch {
    const view = new DataView(used.buffer, used.byteOffset, used.byteLength);
    return Array.from({ length: units }, (_, i) => {
      const unit = view.getUint16(i * 2, true);
      return unit >= 0xd800 && unit <= 0xdfff ? `\\u${unit.toString(16)}` : String.fromCharCode(unit);
    }).join('');
  }
}
