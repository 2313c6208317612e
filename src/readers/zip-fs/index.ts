import { basename } from 'node:path';
import type { Diagnostic } from '../../model/diagnostics.js';
import { SnapinspectError } from '../../model/errors.js';
import { FileSource } from '../../model/source.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Probe, Reader } from '../reader.js';
import { hasEndRecord, indexZip } from '../shared/zip/central.js';
import { checkMembers } from '../shared/zip/member.js';
import { buildZipTree, readZipSymlinks } from '../shared/zip/tree.js';
import { looksLikeZip } from '../shared/zip/types.js';

/**
 * The fallback for any zip that no snapshot format claims: its files as a plain filesystem tree, as
 * any tar opens. A zip with bytes in front (a self-extracting archive) starts with the stub, not
 * with `PK`, so it is recognised by its end record instead.
 */
export const zipFsReader: Reader = {
  id: 'zip',
  label: 'zip archive (any zip, as a filesystem tree)',
  async detect(probe: Probe): Promise<string | null> {
    if (probe.isDirectory) return null;
    if (looksLikeZip(probe.head)) return 'plain';
    return (await hasEndRecord(new FileSource(probe.path, probe.size))) ? 'prefixed' : null;
  },
  async open(probe: Probe, variant: string | null): Promise<Snapshot> {
    const source = new FileSource(probe.path, probe.size);
    const index = await indexZip(source);
    if (!index.centralDirectory && index.entries.length === 0)
      throw new SnapinspectError(
        'UNREADABLE',
        `${probe.path} is not a readable zip: it has no end-of-central-directory record and no member could be recovered`,
      );
    const diagnostics: Diagnostic[] = [...index.diagnostics];
    const tree = buildZipTree(index.entries, source, diagnostics);
    await readZipSymlinks(tree, source, diagnostics);
    const members = index.entries.filter((entry) => !entry.isDirectory);
    return {
      format: 'zip',
      variant: variant ?? 'plain',
      title: basename(probe.path),
      metadata: {
        members: index.entries.length,
        central_directory: index.centralDirectory,
        zip64: index.zip64,
        comment: index.comment,
        uncompressed_bytes: members.reduce((total, entry) => total + entry.size, 0),
      },
      root: tree.root,
      children: [],
      diagnostics,
      verify: ({ progress }) => checkMembers(source, members, progress),
    };
  },
};
