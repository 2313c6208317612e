import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { icpFolderFiles, writeFiles } from '../../helpers/icp-builder.js';
import { MOTOKO_EOP_FINGERPRINT, MOTOKO_EOP_OFFSET, motokoEopMemory } from '../../helpers/stable-builder.js';

const PAGE = 65536;
const BLOCK_PAGES = 2;
const BLOCK_BASE = 6 * PAGE;

/** A regions header and block table: block b belongs to `owners[b]` (region id, rank, used pages); every used page is filled with its block number. */
function regionsImage(owners: { region: number; rank: number; pages: number }[]): Uint8Array {
  const image = new Uint8Array(BLOCK_BASE + owners.length * BLOCK_PAGES * PAGE);
  const view = new DataView(image.buffer);
  image.set(new TextEncoder().encode('MOREGION'));
  view.setUint32(8, 2, true);
  view.setUint16(12, BLOCK_PAGES, true);
  view.setBigUint64(14, BigInt(BLOCK_BASE), true);
  view.setUint32(22, owners.length, true);
  view.setBigUint64(26, 17n, true);
  owners.forEach(({ region, rank, pages }, block) => {
    view.setBigUint64(34 + 11 * block, BigInt(region + 1), true);
    view.setUint16(34 + 11 * block + 8, rank, true);
    view.setUint8(34 + 11 * block + 10, pages);
    image.fill(
      0xa0 + block,
      BLOCK_BASE + block * BLOCK_PAGES * PAGE,
      BLOCK_BASE + block * BLOCK_PAGES * PAGE + pages * PAGE,
    );
  });
  return image;
}

describe('Motoko persistence in the tree', () => {
  const dir = join(tempDir(), 'motoko');
  const stable = regionsImage([
    { region: 16, rank: 1, pages: 1 },
    { region: 0, rank: 0, pages: 2 },
    { region: 16, rank: 0, pages: 2 },
  ]);
  const heap = motokoEopMemory(73);
  new DataView(heap.buffer).setBigUint64(MOTOKO_EOP_OFFSET + 4 * MOTOKO_EOP_FINGERPRINT.length + 8, 0x5000a1n, true);
  const files = icpFolderFiles({ flavour: 'icp-cli', stableMemory: stable, wasmPages: 0 });
  files.set('wasm_memory.bin', heap);
  writeFiles(dir, files);

  it('lists each region as a memory whose bytes are its blocks in rank order', async () => {
    const listing = await cli(['ls', '-l', `${dir}:stable_memory.bin`]);
    expect(
      listing.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.replace(/\s+/g, ' ').split(' ').slice(3).join(' ')),
    ).toEqual(['131072 - region 0', '196608 - region 16']);
    const region = JSON.parse((await cli(['info', '--json', `${dir}:stable_memory.bin/region 16`])).stdout);
    expect(region).toMatchObject({
      kind: 'memory',
      note: 'Motoko stable region',
      attrs: { id: 16, blocks: '2, 0', pages: 3 },
    });
    const bytes = (await cli(['cat', `${dir}:stable_memory.bin/region 16`])).bytes;
    expect([bytes[0], bytes[2 * PAGE - 1], bytes[2 * PAGE], bytes.length]).toEqual([0xa2, 0xa2, 0xa0, 3 * PAGE]);
  });

  it('decodes the roots of the EOP persistent metadata', async () => {
    const heapInfo = JSON.parse((await cli(['info', '--json', `${dir}:wasm_memory.bin`])).stdout);
    expect(heapInfo.attrs).toMatchObject({
      persistence: 'Motoko enhanced orthogonal persistence, version 1',
      metadata_address: '0x480000',
      stable_actor: '0x00000000005000a1',
      stable_type_candid: '0x0000000000000000',
      stable_type_offsets: '0x0000000000000000',
    });
  });
});
