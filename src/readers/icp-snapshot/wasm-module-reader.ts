import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import { FileSource } from '../../model/source.js';
import { dirNode } from '../../model/tree.js';
import type { Probe, Reader } from '../reader.js';
import { gzipPeek } from '../shared/gzip.js';
import { looksLikeWasm } from '../shared/wasm.js';
import { icpLimits } from './limits.js';
import { readModule } from './module-tree.js';

/** A bare canister module (a build output, say): the same decoded view as inside a snapshot. */
export const wasmModuleReader: Reader = {
  id: 'wasm-module',
  limits: icpLimits,
  label: 'WebAssembly module',
  async detect(probe: Probe): Promise<string | null> {
    if (probe.isDirectory) return null;
    if (looksLikeWasm(probe.head)) return 'wasm';
    // dfx and icp-cli ship modules gzipped (`.wasm.gz`); the module view inflates them the same way.
    return looksLikeWasm(gzipPeek(probe.head, 8)) ? 'wasm-gzip' : null;
  },
  async open(probe: Probe, variant: string | null): Promise<Snapshot> {
    if (probe.isDirectory) throw new SnapinspectError('UNREADABLE', `${probe.path} is a folder, not a wasm module`);
    const name = basename(probe.path);
    const view = await readModule(new FileSource(probe.path, probe.size));
    return {
      format: 'wasm-module',
      variant: variant ?? 'wasm',
      title: name,
      metadata: { module: view.summary },
      root: dirNode('', view.children),
      children: [],
      diagnostics: view.diagnostics.map((d) => ({ ...d, path: name })),
    };
  },
};
