import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { OpenOptions, Probe, Reader } from '../reader.js';
import { dirVariant, openDirVolume } from './dir.js';
import { configShape, isLxdExport, openExport, readExportIndex } from './export.js';
import { lxdLimits } from './limits.js';

export type { SnapshotRow } from './metadata.js';

/**
 * `lxc export` tarballs (docs/formats/containers.md, LXD export): the instance as the root, `#container`
 * and each `#<snapshot>` as children. Variants are index.yaml's config shapes: v1, v2, none.
 */
export const lxdExportReader: Reader = {
  id: 'lxd-export',
  limits: lxdLimits,
  label: 'LXD export tarball (lxc export)',
  async detect(probe: Probe): Promise<string | null> {
    const archive = await probe.tar();
    if (!archive || !isLxdExport(archive)) return null;
    return configShape((await readExportIndex(archive)).index);
  },
  async open(probe: Probe, _variant: string | null, options: OpenOptions): Promise<Snapshot> {
    const archive = await probe.tar();
    if (!archive || !isLxdExport(archive))
      throw new SnapinspectError(
        'UNREADABLE',
        `${probe.path} is not an LXD export (its first member is not backup/index.yaml)`,
      );
    return openExport(archive, basename(probe.path), options);
  },
};

/** Dir-pool folders (docs/formats/containers.md, LXD dir pool): an instance with its snapshots beside it, or one snapshot folder. */
export const lxdDirReader: Reader = {
  id: 'lxd-dir',
  limits: lxdLimits,
  label: 'LXD dir-pool instance or snapshot folder',
  async detect(probe: Probe): Promise<string | null> {
    return dirVariant(probe);
  },
  async open(probe: Probe, variant: string | null, options: OpenOptions): Promise<Snapshot> {
    if (!probe.isDirectory)
      throw new SnapinspectError('UNREADABLE', `${probe.path} is not a folder; an LXD dir-pool volume is one`);
    const known = variant === 'instance' || variant === 'snapshot' ? variant : dirVariant(probe);
    return openDirVolume(probe.path, known ?? 'instance', options);
  },
};
