import type { MetaRecord } from '../../model/metadata.js';
import { ConcatSource, SliceSource, type Source } from '../../model/source.js';
import type { TreeNode } from '../../model/tree.js';
import { readFully } from '../shared/byte-cursor.js';
import { WASM_PAGE, type MotokoRegions } from './stable-structures.js';
import { LittleEndian } from './structure-headers.js';

const EOP_OFFSET = 0x480000;
/** After the 128-byte UTF-32 fingerprint and the u64 version (rts persistence.rs, `PersistentMetadata`). */
const EOP_POINTERS = 136;

/**
 * The roots of Motoko's persistent metadata: the stable actor record and the stable type descriptor
 * (Candid data and type offsets), as raw 64-bit Motoko values; 0 means not set (only set across upgrades).
 */
export async function eopRoots(wasmMemory: Source): Promise<MetaRecord> {
  const fields = new LittleEndian(await readFully(wasmMemory, EOP_OFFSET + EOP_POINTERS, 24));
  const hex = (offset: number): string => `0x${fields.u64(offset).toString(16).padStart(16, '0')}`;
  return {
    metadata_address: `0x${EOP_OFFSET.toString(16)}`,
    stable_actor: hex(0),
    stable_type_candid: hex(8),
    stable_type_offsets: hex(16),
  };
}

const TABLE = 34;
const TABLE_ENTRY = 11;
const MAX_BLOCKS = 32768;

interface RegionBlocks {
  blocks: { block: number; rank: number; usedPages: number }[];
}

/**
 * One memory node per Motoko region, its bytes being its blocks in rank order (docs/formats/icp.md#motoko-regions), read
 * from the block table after the `MOREGION` header; unused table entries (region 0 stored as 0) are skipped.
 */
export async function regionNodes(stable: Source, header: MotokoRegions): Promise<TreeNode[]> {
  const blockCount = Math.min(header.totalAllocatedBlocks, MAX_BLOCKS);
  const table = new LittleEndian(await readFully(stable, TABLE, blockCount * TABLE_ENTRY));
  const regions = new Map<bigint, RegionBlocks>();
  for (let block = 0; block * TABLE_ENTRY + TABLE_ENTRY <= table.length; block++) {
    const at = block * TABLE_ENTRY;
    const owner = table.u64(at);
    if (owner === 0n) continue;
    const region = regions.get(owner - 1n) ?? { blocks: [] };
    region.blocks.push({ block, rank: table.u16(at + 8), usedPages: table.u8(at + 10) });
    regions.set(owner - 1n, region);
  }
  const blockBytes = header.blockPages * WASM_PAGE;
  const base = Number(header.blockBase);
  return [...regions]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, { blocks }]) => {
      const ordered = [...blocks].sort((a, b) => a.rank - b.rank);
      const parts = ordered.map(
        ({ block, usedPages }) =>
          new SliceSource(stable, base + block * blockBytes, Math.min(usedPages, header.blockPages) * WASM_PAGE),
      );
      const content = new ConcatSource(parts);
      const pages = ordered.reduce((sum, { usedPages }) => sum + usedPages, 0);
      return {
        name: `region ${id}`,
        kind: 'memory',
        size: content.size,
        pageSize: WASM_PAGE,
        content,
        attrs: { id, blocks: ordered.map(({ block }) => block).join(', '), pages },
        note: id === 0n ? 'Motoko region 0 (ExperimentalStableMemory)' : 'Motoko stable region',
      };
    });
}
