import { basename } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { errorMessage } from '../../model/errors.js';
import type { MetaRecord } from '../../model/metadata.js';
import { limits } from '../shared/limits.js';
import { FileSource, readAll } from '../../model/source.js';
import type { Snapshot } from '../../model/snapshot.js';
import { childrenOf, dirNode } from '../../model/tree.js';
import type { OpenOptions, Probe, Reader } from '../reader.js';
import { indexZip } from '../shared/zip/central.js';
import { ZipMemberSource } from '../shared/zip/member.js';
import { looksLikeZip } from '../shared/zip/types.js';
import { checkSnapshot } from './checks.js';
import { agentsJsonEntities, esEntities, newFormatEntities } from './json-entities.js';
import { detectFamily, familyLabels, readMetadata, restoreHint, type Family } from './family.js';
import { openFiles, readMetadataJson, type SnapshotFiles } from './files.js';
import { emptyEntities, entityCounts, managerNode, type Entities } from './manager-view.js';
import { pgEntities } from './pg-entities.js';
import { readPgDump, type PgDump } from './pg-dump.js';
import { cloudifyLimits } from './limits.js';
import { applySecretRules, type SecretEntry } from './secret-files.js';
import { pushAll } from '../../model/arrays.js';

/** Cloudify Manager snapshot zips (every family), and snapshot folders already extracted. */
export const cloudifyReader: Reader = {
  id: 'cloudify',
  limits: cloudifyLimits,
  label: 'Cloudify Manager snapshot',
  async detect(probe: Probe): Promise<string | null> {
    if (probe.isDirectory) {
      if (!probe.entries.includes('metadata.json')) return null;
      const text = await probe.readSmallFile('metadata.json');
      return text?.includes('snapshot_version')
        ? detectFamily(probe.entries.map((name) => (name === 'mgmt' || name === 'tenants' ? `${name}/` : name)))
        : null;
    }
    if (!looksLikeZip(probe.head)) return null;
    const source = new FileSource(probe.path, probe.size);
    const index = await indexZip(source);
    const names = index.entries.map((entry) => entry.name);
    if (names.includes('pg_data') || names.includes('es_data')) return detectFamily(names);
    const metadata = index.entries.find((entry) => entry.name === 'metadata.json');
    return metadata && (await mentionsSnapshotVersion(new ZipMemberSource(source, metadata)))
      ? detectFamily(names)
      : null;
  },
  async open(probe: Probe, _variant: string | null, options: OpenOptions): Promise<Snapshot> {
    const diagnostics: Diagnostic[] = [];
    const opened = await openFiles(probe, diagnostics);
    const family = detectFamily([...opened.files.keys()]);
    const metadata = await manager(opened, family, options, diagnostics);
    const root = dirNode('', [...(await childrenOf(opened.root)), managerNode(metadata.entities)]);
    const snapshot: Snapshot = {
      format: 'cloudify',
      variant: family,
      title: basename(probe.path),
      metadata: metadata.fields,
      root,
      children: [],
      diagnostics,
    };
    const zip = opened.zip ? { source: opened.zip.source, entries: opened.zip.index.entries } : null;
    snapshot.verify = (context) => checkSnapshot(snapshot, zip, context);
    return snapshot;
  },
};

/** A root metadata.json is common in zips; Cloudify's always names `snapshot_version`. */
async function mentionsSnapshotVersion(member: ZipMemberSource): Promise<boolean> {
  try {
    const bytes = await readAll(member, limits.metadataBytes);
    return bytes !== null && Buffer.from(bytes).includes('"snapshot_version"');
  } catch {
    return false;
  }
}

async function manager(
  opened: SnapshotFiles,
  family: Family,
  options: OpenOptions,
  diagnostics: Diagnostic[],
): Promise<{ fields: MetaRecord; entities: Entities }> {
  const parsed = await readMetadataJson(opened.files);
  if (!parsed.ok) diagnostics.push(diagnostic('error', 'CLOUDIFY_METADATA', parsed.error, 'metadata.json'));
  const meta = readMetadata(parsed.ok ? parsed.value : null);
  pushAll(diagnostics, meta.diagnostics);
  const entities = emptyEntities();
  const pg = await dumpOf(opened, 'pg_data', diagnostics);
  if (pg) pgEntities(pg, entities, options.showSecrets, diagnostics);
  const extra: MetaRecord = {};
  const es = opened.files.get('es_data')?.content;
  if (es)
    extra.events = await guarded(
      () => esEntities(es, entities, options.showSecrets, diagnostics),
      'es_data',
      diagnostics,
      {},
    );
  const agents = opened.files.get('agents.json')?.content;
  if (agents && entities.agents.length === 0)
    await guarded(() => agentsJsonEntities(agents, entities, diagnostics), 'agents.json', diagnostics, undefined);
  if (family === 'json-7.0.0' || family === 'json-flat')
    await newFormatEntities(opened.files, entities, options.showSecrets, diagnostics);
  const secrets = await applySecretRules(opened.files, pg, options.showSecrets, diagnostics);
  const fields: MetaRecord = {
    family,
    family_label: familyLabels[family],
    ...meta.fields,
    restore: restoreHint(family, meta.version),
    counts: entityCounts(entities),
    ...extra,
    ...(pg ? { pg_tables: Object.fromEntries([...pg.tables].map(([name, table]) => [name, table.rowCount])) } : {}),
    secrets: secretList(secrets),
    ...(opened.zip ? { zip: zipFacts(opened) } : {}),
  };
  return { fields, entities };
}

async function dumpOf(opened: SnapshotFiles, path: string, diagnostics: Diagnostic[]): Promise<PgDump | undefined> {
  const content = opened.files.get(path)?.content;
  if (!content) return undefined;
  const dump = await guarded(() => readPgDump(content, path), path, diagnostics, undefined);
  if (dump) pushAll(diagnostics, dump.diagnostics);
  return dump;
}

/** A damaged member (bad CRC, a bomb) costs its entities, not the whole snapshot. */
async function guarded<T>(read: () => Promise<T>, path: string, diagnostics: Diagnostic[], fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    diagnostics.push(diagnostic('error', 'CLOUDIFY_UNREADABLE', `${path}: ${errorMessage(error)}`, path));
    return fallback;
  }
}

function secretList(secrets: SecretEntry[]): MetaRecord {
  return Object.fromEntries(secrets.map((entry) => [entry.path, entry.what]));
}

function zipFacts(opened: SnapshotFiles): MetaRecord {
  const index = opened.zip?.index;
  const entries = index?.entries ?? [];
  return {
    entries: entries.length,
    directories: entries.filter((entry) => entry.isDirectory).length,
    files: entries.filter((entry) => !entry.isDirectory).length,
    uncompressed_bytes: entries.reduce((total, entry) => total + entry.size, 0),
    zip64: index?.zip64 ?? false,
    central_directory: index?.centralDirectory ?? false,
  };
}
