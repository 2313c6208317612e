import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import { FileSource } from '../../model/source.js';
import { dirNode } from '../../model/tree.js';
import type { Probe, Reader } from '../reader.js';
import { looksLikeWasm } from '../shared/wasm.js';
import { icpLimits } from './limits.js';
import { readModule } from './module-tree.js';

/** A bare canister module (a build output, say): the same decoded view as inside a snapshot. */
export const wasmModuleReader: Reader = {
  id: 'wasm-module',
  limits: icpLimits,
  label: 'WebAssembly module',
  async detect(probe: Probe): Promise<string | null> {
    return !probe.isDirectory && looksLikeWasm(probe.head) ? 'wasm' : null;
  },
  async open(probe: Probe): Promise<Snapshot> {
    if (probe.isDirectory) throw new SnapinspectError('UNREADABLE', `${probe.path} is a folder, not a wasm module`);
    const name = basename(probe.path);
    const view = await readModule(new FileSource(probe.path, probe.size));
    return {
      format: 'wasm-module',
      title: name,
      metadata: { module: view.summary },
      root: dirNode('', view.children),
      children: [],
      diagnostics: view.diagnostics.map((d) => ({ ...d, path: name })),
    };
  },
};
