import type { Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord } from '../../model/metadata.js';
import {
  badField,
  describeValue,
  field,
  isYamlMap,
  stringList,
  within,
  type YamlContext,
  type YamlMap,
} from './yaml.js';

/** A mapping together with where it sits, so later field reads report the right file and key. */
export interface Located {
  map: YamlMap;
  context: YamlContext;
}

/** `config` of index.yaml, or a backup.yaml, in either shape (docs/formats/containers.md, LXD export). */
export interface LxdConfig {
  shape: 'v1' | 'v2';
  instance: Located | null;
  /** `api.InstanceSnapshot` records, oldest first as LXD writes them. */
  snapshots: Located[];
  pool: Located | null;
  profiles: string[];
  /** Storage volumes with the names of their snapshots. */
  volumes: MetaRecord[];
  /** Snapshots of the first volume: the snapshot records of a custom volume export. */
  volumeSnapshots: Located[];
}

/** What index.yaml says outside `config`. */
export interface LxdIndex {
  name?: string;
  backend?: string;
  pool?: string;
  type?: string;
  snapshots?: string[];
  optimized?: boolean;
  optimizedHeader?: boolean;
  config: LxdConfig | null;
}

export function readIndex(value: unknown, context: YamlContext): LxdIndex {
  if (!isYamlMap(value)) {
    if (value !== null) badField(context, `should be a mapping, found ${describeValue(value)}`);
    return { config: null };
  }
  return {
    name: field(context, value, 'name', 'string'),
    backend: field(context, value, 'backend', 'string'),
    pool: field(context, value, 'pool', 'string'),
    type: field(context, value, 'type', 'string'),
    snapshots: stringList(context, value, 'snapshots'),
    optimized: field(context, value, 'optimized', 'boolean'),
    optimizedHeader: field(context, value, 'optimized_header', 'boolean'),
    config: readConfig(value.config, within(context, 'config')),
  };
}

/** Shape v2 carries `version: 2` and plural pools/volumes; v1 (LXD 5.x, Incus) singular ones. */
export function readConfig(value: unknown, context: YamlContext): LxdConfig | null {
  if (value === undefined || value === null) return null;
  if (!isYamlMap(value)) {
    badField(context, `should be a mapping, found ${describeValue(value)}`);
    return null;
  }
  const version = field(context, value, 'version', 'number');
  if (version !== undefined && version !== 2)
    badField(within(context, 'version'), `is ${version}; only versions 1 and 2 are known, read as 2`);
  const v2 = Object.hasOwn(value, 'version');
  const volumes = v2 ? locatedList(context, value, 'volumes') : locatedOne(context, value, 'volume');
  const volumeSnapshots = v2
    ? volumes.map((volume) => locatedList(volume.context, volume.map, 'snapshots'))
    : [locatedList(context, value, 'volume_snapshots')];
  return {
    shape: v2 ? 'v2' : 'v1',
    instance: locatedOne(context, value, v2 && Object.hasOwn(value, 'instance') ? 'instance' : 'container')[0] ?? null,
    snapshots: locatedList(context, value, 'snapshots'),
    pool: (v2 ? locatedList(context, value, 'pools') : locatedOne(context, value, 'pool'))[0] ?? null,
    profiles: locatedList(context, value, 'profiles').flatMap(
      (profile) => field(profile.context, profile.map, 'name', 'string') ?? [],
    ),
    volumes: volumes.map((volume, i) => volumeSummary(volume, volumeSnapshots[i] ?? [])),
    volumeSnapshots: volumeSnapshots[0] ?? [],
  };
}

function locatedOne(context: YamlContext, map: YamlMap, key: string): Located[] {
  const found = field(context, map, key, 'map');
  return found ? [{ map: found, context: within(context, key) }] : [];
}

function locatedList(context: YamlContext, map: YamlMap, key: string): Located[] {
  const list = field(context, map, key, 'list') ?? [];
  const located: Located[] = [];
  for (const [i, item] of list.entries()) {
    const at = within(context, `${key}[${i}]`);
    if (isYamlMap(item)) located.push({ map: item, context: at });
    else badField(at, `should be a mapping, found ${describeValue(item)}`);
  }
  return located;
}

function volumeSummary(volume: Located, snapshots: Located[]): MetaRecord {
  const text = (key: string): string | null => field(volume.context, volume.map, key, 'string') ?? null;
  const summary: MetaRecord = { name: text('name'), type: text('type'), content_type: text('content_type') };
  const pool = text('pool');
  if (pool !== null) summary.pool = pool;
  summary.snapshots = snapshots.flatMap((snapshot) => field(snapshot.context, snapshot.map, 'name', 'string') ?? []);
  return summary;
}

/** The record of one snapshot by name, or null. */
export function snapshotRecord(records: readonly Located[], name: string): Located | null {
  return records.find((record) => field(record.context, record.map, 'name', 'string') === name) ?? null;
}

export function recordNames(records: readonly Located[]): string[] {
  return records.flatMap((record) => field(record.context, record.map, 'name', 'string') ?? []);
}

/** The same record reporting its field problems to the view being built rather than to the file read earlier. */
export function reportingTo(located: Located, diagnostics: Diagnostic[]): Located {
  return { map: located.map, context: { ...located.context, diagnostics } };
}
