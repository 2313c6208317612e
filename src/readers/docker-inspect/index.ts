import { basename } from 'node:path';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { SnapinspectError } from '../../model/errors.js';
import { isMetaRecord, type MetaRecord, type MetaValue } from '../../model/metadata.js';
import type { Snapshot } from '../../model/snapshot.js';
import { dirNode, type TreeNode } from '../../model/tree.js';
import type { OpenOptions, Probe, Reader } from '../reader.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../shared/json.js';
import { environmentEntry, redactedValue } from '../shared/secrets.js';

export function isContainerInspect(value: JsonValue): value is JsonObject[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => isJsonObject(item) && 'Id' in item && 'State' in item && 'Config' in item)
  );
}

/** `docker inspect CONTAINER` output: identity, state, process config, mounts and networks as metadata. */
export const dockerInspectReader: Reader = {
  id: 'docker-inspect',
  label: 'docker inspect JSON',
  async detect(probe: Probe): Promise<string | null> {
    if (probe.isDirectory || !/^\s*\[/.test(new TextDecoder().decode(probe.head.subarray(0, 64)))) return null;
    const parsed = parseJson((await probe.readSmallFile()) ?? '');
    return parsed.ok && isContainerInspect(parsed.value) ? 'container' : null;
  },
  async open(probe: Probe, _variant: string | null, options: OpenOptions): Promise<Snapshot> {
    const parsed = parseJson((await probe.readSmallFile()) ?? '');
    if (!parsed.ok || !isContainerInspect(parsed.value))
      throw new SnapinspectError('UNREADABLE', `${probe.path} is not docker inspect output`);
    return inspectSnapshot(parsed.value, basename(probe.path), options);
  },
};

export function inspectSnapshot(containers: JsonObject[], title: string, options: OpenOptions): Snapshot {
  const diagnostics: Diagnostic[] = [];
  const [first] = containers;
  if (containers.length > 1)
    diagnostics.push(
      diagnostic(
        'info',
        'INSPECT_SEVERAL',
        `${containers.length} containers in one file; showing ${String(first?.Name ?? first?.Id)} first, the others under containers/`,
      ),
    );
  const view = containerView(first ?? {}, options, diagnostics);
  const others = containers
    .slice(1)
    .map((container) => dirNode(containerName(container), containerView(container, options, diagnostics).nodes));
  const nodes = others.length ? [...view.nodes, dirNode('containers', others)] : view.nodes;
  return {
    format: 'docker-inspect',
    variant: 'container',
    title,
    metadata: view.metadata,
    root: dirNode('', nodes),
    children: [],
    diagnostics,
  };
}

function containerName(container: JsonObject): string {
  const name = typeof container.Name === 'string' ? container.Name.replace(/^\//, '') : '';
  return (name || String(container.Id ?? 'container').slice(0, 12)).replaceAll('/', '%2F');
}

function containerView(
  container: JsonObject,
  options: OpenOptions,
  diagnostics: Diagnostic[],
): { metadata: MetaRecord; nodes: TreeNode[] } {
  const config = isJsonObject(container.Config) ? container.Config : {};
  const env = environment(config.Env, options, diagnostics);
  // The process's command line, labels and health check carry credentials as often as its environment.
  const shown = (value: MetaValue): MetaValue => (options.showSecrets ? value : redactedValue(value));
  const metadata: MetaRecord = {
    id: container.Id ?? null,
    name: container.Name ?? null,
    created: container.Created ?? null,
    image: container.Image ?? null,
    config_image: config.Image ?? null,
    state: pick(container.State, [
      'Status',
      'Running',
      'Paused',
      'Restarting',
      'OOMKilled',
      'Dead',
      'Pid',
      'ExitCode',
      'Error',
      'StartedAt',
      'FinishedAt',
      'Health',
    ]),
    path: shown(container.Path ?? null),
    args: shown(container.Args ?? null),
    config: {
      ...processConfig(config, shown),
      Env: env.values,
    },
    mounts: Array.isArray(container.Mounts)
      ? container.Mounts.map((mount) =>
          pick(mount, ['Type', 'Name', 'Source', 'Destination', 'Driver', 'Mode', 'RW', 'Propagation']),
        )
      : [],
    host_config: pick(container.HostConfig, [
      'Binds',
      'NetworkMode',
      'PortBindings',
      'RestartPolicy',
      'Privileged',
      'CapAdd',
      'CapDrop',
      'Memory',
      'NanoCpus',
    ]),
    network_settings: pick(container.NetworkSettings, ['Ports', 'Networks']),
    storage: pick(container, ['Driver', 'GraphDriver', 'Platform', 'RestartCount', 'SizeRw', 'SizeRootFs']),
  };
  const mounts = Array.isArray(metadata.mounts) ? metadata.mounts : [];
  const nodes = [
    dirNode('env', env.nodes, { note: 'environment variables; values that look like secrets are redacted' }),
    dirNode(
      'mounts',
      mounts.map((mount, index) =>
        record(
          isMetaRecord(mount) && typeof mount.Destination === 'string'
            ? mount.Destination.replaceAll('/', '%2F')
            : String(index),
          isMetaRecord(mount) ? mount : {},
        ),
      ),
    ),
  ];
  return { metadata, nodes };
}

const PROCESS_FIELDS = [
  'Cmd',
  'Entrypoint',
  'User',
  'WorkingDir',
  'ExposedPorts',
  'Labels',
  'Volumes',
  'Hostname',
  'StopSignal',
  'Healthcheck',
];

function processConfig(config: JsonObject, shown: (value: MetaValue) => MetaValue): MetaRecord {
  const picked = pick(config, PROCESS_FIELDS);
  for (const [key, value] of Object.entries(picked)) picked[key] = shown(value);
  return picked;
}

function environment(
  value: JsonValue | undefined,
  options: OpenOptions,
  diagnostics: Diagnostic[],
): { values: MetaValue; nodes: TreeNode[] } {
  if (!Array.isArray(value)) return { values: value ?? null, nodes: [] };
  const nodes: TreeNode[] = [];
  const values = value.map((item) => {
    const { name, value: shown, secret, holdsPassword } = environmentEntry(String(item), options.showSecrets);
    if (secret)
      diagnostics.push(
        diagnostic(
          'warning',
          'INSPECT_SECRET_ENV',
          `environment variable ${name} looks like a secret${options.showSecrets ? '' : ' (value redacted)'}`,
          `env/${name}`,
        ),
      );
    nodes.push(record(name.replaceAll('/', '%2F'), { value: shown }, secret || holdsPassword ? ['secret'] : []));
    return `${name}=${shown}`;
  });
  return { values, nodes };
}

function record(name: string, attrs: MetaRecord, flags: TreeNode['flags'] = []): TreeNode {
  return { name, kind: 'record', size: 0, attrs, ...(flags.length ? { flags } : {}) };
}

function pick(source: JsonValue | undefined, keys: string[]): MetaRecord {
  const picked: MetaRecord = {};
  if (!isJsonObject(source)) return picked;
  for (const key of keys) if (key in source) picked[key] = source[key] ?? null;
  return picked;
}
