import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { OpenOptions, Probe, Reader } from '../reader.js';
import { detectImage } from './detect.js';
import { imageLimits } from './limits.js';
import { openImageArchive } from './image.js';

/** The free-text redaction of image configs, for `docker inspect` output, which carries the same fields. */

/**
 * `docker save` archives (legacy, Docker ≥ 25 OCI + compat, containerd store) and OCI layouts
 * (podman `oci-archive`): the merged filesystem as the root, each layer as `#layer:N`.
 */
export const dockerImageReader: Reader = {
  id: 'docker-image',
  limits: imageLimits,
  label: 'docker save / OCI image archive',
  async detect(probe: Probe): Promise<string | null> {
    const archive = await probe.tar();
    return archive ? ((await detectImage(archive))?.variant ?? null) : null;
  },
  async open(probe: Probe, _variant: string | null, options: OpenOptions): Promise<Snapshot> {
    const archive = await probe.tar();
    const detection = archive ? await detectImage(archive) : null;
    if (!archive || !detection)
      throw new SnapinspectError(
        'UNREADABLE',
        `${probe.path} is not a docker save or OCI image archive (no manifest.json or index.json with oci-layout)`,
      );
    return openImageArchive(archive, detection, basename(probe.path), options);
  },
};
