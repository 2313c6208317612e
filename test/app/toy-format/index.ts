import { basename } from 'node:path';
import { diagnostic } from '../../../src/model/diagnostics.js';
import { limitGroup } from '../../../src/model/limits.js';
import { FileSource } from '../../../src/model/source.js';
import { dirNode } from '../../../src/model/tree.js';
import type { Probe, Reader } from '../../../src/readers/reader.js';

/** A format that exists only to prove the seam: a file starting `TOY1`, checked against its own limit. */
export const toyLimits = limitGroup({
  toyBytes: { value: 16, help: 'size of a toy file; a larger one fails its check' },
});

export const toyReader: Reader = {
  id: 'toy',
  label: 'toy file (a test of the reader seam)',
  limits: toyLimits,
  async detect(probe: Probe): Promise<string | null> {
    return !probe.isDirectory && Buffer.from(probe.head.subarray(0, 4)).toString('latin1') === 'TOY1' ? 'v1' : null;
  },
  async open(probe: Probe) {
    const content = new FileSource(probe.path, probe.size);
    const root = dirNode('', [{ name: 'body', kind: 'file', size: probe.size, attrs: {}, content }]);
    return {
      format: 'toy',
      title: basename(probe.path),
      metadata: { size: probe.size },
      root,
      children: [],
      diagnostics: [],
      verify: async () =>
        probe.size > toyLimits.values.toyBytes
          ? [
              diagnostic(
                'error',
                'TOY_TOO_LARGE',
                `${probe.size} bytes; a toy holds at most ${toyLimits.values.toyBytes}`,
              ),
            ]
          : [],
    };
  },
};
