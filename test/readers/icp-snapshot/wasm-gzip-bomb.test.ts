import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLimits } from '../../../src/app/limits.js';
import { BytesSource } from '../../../src/model/source.js';
import { readModule } from '../../../src/readers/icp-snapshot/module-tree.js';

// A wasm header followed by zeros: gzip shrinks it about 1000:1.
function bomb(size: number): Uint8Array {
  const raw = new Uint8Array(size);
  raw.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  return gzipSync(raw, { level: 9 });
}

describe('gzip wasm module', () => {
  afterEach(() => applyLimits([]));

  it('stops a module that expands past decompressRatio with a diagnostic', async () => {
    applyLimits(['decompressRatio=100']);
    const view = await readModule(new BytesSource(bomb(8 * 1024 * 1024)));
    expect(view.children).toEqual([]);
    expect(view.summary.decompressed_size).toBeUndefined();
    const [problem] = view.diagnostics;
    expect(problem?.code).toBe('ICP_MODULE_INVALID');
    expect(problem?.message).toMatch(/gzip module cannot be inflated: expands more than 100:1 .*decompression bomb/);
  });

  it('stops a module that decompresses past wasmBytes or decompressedBytes', async () => {
    applyLimits(['wasmBytes=1M']);
    const big = await readModule(new BytesSource(bomb(4 * 1024 * 1024)));
    expect(big.diagnostics.map((d) => d.message)).toEqual([
      `gzip module cannot be inflated: decompresses to more than ${1024 * 1024} bytes`,
    ]);
    applyLimits(['decompressedBytes=2M']);
    const total = await readModule(new BytesSource(bomb(4 * 1024 * 1024)));
    expect(total.diagnostics.map((d) => d.message)).toEqual([
      `gzip module cannot be inflated: decompresses to more than ${2 * 1024 * 1024} bytes`,
    ]);
  });

  it('still inflates an ordinary gzip module', async () => {
    const raw = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const view = await readModule(new BytesSource(gzipSync(raw)));
    expect(view.summary.encoding).toBe('gzip');
    expect(view.summary.decompressed_size).toBe(8);
    expect(view.diagnostics).toEqual([]);
  });
});
