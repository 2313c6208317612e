import type { Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { TarArchive } from './tar-archive.js';
import { buildTarTree, type TarTree } from './tar-tree.js';

/** Facts every tar-based snapshot shows: compression, member counts by kind, header flavour. */
export function archiveFacts(archive: TarArchive): MetaRecord {
  const kinds: MetaRecord = {};
  for (const entry of archive.index.entries) kinds[entry.kind] = ((kinds[entry.kind] as number | undefined) ?? 0) + 1;
  const formats = [...new Set(archive.index.entries.map((entry) => entry.format))];
  return {
    compression: archive.codec ?? 'none',
    members: archive.index.entries.length,
    kinds,
    header_format: formats.join(', '),
    pax: archive.index.entries.some((entry) => Object.keys(entry.pax).length > 0),
    end_marker: archive.index.ended,
  };
}

export interface TarSnapshotParts {
  format: string;
  variant?: string;
  title: string;
  metadata: MetaRecord;
  archive: TarArchive;
  tree?: TarTree;
}

export function tarSnapshot({
  format,
  variant,
  title,
  metadata,
  archive,
  tree = buildTarTree(archive.index.entries, archive.source),
}: TarSnapshotParts): Snapshot {
  const diagnostics: Diagnostic[] = [...archive.diagnostics, ...archive.index.diagnostics, ...tree.diagnostics];
  return {
    format,
    ...(variant ? { variant } : {}),
    title,
    metadata: { ...metadata, archive: archiveFacts(archive) },
    root: tree.root,
    children: [],
    diagnostics,
  };
}
