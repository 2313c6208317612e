import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import { recordNames, snapshotRecord, type Located, type LxdConfig, type LxdIndex } from './config.js';
import { lxdTime, redactedRecord, unixTime } from './values.js';
import {
  badField,
  describeValue,
  field,
  isYamlMap,
  stringList,
  toMeta,
  toMetaRecord,
  type YamlContext,
} from './yaml.js';

export type InstanceKind = 'container' | 'virtual-machine' | 'custom';

/** One line of `lxc info`'s snapshot table. */
export interface SnapshotRow extends MetaRecord {
  name: string;
  taken_at: MetaValue;
  expires_at: MetaValue;
  stateful: boolean | null;
}

function setIf(record: MetaRecord, key: string, value: MetaValue | undefined): void {
  if (value !== undefined) record[key] = value;
}

/** Fields an `api.Instance` and an `api.InstanceSnapshot` share, in the order `lxc config show` gives them. */
function sharedFields(record: MetaRecord, { map, context }: Located, showSecrets: boolean): void {
  setIf(record, 'architecture', field(context, map, 'architecture', 'string'));
  setIf(record, 'profiles', stringList(context, map, 'profiles'));
  setIf(record, 'ephemeral', field(context, map, 'ephemeral', 'boolean'));
  setIf(record, 'stateful', field(context, map, 'stateful', 'boolean'));
  setIf(record, 'last_used_at', lxdTime(context, map, 'last_used_at'));
  for (const key of ['config', 'devices', 'expanded_devices']) {
    const value = field(context, map, key, 'map');
    if (value) record[key] = redactedRecord(value, showSecrets);
  }
}

/** The instance as `lxc info` and `lxc config show` describe it. */
export function instanceMetadata(
  index: LxdIndex | null,
  config: LxdConfig | null,
  kind: InstanceKind,
  showSecrets: boolean,
): MetaRecord {
  const instance = config?.instance ?? null;
  const text = (located: Located | null | undefined, key: string): string | undefined =>
    located ? field(located.context, located.map, key, 'string') : undefined;
  const firstVolume = config?.volumes[0]?.name;
  const record: MetaRecord = {
    name: index?.name ?? text(instance, 'name') ?? (typeof firstVolume === 'string' ? firstVolume : null),
    type: index?.type ?? text(instance, 'type') ?? kind,
  };
  setIf(record, 'project', text(instance, 'project'));
  record.pool = index?.pool ?? text(config?.pool, 'name') ?? null;
  record.backend = index?.backend ?? text(config?.pool, 'driver') ?? null;
  setIf(record, 'status', text(instance, 'status'));
  const description = text(instance, 'description');
  if (description) record.description = description;
  if (instance) setIf(record, 'created_at', lxdTime(instance.context, instance.map, 'created_at'));
  if (instance) sharedFields(record, instance, showSecrets);
  record.snapshots = snapshotRows(index, config, kind);
  if (config && config.volumes.length > 0) record.volumes = config.volumes;
  if (config && config.profiles.length > 0 && !record.profiles) record.profiles = config.profiles;
  return record;
}

/** The snapshot records of this kind of export: instance snapshots, or volume snapshots for a custom volume. */
export function snapshotRecords(config: LxdConfig | null, kind: InstanceKind): Located[] {
  if (!config) return [];
  return kind === 'custom' ? config.volumeSnapshots : config.snapshots;
}

/**
 * `lxc info`'s table: the config's records, or only the names index.yaml lists when there is no
 * config to give times (an LXD 4.0 export whose backup.yaml is missing).
 */
export function snapshotRows(index: LxdIndex | null, config: LxdConfig | null, kind: InstanceKind): SnapshotRow[] {
  const records = snapshotRecords(config, kind);
  if (records.length === 0)
    return (index?.snapshots ?? []).map((name) => ({ name, taken_at: null, expires_at: null, stateful: null }));
  return recordNames(records).map((name) => snapshotRow(name, snapshotRecord(records, name)));
}

function snapshotRow(name: string, record: Located | null): SnapshotRow {
  if (!record) return { name, taken_at: null, expires_at: null, stateful: null };
  const { map, context } = record;
  const row: SnapshotRow = {
    name,
    taken_at: lxdTime(context, map, 'created_at') ?? null,
    expires_at: lxdTime(context, map, 'expires_at') ?? null,
    stateful: null,
  };
  row.stateful = field(context, map, 'stateful', 'boolean') ?? null;
  return row;
}

export interface SnapshotFacts {
  name: string;
  instance: string | null;
  /** The snapshot's entry in the instance's config (index.yaml or the instance's backup.yaml). */
  record: Located | null;
  /** The snapshot folder's own backup.yaml: the instance as it was when the snapshot was taken. */
  own: LxdConfig | null;
}

/** A snapshot as `lxc info` and `lxc config show web1/snap` describe it. */
export function snapshotMetadata({ name, instance, record, own }: SnapshotFacts, showSecrets: boolean): MetaRecord {
  const metadata: MetaRecord = { name, instance };
  if (record) {
    metadata.created_at = lxdTime(record.context, record.map, 'created_at') ?? null;
    metadata.expires_at = lxdTime(record.context, record.map, 'expires_at') ?? null;
  }
  const source = record ?? own?.instance ?? null;
  if (source) sharedFields(metadata, source, showSecrets);
  if (!record && own?.instance)
    metadata.config_source = "the snapshot folder's backup.yaml (no record in the instance config)";
  return metadata;
}

/** metadata.yaml: the image the instance came from, with creation_date as a time and the templates. */
export function imageMetadata(value: unknown, context: YamlContext): MetaRecord | null {
  if (value === null) return null;
  if (!isYamlMap(value)) {
    badField(context, `should be a mapping, found ${describeValue(value)}`);
    return null;
  }
  const record: MetaRecord = {};
  setIf(record, 'architecture', field(context, value, 'architecture', 'string'));
  setIf(record, 'creation_date', unixTime(context, value, 'creation_date'));
  setIf(record, 'expiry_date', unixTime(context, value, 'expiry_date'));
  const properties = field(context, value, 'properties', 'map');
  if (properties) record.properties = toMetaRecord(properties);
  const templates = field(context, value, 'templates', 'map');
  if (templates) record.templates = toMeta(templates);
  return record;
}
