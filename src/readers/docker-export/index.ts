import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Probe, Reader } from '../reader.js';
import { tarSnapshot } from '../shared/tar-snapshot.js';
import { buildTarTree } from '../shared/tar-tree.js';

/** Files Docker's init layer puts in every container; exports always show them empty. */
export const DOCKER_STUBS = ['.dockerenv', 'etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev/console'];

export const dockerExportReader: Reader = {
  id: 'docker-export',
  label: 'docker export tar',
  async detect(probe: Probe): Promise<string | null> {
    const archive = await probe.tar();
    if (!archive) return null;
    const names = archive.index.entries.map((entry) => entry.path);
    return names.includes('.dockerenv') && !names.some((name) => name.startsWith('./')) ? 'export' : null;
  },
  async open(probe: Probe): Promise<Snapshot> {
    const archive = await probe.tar();
    if (!archive) throw new SnapinspectError('UNREADABLE', `${probe.path} is not a tar archive`);
    const tree = buildTarTree(archive.index.entries, archive.source);
    for (const path of DOCKER_STUBS) {
      const node = tree.byPath.get(path);
      if (!node) continue;
      node.flags = [...(node.flags ?? []), 'stub'];
      node.note = 'Docker runtime stub: always empty in an export (the real file is a bind mount)';
    }
    return tarSnapshot({ format: 'docker-export', title: basename(probe.path), metadata: {}, archive, tree });
  },
};
