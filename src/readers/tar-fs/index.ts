import { basename } from 'node:path';
import { SnapinspectError } from '../../model/errors.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Probe, Reader } from '../reader.js';
import { sniffCodec } from '../shared/compression.js';
import type { TarArchive } from '../shared/tar-archive.js';
import { tarSnapshot } from '../shared/tar-snapshot.js';
import { buildTarTree } from '../shared/tar-tree.js';

/** Which tool wrote a volume tarball, judged by the habits docs/formats/containers.md, Tar, lists. */
export function guessWriter(archive: TarArchive): string {
  const entries = archive.index.entries;
  if (entries.some((entry) => Object.keys(entry.pax).length > 0)) return 'pax (GNU tar --format=posix, Go or bsdtar)';
  if (entries.some((entry) => entry.format === 'gnu')) {
    const decimalNames = entries.some((entry) => /^\d+$/.test(entry.uname) || /^\d+$/.test(entry.gname));
    return archive.source.size % 10240 === 0 && !decimalNames ? 'GNU tar' : 'busybox tar';
  }
  return entries.some((entry) => entry.format === 'ustar') ? 'POSIX ustar (Go, moby, LXD)' : 'v7 tar';
}

/** The fallback for any tar: a volume backup (`tar czf … -C /source .`) or any other filesystem tarball. */
export const tarFsReader: Reader = {
  id: 'tar',
  label: 'tar archive (volume tarball or any filesystem tar)',
  async detect(probe: Probe): Promise<string | null> {
    const codec = probe.isDirectory ? null : sniffCodec(probe.head);
    // Claimed so the user hears what to do instead of "unknown format".
    if (codec === 'xz' || codec === 'bzip2') return 'unsupported-compression';
    return (await probe.tar()) ? 'filesystem' : null;
  },
  async open(probe: Probe, variant: string | null): Promise<Snapshot> {
    if (variant === 'unsupported-compression') {
      const codec = sniffCodec(probe.head);
      throw new SnapinspectError(
        'UNREADABLE',
        `${probe.path} is ${codec}-compressed, which snapinspect does not read; decompress it first (${codec === 'xz' ? 'xz' : 'bzip2'} -dk FILE)`,
      );
    }
    const archive = await probe.tar();
    if (!archive) throw new SnapinspectError('UNREADABLE', `${probe.path} is not a tar archive`);
    const tree = buildTarTree(archive.index.entries, archive.source);
    const metadata: MetaRecord = { writer: guessWriter(archive) };
    if (tree.root.entry)
      Object.assign(metadata, {
        root_mode: `0${(tree.root.mode ?? 0).toString(8)}`,
        root_owner: `${tree.root.uid}:${tree.root.gid}`,
      });
    return tarSnapshot({
      format: 'tar',
      variant: archive.codec ? `${archive.codec}` : 'plain',
      title: basename(probe.path),
      metadata,
      archive,
      tree,
    });
  },
};
